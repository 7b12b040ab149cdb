#include "src/policy/policy_factory.h"

#include "absl/strings/str_cat.h"
#include "src/policy/guarded_policy.h"
#include "src/policy/hpa/hpa_policy.h"
#include "src/policy/kpa/kpa_policy.h"

namespace limiar::policy {

absl::StatusOr<std::unique_ptr<Policy>> CreatePolicy(const TargetPolicy& config) {
  if (config.metrics.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("target \"", config.target, "\": no metric to scale on"));
  }
  if (config.min_replicas < 0 || config.min_replicas > config.max_replicas) {
    return absl::InvalidArgumentError(absl::StrCat("target \"", config.target, "\": replicas_min ",
                                                   config.min_replicas, " > replicas_max ",
                                                   config.max_replicas));
  }
  std::unique_ptr<Policy> algorithm;
  switch (config.algorithm) {
    case Algorithm::kHpa:
      algorithm = hpa::MakeHpaPolicy(config);
      break;
    case Algorithm::kKpa:
      algorithm = kpa::MakeKpaPolicy(config);
      break;
  }
  return std::make_unique<GuardedPolicy>(config, std::move(algorithm));
}

}  // namespace limiar::policy
