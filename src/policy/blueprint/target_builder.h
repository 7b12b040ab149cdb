// One compute and the autoscale resources aimed at it -> its TargetPolicy. Several resources
// add one metric each (HPA takes the max of their proposals); their target-level knobs
// must agree.
#ifndef LIMIAR_POLICY_BLUEPRINT_TARGET_BUILDER_H_
#define LIMIAR_POLICY_BLUEPRINT_TARGET_BUILDER_H_

#include <optional>
#include <vector>

#include "src/common/config/diagnostics.h"
#include "src/policy/blueprint/autoscale_config.h"
#include "src/policy/blueprint/compute_config.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

// Provenance keys of the per-metric knobs: `limiar[scale-store]`,
// `capacidade_por_replica[scale-store]` (several metrics share one TargetPolicy).
std::string MetricKnobKey(absl::string_view knob, absl::string_view autoscale_name);

// The target-level keys recorded in TargetPolicy::provenance (the per-direction keys stand
// for the `tolerancia` shorthand), in display order.
const std::vector<std::string>& TargetKnobKeys();

// nullopt after reporting the problems to `diag`. `specs` is non-empty, in blueprint order.
std::optional<TargetPolicy> BuildTargetPolicy(const ComputeSpec& compute,
                                              const std::vector<const AutoscaleSpec*>& specs,
                                              config::Diagnostics& diag);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_TARGET_BUILDER_H_
