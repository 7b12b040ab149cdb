#include "src/policy/kpa/decider.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace limiar::policy::kpa {
namespace {

// Knative's tick: the scale-down delay window counts in buckets of this size.
constexpr absl::Duration kTickInterval = absl::Seconds(2);

// Go's int32(x) for the values the decider produces; C++ leaves out-of-range casts
// undefined, so saturate instead.
int32_t ToInt32(double x) {
  if (std::isnan(x)) return 0;
  constexpr double kMax = std::numeric_limits<int32_t>::max();
  constexpr double kMin = std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(std::clamp(x, kMin, kMax));
}

ScaleResult Invalid(const PanicState& state) {
  ScaleResult r;
  r.panic_mode = state.panic_time.has_value();
  return r;
}

}  // namespace

Decider::Decider(const DeciderSpec& spec, absl::Time now,
                 const absl::StatusOr<int32_t>& ready_pods_at_creation)
    : spec_(spec) {
  if (spec.scale_down_delay > absl::ZeroDuration()) {
    delay_window_.emplace(spec.scale_down_delay, kTickInterval);
  }
  // Upstream reads a failed count as 0: a new revision's endpoints often do not exist yet.
  const int32_t ready = ready_pods_at_creation.ok() ? std::max(0, *ready_pods_at_creation) : 0;
  state_.max_panic_pods = ready;
  if (ready > 1) state_.panic_time = now;
}

// One tick of Knative's KPA:
//
//   ready      = max(1, ready_pods)
//   max_up     = ceil(max_scale_up_rate * ready)
//   max_down   = reachable ? floor(ready / max_scale_down_rate) : 0
//   dspc       = ceil(stable / target)          dppc = ceil(panic / target)
//   stable_pods = clamp(dspc, max_down, max_up) panic_pods = clamp(dppc, max_down, max_up)
//   if activation_scale > 1: each of them is raised to activation_scale when its raw
//     dspc/dppc > 0 (a zero count stays zero: activation is about leaving zero)
//   over       = dppc / ready >= panic_threshold
//   panic_time = now                     if over (enter or extend the panic)
//              = unset, max_panic = 0    if not over and panic_time + stable_window < now
//   desired    = panic ? max_panic = max(max_panic, stable_pods, panic_pods) : stable_pods
//   desired    = max(desired over the last ceil(delay / 2 s) buckets of 2 s)
//                (only when a delay was configured and the revision is reachable)
//   excess burst capacity = 0 if tbc == 0;
//                           floor(ready_pods * total - tbc - panic) if tbc > 0;  -1 otherwise
//
// The excess burst capacity uses the real ready count (0 stays 0), the rate limits and the
// threshold the count floored at 1.
ScaleResult Decider::Scale(absl::Time now, const absl::StatusOr<int32_t>& ready_pods,
                           const absl::StatusOr<Observed>& observed) {
  int32_t original_ready = 0;
  if (ready_pods.ok()) {
    original_ready = std::max(0, *ready_pods);
  } else if (!absl::IsNotFound(ready_pods.status())) {
    return Invalid(state_);
  }
  if (!observed.ok()) return Invalid(state_);
  const DeciderSpec& spec = spec_;
  const double stable = observed->stable;
  const double panic = observed->panic;
  // Upstream would divide by zero or carry NaN into int32(); refuse instead.
  if (!std::isfinite(stable) || !std::isfinite(panic) || !(spec.target_value > 0)) {
    return Invalid(state_);
  }

  ScaleResult r;
  r.valid = true;
  r.ready_pods = original_ready;
  r.observed_stable = stable;
  r.observed_panic = panic;

  const double ready = std::max(1.0, static_cast<double>(original_ready));
  // Ceil guarantees growth by at least one pod even with a rate like 1.1 on 2 pods.
  const double max_up = std::ceil(spec.max_scale_up_rate * ready);
  const double max_down = spec.reachable ? std::floor(ready / spec.max_scale_down_rate) : 0.0;
  r.max_scale_up = ToInt32(max_up);
  r.max_scale_down = ToInt32(max_down);

  const double dspc = std::ceil(stable / spec.target_value);
  const double dppc = std::ceil(panic / spec.target_value);
  r.raw_stable_pods = dspc;
  r.raw_panic_pods = dppc;
  r.stable_pods = ToInt32(std::min(std::max(dspc, max_down), max_up));
  r.panic_pods = ToInt32(std::min(std::max(dppc, max_down), max_up));
  if (spec.activation_scale > 1) {
    if (dspc > 0 && spec.activation_scale > r.stable_pods) r.stable_pods = spec.activation_scale;
    if (dppc > 0 && spec.activation_scale > r.panic_pods) r.panic_pods = spec.activation_scale;
  }

  r.over_panic_threshold = dppc / ready >= spec.panic_threshold;
  if (r.over_panic_threshold) {
    state_.panic_time = now;
  } else if (state_.panic_time && *state_.panic_time + spec.stable_window < now) {
    // The surge has had a full stable window to reach the stable average.
    state_.panic_time.reset();
    state_.max_panic_pods = 0;
  }

  int32_t desired = r.stable_pods;
  if (state_.panic_time) {
    // The stable average can exceed the panic one at the tail of a surge: provision for
    // whichever is larger, and never below what this panic already asked for.
    desired = std::max({desired, r.panic_pods, state_.max_panic_pods});
    state_.max_panic_pods = desired;
  }
  r.panic_mode = state_.panic_time.has_value();
  r.undelayed_pods = desired;

  // An unreachable revision serves no traffic, so holding its pods buys nothing (knative
  // serving #15831). A zero delay means no window at all: a one-bucket window would still
  // turn two ticks inside one 2 s bucket into their maximum.
  if (delay_window_ && spec.reachable) {
    delay_window_->Record(now, desired);
    desired = delay_window_->Current();
  }
  r.desired_pods = desired;

  double ebc = -1;
  if (spec.target_burst_capacity == 0) {
    ebc = 0;
  } else if (spec.target_burst_capacity > 0) {
    ebc = std::floor(original_ready * spec.total_value - spec.target_burst_capacity - panic);
  }
  r.excess_burst_capacity = ToInt32(ebc);
  return r;
}

std::vector<std::pair<absl::Time, int32_t>> Decider::DelayEntries() const {
  if (!delay_window_) return {};
  return delay_window_->Entries();
}

void Decider::RestoreDelay(const std::vector<std::pair<absl::Time, int32_t>>& entries) {
  if (!delay_window_) return;
  for (const auto& [time, value] : entries) delay_window_->Record(time, value);
}

}  // namespace limiar::policy::kpa
