#include "src/policy/hpa/message.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "src/policy/hpa/behavior_defaults.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::hpa {
namespace {

void AppendSeconds(absl::Duration d, std::string& msg) {
  if (d == absl::Seconds(absl::ToInt64Seconds(d))) {
    absl::StrAppend(&msg, absl::ToInt64Seconds(d), "s");
  } else {
    absl::StrAppend(&msg, absl::FormatDuration(d));
  }
}

// "cpu at 95% of 65% target", "requests at 52.5 per replica of 65 target".
void AppendMetricState(const MetricInput& m, const MetricOutcome& o, std::string& msg) {
  absl::StrAppend(&msg, m.name, " at ");
  if (m.target_type == TargetType::kUtilization) {
    absl::StrAppend(&msg, o.utilization_percent, "% of ", m.target_utilization, "% target");
    return;
  }
  AppendMilli(o.usage_milli, msg);
  const bool per_replica = m.target_type == TargetType::kAverageValue;
  msg.append(per_replica ? " per replica of " : " of ");
  AppendMilli(m.target_milli, msg);
  msg.append(" target");
}

void AppendPolicy(const ScalingRules& rules, int index, std::string& msg) {
  const RatePolicy& p = rules.policies[index];
  absl::StrAppend(&msg, "policy ", RatePolicyTypeName(p.type), " ", p.value, "/");
  AppendSeconds(p.period, msg);
}

// The window that stabilized a proposal of `proposed` replicas from `current`.
absl::Duration WindowFor(const ReconcileInput& in, int32_t proposed) {
  if (!in.behavior) return in.downscale_stabilization;
  return proposed > in.spec_replicas
             ? ScaleUpWindow(in.behavior->scale_up)
             : ScaleDownWindow(in.behavior->scale_down, in.downscale_stabilization);
}

// Upstream stabilizes the raw proposal and clamps afterwards; the sentences clamp first, so
// that none names as a destination a count the bounds rule out. Both orders give the same
// count: the windows take a max or a min over recommendations, and clamping is monotone.
int32_t Clamp(const ReconcileInput& in, int32_t replicas) {
  return std::clamp(replicas, in.min_replicas, in.max_replicas);
}

// Rate limits only: the bounds are part of the clamped proposal, not a limit here.
void AppendLimit(const ReconcileInput& in, const ReconcileResult& out, std::string& msg) {
  const Limited& l = out.limited;
  const bool up = l.reason == LimitReason::kScaleUpLimit;
  const char* direction = up ? "scale-up" : "scale-down";
  if (!in.behavior) {
    absl::StrAppend(&msg, direction, " limited to ", l.replicas, " by the legacy limit max(",
                    in.legacy_scale_up_limit_factor, " x ", in.spec_replicas, ", ",
                    in.legacy_scale_up_limit_minimum, ")");
  } else if (l.policy_index < 0) {
    absl::StrAppend(&msg, direction, " disabled by selectPolicy Disabled: holding ", l.replicas);
  } else {
    absl::StrAppend(&msg, direction, " limited to ", l.replicas, " by ");
    AppendPolicy(up ? in.behavior->scale_up : in.behavior->scale_down, l.policy_index, msg);
  }
}

// "scale-down to 3 held at 5 by the 300s stabilization window": `proposal` and `held` are
// clamped to the bounds.
void AppendStabilization(const ReconcileInput& in, const ReconcileResult& out, int32_t proposal,
                         int32_t held, std::string& msg) {
  const bool up = out.prenormalized_replicas > in.spec_replicas;
  const absl::Duration window = WindowFor(in, out.prenormalized_replicas);
  // The legacy window keeps the highest recent recommendation, which can exceed a
  // scale-up's own proposal.
  const bool raised = up && held > proposal;
  absl::StrAppend(&msg, up ? "scale-up to " : "scale-down to ", proposal,
                  raised ? " raised to " : " held at ", held, " by the ");
  AppendSeconds(window, msg);
  msg.append(" stabilization window");
}

// "cpu at 5% of 50% target asks 1, clamped to minReplicas 3".
void AppendAsks(const ReconcileInput& in, const ReconcileResult& out, std::string& msg) {
  const int d = out.driving_metric;
  const int32_t asks = out.prenormalized_replicas;
  AppendMetricState(in.metrics[d], out.metrics[d], msg);
  absl::StrAppend(&msg, " asks ", asks);
  if (asks < in.min_replicas) absl::StrAppend(&msg, ", clamped to minReplicas ", in.min_replicas);
  if (asks > in.max_replicas) absl::StrAppend(&msg, ", clamped to maxReplicas ", in.max_replicas);
}

void AppendInvalid(const ReconcileInput& in, const ReconcileResult& out, int first_invalid,
                   int invalid, std::string& msg) {
  const int n = static_cast<int>(in.metrics.size());
  const int32_t current = in.spec_replicas;
  if (n == 0) {
    absl::StrAppend(&msg, "no metric to scale on: holding ", current);
    return;
  }
  const std::string& error = out.metrics[first_invalid].error;
  if (invalid >= n) {
    absl::StrAppend(&msg, "no usable metric (", error, "): holding ", current);
  } else {
    absl::StrAppend(&msg, invalid, " of ", n, " metrics failed (", error,
                    ") and the others would scale down to ", out.metric_replicas, ": holding ",
                    current);
  }
}

}  // namespace

