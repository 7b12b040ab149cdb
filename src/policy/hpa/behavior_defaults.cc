#include "src/policy/hpa/behavior_defaults.h"

namespace limiar::policy::hpa {
namespace {

ScalingRules Fill(const std::optional<ScalingRulesSpec>& spec, const ScalingRules& defaults) {
  if (!spec) return defaults;
  ScalingRules rules = defaults;
  if (spec->stabilization_window) rules.stabilization_window = spec->stabilization_window;
  if (spec->select_policy) rules.select_policy = *spec->select_policy;
  if (spec->policies) rules.policies = *spec->policies;
  return rules;
}

// Kept here rather than taken from DefaultHpaBehavior() so that the upstream defaulting
// cannot drift with Limiar's own defaults.
ScalingRules UpstreamScaleUp() {
  ScalingRules r;
  r.stabilization_window = absl::ZeroDuration();
  r.select_policy = SelectPolicy::kMax;
  r.policies = {{RatePolicyType::kPods, 4, absl::Seconds(15)},
                {RatePolicyType::kPercent, 100, absl::Seconds(15)}};
  return r;
}

ScalingRules UpstreamScaleDown() {
  ScalingRules r;
  r.stabilization_window = std::nullopt;  // the controller flag decides
  r.select_policy = SelectPolicy::kMax;
  r.policies = {{RatePolicyType::kPercent, 100, absl::Seconds(15)}};
  return r;
}

}  // namespace

ScalingRules DefaultScaleUpRules(const std::optional<ScalingRulesSpec>& spec) {
  return Fill(spec, UpstreamScaleUp());
}

ScalingRules DefaultScaleDownRules(const std::optional<ScalingRulesSpec>& spec) {
  return Fill(spec, UpstreamScaleDown());
}

HpaBehavior DefaultBehavior(const HpaBehaviorSpec& spec) {
  HpaBehavior b;
  b.scale_up = DefaultScaleUpRules(spec.scale_up);
  b.scale_down = DefaultScaleDownRules(spec.scale_down);
  return b;
}

absl::Duration ScaleDownWindow(const ScalingRules& scale_down,
                               absl::Duration downscale_stabilization) {
  return scale_down.stabilization_window.value_or(downscale_stabilization);
}

absl::Duration ScaleUpWindow(const ScalingRules& scale_up) {
  return scale_up.stabilization_window.value_or(absl::ZeroDuration());
}

}  // namespace limiar::policy::hpa
