#include "src/policy/policy_config.h"

namespace limiar::policy {

HpaBehavior DefaultHpaBehavior() {
  HpaBehavior b;
  b.scale_up.stabilization_window = absl::ZeroDuration();
  b.scale_up.select_policy = SelectPolicy::kMax;
  b.scale_up.policies = {{RatePolicyType::kPods, 4, absl::Seconds(15)},
                         {RatePolicyType::kPercent, 100, absl::Seconds(15)}};
  b.scale_down.stabilization_window = std::nullopt;
  b.scale_down.select_policy = SelectPolicy::kMax;
  b.scale_down.policies = {{RatePolicyType::kPercent, 100, absl::Seconds(15)}};
  return b;
}

// MetricTypeName, AlgorithmName and ModeName are in names.cc, beside their parsers.

double InMetricUnit(const MetricTarget& t, double percent) {
  return t.metric == MetricType::kCpu ? percent : percent / 100 * t.capacity_per_replica;
}

const char* RatePolicyTypeName(RatePolicyType t) {
  return t == RatePolicyType::kPods ? "Pods" : "Percent";
}

const char* SelectPolicyName(SelectPolicy s) {
  switch (s) {
    case SelectPolicy::kMax:
      return "Max";
    case SelectPolicy::kMin:
      return "Min";
    case SelectPolicy::kDisabled:
      return "Disabled";
  }
  return "?";
}

const char* FallbackBehaviorName(FallbackBehavior b) {
  switch (b) {
    case FallbackBehavior::kStatic:
      return "static";
    case FallbackBehavior::kCurrentReplicas:
      return "currentReplicas";
    case FallbackBehavior::kIfHigher:
      return "currentReplicasIfHigher";
    case FallbackBehavior::kIfLower:
      return "currentReplicasIfLower";
  }
  return "?";
}

const char* ForecastModeName(ForecastMode m) {
  return m == ForecastMode::kActive ? "active" : "forecast-only";
}

}  // namespace limiar::policy