void AppendMilli(int64_t milli, std::string& msg) {
  // Unsigned arithmetic so that the most negative value has a magnitude too.
  uint64_t magnitude = milli < 0 ? 0 - static_cast<uint64_t>(milli) : milli;
  if (milli < 0) msg.push_back('-');
  absl::StrAppend(&msg, magnitude / 1000);
  uint64_t frac = magnitude % 1000;
  if (frac == 0) return;
  char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10), 0};
  int len = 3;
  while (digits[len - 1] == '0') --len;
  msg.push_back('.');
  msg.append(digits, len);
}

void AppendMessage(const ReconcileInput& in, const ReconcileResult& out, int first_invalid,
                   int invalid, std::string& msg) {
  const int32_t current = in.spec_replicas;
  switch (out.decision) {
    case Decision::kScalingDisabled:
      absl::StrAppend(&msg, "scaling disabled: the target has 0 replicas and minReplicas is ",
                      in.min_replicas);
      return;
    case Decision::kAboveMax:
      absl::StrAppend(&msg, "current ", current, " above maxReplicas ", in.max_replicas, ": ",
                      current, " -> ", in.max_replicas);
      return;
    case Decision::kBelowMin:
      absl::StrAppend(&msg, "current ", current, " below minReplicas ", in.min_replicas, ": ",
                      current, " -> ", in.min_replicas);
      return;
    case Decision::kMetricsInvalid:
      AppendInvalid(in, out, first_invalid, invalid, msg);
      return;
    case Decision::kNormalized:
      break;
  }
  const int d = out.driving_metric;
  const int32_t proposal = Clamp(in, out.prenormalized_replicas);
  const int32_t held = Clamp(in, out.stabilized_replicas);
  if (out.limited.replicas != held || held != proposal) {
    if (out.limited.replicas != held) {
      AppendLimit(in, out, msg);
    } else {
      AppendStabilization(in, out, proposal, held, msg);
    }
    msg.append(" (");
    AppendAsks(in, out, msg);
    msg.append(")");
  } else {
    if (proposal != out.prenormalized_replicas) {
      AppendAsks(in, out, msg);
    } else {
      AppendMetricState(in.metrics[d], out.metrics[d], msg);
    }
    if (out.desired_replicas == current) {
      absl::StrAppend(&msg, ": holding ", current);
      if (in.tolerances.IsWithin(out.metrics[d].ratio)) msg.append(" (within tolerance)");
    } else {
      absl::StrAppend(&msg, ": ", current, " -> ", out.desired_replicas);
    }
  }
  if (invalid > 0) {
    absl::StrAppend(&msg, "; ", invalid, " of ", in.metrics.size(), " metrics failed");
  }
}

}  // namespace limiar::policy::hpa
