// Knative's pod autoscaler decision (knative/serving pkg/autoscaler/scaling/autoscaler.go,
// `Scale(logger, now)`), as a pure object: the observed averages, the ready pod count and
// `now` come in as parameters; nothing reads a clock, a lister or a metric client.
#ifndef LIMIAR_POLICY_KPA_DECIDER_H_
#define LIMIAR_POLICY_KPA_DECIDER_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/policy/kpa/max_time_window.h"

namespace limiar::policy::kpa {

// Knative's DeciderSpec (scaling/multiscaler.go), one scaling metric.
struct DeciderSpec {
  // Per-pod value the autoscaler aims for (concurrency or requests/s per pod).
  double target_value = 1.0;
  // Per-pod capacity at 100 % utilization; only the excess burst capacity uses it.
  double total_value = 1.0;
  // Spare capacity to keep for bursts, in metric units: -1 unlimited, 0 none.
  double target_burst_capacity = 211.0;
  // Factor, not percent: panic when desired panic pods / ready pods >= this.
  double panic_threshold = 2.0;
  double max_scale_up_rate = 1000.0;
  double max_scale_down_rate = 2.0;
  // Carried for completeness (Knative sizes its activator subset with it); the decision
  // does not use it.
  double activator_capacity = 100.0;
  absl::Duration stable_window = absl::Seconds(60);
  // Read once, when the decider is created (upstream builds the delay window in New).
  absl::Duration scale_down_delay = absl::ZeroDuration();
  // False when no traffic can reach the revision: no scale-down rate limit and no delay.
  bool reachable = true;
  // Lifts a non-zero desired count to at least this (only when > 1).
  int32_t activation_scale = 1;
};

// The panic bookkeeping: `panic_time` is the last tick that was over the threshold (unset:
// not panicking); `max_panic_pods` is the highest count decided during this panic.
struct PanicState {
  std::optional<absl::Time> panic_time;
  int32_t max_panic_pods = 0;
};

// The averages the metric collector produced for this tick.
struct Observed {
  double stable = 0;
  double panic = 0;
};

// Upstream's ScaleResult plus the intermediate values, so that a caller can explain the
// decision without recomputing it. Invalid results are upstream's `invalidSR`
// {desired 0, excess burst capacity 0, valid false} and leave the state unchanged.
struct ScaleResult {
  bool valid = false;
  int32_t desired_pods = 0;
  int32_t excess_burst_capacity = 0;

  // In panic after this tick (also reported on invalid results: the unchanged state).
  bool panic_mode = false;
  // Explanation of a valid result.
  int32_t ready_pods = 0;  // as observed; the rate limits use max(1, ready_pods)
  double observed_stable = 0;
  double observed_panic = 0;
  int32_t max_scale_up = 0;
  int32_t max_scale_down = 0;
  double raw_stable_pods = 0;  // dspc = ceil(stable / target), before the rate limits
  double raw_panic_pods = 0;   // dppc = ceil(panic / target)
  int32_t stable_pods = 0;     // dspc within [max_scale_down, max_scale_up], activation
  int32_t panic_pods = 0;      // the same for dppc
  bool over_panic_threshold = false;
  // After the panic hold, before the scale-down delay.
  int32_t undelayed_pods = 0;
};

// One revision's autoscaler. Not thread-safe; one object per scaled metric.
class Decider {
 public:
  // Upstream's newAutoscaler: a decider that sees more than one ready pod at creation
  // starts in panic (panic time = `now`, max panic pods = that count), so that a restart,
  // which loses the metric history, cannot scale down before the windows refill. A failed
  // pod count counts as 0 ready pods here.
  Decider(const DeciderSpec& spec, absl::Time now,
          const absl::StatusOr<int32_t>& ready_pods_at_creation);

  // Replaces the spec from the next Scale on. The scale-down delay window keeps the size
  // it was created with, as upstream's Update does.
  void Update(const DeciderSpec& spec) { spec_ = spec; }

  // One tick. `ready_pods`: an error makes the result invalid, except NotFound, which
  // upstream reads as 0 ready pods. `observed`: an error (including "no data yet") makes
  // the result invalid.
  ScaleResult Scale(absl::Time now, const absl::StatusOr<int32_t>& ready_pods,
                    const absl::StatusOr<Observed>& observed);

  const DeciderSpec& spec() const { return spec_; }
  const PanicState& state() const { return state_; }
  // Overrides the panic bookkeeping (tests, and restoring a saved state).
  void set_state(const PanicState& state) { state_ = state; }
  // The scale-down delay window's entries (empty without a delay), and their restoration.
  std::vector<std::pair<absl::Time, int32_t>> DelayEntries() const;
  void RestoreDelay(const std::vector<std::pair<absl::Time, int32_t>>& entries);

 private:
  DeciderSpec spec_;
  PanicState state_;
  std::optional<MaxTimeWindow> delay_window_;
};

}  // namespace limiar::policy::kpa

#endif  // LIMIAR_POLICY_KPA_DECIDER_H_
