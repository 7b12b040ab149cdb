#include "src/policy/kpa/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "src/policy/names.h"

namespace limiar::policy::kpa {
namespace {

// Integral values print through the integer path: double formatting is the costliest part
// of a decision, and counts, targets and windows are almost always whole.
// (AlphaNum points into its own buffer; returning the prvalue constructs it in place.)
absl::AlphaNum Num(double x) {
  if (x == std::trunc(x) && std::abs(x) < 1e15) return absl::AlphaNum(static_cast<int64_t>(x));
  return absl::AlphaNum(x);
}

// "60s", "6s", "0.5s".
std::string Secs(absl::Duration d) { return absl::StrCat(Num(absl::ToDoubleSeconds(d)), "s"); }

const char* Replicas(double n) { return n == 1 ? " replica" : " replicas"; }

int32_t Clamp(const ExplainContext& ctx, int32_t replicas) {
  return std::clamp(replicas, ctx.min_replicas, ctx.max_replicas);
}

// "2", or "the minimum of 2" where the bounds, not the metrics, set the count.
std::string Bounded(const ExplainContext& ctx, int32_t replicas) {
  if (replicas < ctx.min_replicas) return absl::StrCat("the minimum of ", ctx.min_replicas);
  if (replicas > ctx.max_replicas) return absl::StrCat("the maximum of ", ctx.max_replicas);
  return absl::StrCat(replicas);
}

bool ActivationLifted(const DeciderSpec& spec, int32_t pods, double raw) {
  return spec.activation_scale > 1 && raw > 0 && pods == spec.activation_scale && raw < pods;
}

void AppendStable(const ExplainContext& ctx, const ScaleResult& r, std::string* out) {
  const char* unit = MetricUnit(ctx.metric);
  absl::StrAppend(out, "stable: ", Secs(ctx.spec.stable_window), " average ",
                  Num(r.observed_stable), " ", unit, " needs ", Num(r.raw_stable_pods),
                  Replicas(r.raw_stable_pods), " at ", Num(ctx.spec.target_value), " ", unit,
                  " each (", r.ready_pods, " ready)");
  if (ActivationLifted(ctx.spec, r.stable_pods, r.raw_stable_pods)) {
    absl::StrAppend(out, "; raised to the activation scale ", ctx.spec.activation_scale);
  } else if (r.raw_stable_pods > r.max_scale_up && r.max_scale_up < ctx.max_replicas) {
    absl::StrAppend(out, "; scale-up limited to ", r.max_scale_up, " (rate ",
                    Num(ctx.spec.max_scale_up_rate), " x ", std::max(1, r.ready_pods), " ready)");
  } else if (r.raw_stable_pods < r.max_scale_down && r.max_scale_down > ctx.min_replicas) {
    absl::StrAppend(out, "; scale-down limited to ", r.max_scale_down, " (",
                    std::max(1, r.ready_pods), " ready / rate ", Num(ctx.spec.max_scale_down_rate),
                    ")");
  }
}

void AppendPanic(const ExplainContext& ctx, const ScaleResult& r, std::string* out) {
  const char* unit = MetricUnit(ctx.metric);
  absl::StrAppend(out, "panic: ", Secs(ctx.panic_window), " average ", Num(r.observed_panic), " ",
                  unit, " needs ", Num(r.raw_panic_pods), Replicas(r.raw_panic_pods));
  const double threshold_pct = ctx.spec.panic_threshold * 100;
  if (r.over_panic_threshold) {
    absl::StrAppend(out, " (threshold ", Num(threshold_pct), "% of ", std::max(1, r.ready_pods),
                    " ready); holding >= ", Clamp(ctx, r.undelayed_pods), " until ",
                    Secs(ctx.spec.stable_window), " without panic");
    return;
  }
  absl::StrAppend(out, ", under the threshold (", Num(threshold_pct), "% of ",
                  std::max(1, r.ready_pods), " ready)");
  if (ctx.state.panic_time) {
    absl::StrAppend(out, " for ", Secs(ctx.now - *ctx.state.panic_time));
  }
  absl::StrAppend(out, "; holding ", Clamp(ctx, r.undelayed_pods), " until ",
                  Secs(ctx.spec.stable_window), " without panic");
}

}  // namespace

const char* DecisionReason(const ScaleResult& r) {
  if (r.desired_pods > r.undelayed_pods) return "ScaleDownDelay";
  if (r.panic_mode) return "KpaPanic";
  if (r.raw_stable_pods > r.max_scale_up && r.stable_pods == r.max_scale_up) {
    return "ScaleUpLimit";
  }
  if (r.raw_stable_pods < r.max_scale_down && r.stable_pods == r.max_scale_down) {
    return "ScaleDownLimit";
  }
  return "KpaStable";
}

void AppendExplanation(const ExplainContext& ctx, const ScaleResult& r, std::string* out) {
  // Where the bounds make both counts one, the delay changes nothing and goes unmentioned.
  if (r.desired_pods > r.undelayed_pods &&
      Clamp(ctx, r.desired_pods) != Clamp(ctx, r.undelayed_pods)) {
    absl::StrAppend(out, "scale-down to ", Bounded(ctx, r.undelayed_pods), " delayed: holding ",
                    Clamp(ctx, r.desired_pods), ", the highest decision in the last ",
                    Secs(ctx.spec.scale_down_delay), " (scale-down delay); ");
  }
  if (r.panic_mode) {
    AppendPanic(ctx, r, out);
  } else {
    AppendStable(ctx, r, out);
  }
}

}  // namespace limiar::policy::kpa
