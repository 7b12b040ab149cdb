// HPA `behavior` defaulting (pkg/apis/autoscaling/v2/defaults.go, GenerateHPAScaleUpRules
// and GenerateHPAScaleDownRules): applied only when a behavior is set, field by field.
//   scaleUp:   window 0 s, selectPolicy Max, policies [Pods 4 / 15 s, Percent 100 / 15 s]
//   scaleDown: window stays unset (the controller's downscale stabilization applies),
//              selectPolicy Max, policies [Percent 100 / 15 s]
// A field that is set is kept as written, including a policy list.
#ifndef LIMIAR_POLICY_HPA_BEHAVIOR_DEFAULTS_H_
#define LIMIAR_POLICY_HPA_BEHAVIOR_DEFAULTS_H_

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::hpa {

// HPAScalingRules as written by a user: every field optional.
struct ScalingRulesSpec {
  std::optional<absl::Duration> stabilization_window;
  std::optional<SelectPolicy> select_policy;
  std::optional<std::vector<RatePolicy>> policies;
};

struct HpaBehaviorSpec {
  std::optional<ScalingRulesSpec> scale_up;
  std::optional<ScalingRulesSpec> scale_down;
};

ScalingRules DefaultScaleUpRules(const std::optional<ScalingRulesSpec>& spec);
ScalingRules DefaultScaleDownRules(const std::optional<ScalingRulesSpec>& spec);
HpaBehavior DefaultBehavior(const HpaBehaviorSpec& spec);

// The scale-down window the controller uses: the rule's own, else its flag
// (--horizontal-pod-autoscaler-downscale-stabilization).
absl::Duration ScaleDownWindow(const ScalingRules& scale_down,
                               absl::Duration downscale_stabilization);
// The scale-up window; unset means 0 (the default) for rules that were not defaulted.
absl::Duration ScaleUpWindow(const ScalingRules& scale_up);

}  // namespace limiar::policy::hpa

#endif  // LIMIAR_POLICY_HPA_BEHAVIOR_DEFAULTS_H_
