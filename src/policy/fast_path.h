// When a pushed sample is hot enough that `limiar serve` evaluates its target at once
// instead of waiting for the next tick. Pure: the composition root installs the result and
// compares each sample against it.
//
//   target_value = capacity_per_replica x target_percent / 100
//   trigger      = target_value x min(fast_path_pct, kpa ? panic_threshold_pct : inf) / 100
//
// fast_path_pct <= 0 turns the configured multiple off; a kpa target still triggers at its
// panic condition, since Knative reacts to panic within one 2 s tick. A metric the target
// does not scale on never triggers (infinity).
#ifndef LIMIAR_POLICY_FAST_PATH_H_
#define LIMIAR_POLICY_FAST_PATH_H_

#include <array>
#include <map>
#include <string>
#include <vector>

#include "src/policy/policy_config.h"

namespace limiar::policy {

// Indexed by static_cast<size_t>(MetricType).
using MetricTriggers = std::array<double, 3>;

// The sample value of `m` at or above which target `t` is evaluated at once.
double FastPathTrigger(const TargetPolicy& t, const MetricTarget& m, double fast_path_pct);

// Every target's triggers, one per metric type.
std::map<std::string, MetricTriggers> FastPathTriggers(const std::vector<TargetPolicy>& targets,
                                                       double fast_path_pct);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_FAST_PATH_H_
