// Builds the decision code for one target: its algorithm (hpa or kpa) wrapped in Limiar's
// guards. The switch over the configured kind is the one place an algorithm is chosen.
#ifndef LIMIAR_POLICY_POLICY_FACTORY_H_
#define LIMIAR_POLICY_POLICY_FACTORY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::policy {

absl::StatusOr<std::unique_ptr<Policy>> CreatePolicy(const TargetPolicy& config);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_POLICY_FACTORY_H_
