// The decision interface: what one evaluation of one target sees and what it recommends.
// Implementations are deterministic: no I/O, no clock reads, no logging. `now` comes in
// the input. Each Policy object keeps its own history (recommendations, scale events,
// panic state) and serves exactly one target; it is not thread-safe.
#ifndef LIMIAR_POLICY_POLICY_H_
#define LIMIAR_POLICY_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/policy/policy_config.h"

namespace limiar::policy {

// One replica's view of one metric, as the metric source sees it.
struct ReplicaSample {
  std::string replica_id;
  // Ready condition now, and when it last changed (HPA's cpu-initialization rules).
  bool ready = true;
  absl::Time ready_transition = absl::InfinitePast();
  absl::Time start_time = absl::InfinitePast();
  // nullopt: the replica exists but has no sample ("missing"): it never counts as zero.
  std::optional<double> value;
  // When the sample was taken, and the window it averages over.
  absl::Time sample_time = absl::InfinitePast();
  absl::Duration sample_window = absl::Seconds(60);
};

// Everything known about one metric of a target at evaluation time.
struct MetricObservation {
  MetricType metric = MetricType::kCpu;
  // Non-OK: the source could not fetch this metric; the other fields are meaningless.
  absl::Status error;
  std::vector<ReplicaSample> replicas;
  // Knative's collector output: the total across replicas, averaged over the stable and
  // the panic window. nullopt when the source does not window; the KPA then windows the
  // per-tick totals itself.
  std::optional<double> stable_total;
  std::optional<double> panic_total;
  // The metric for the whole target from one query (PromQL, as KEDA does), when that is
  // how it is observed: HPA reads it as an External AverageValue metric
  // (desired = ceil(total / per-replica target)), KPA as its stable and panic totals.
  std::optional<double> whole_target_value;
  // Set when replicas are known but none has a sample within the metric window: the
  // source's account of what it holds ("no requests samples for web within the 60s metric
  // window; the newest pushed sample is 95s old"). HPA then has no usable metric (upstream
  // says "no metrics returned from custom metrics API", an API Limiar does not use); KPA
  // reads the totals instead. Empty otherwise.
  std::string none_in_window;
};

struct PolicyInput {
  absl::Time now;
  int32_t current_replicas = 0;  // the target's spec replicas
  int32_t ready_replicas = 0;
  // Effective bounds for this evaluation (config bounds narrowed by active schedules).
  int32_t min_replicas = 0;
  int32_t max_replicas = 0;
  // One entry per MetricTarget of the TargetPolicy, in the same order. A view of the
  // caller's observations, valid for the duration of the call: an evaluation copies no
  // vector (the control loop observes into a buffer it reuses).
  std::span<const MetricObservation> metrics;
  // False when nobody reads the recommendation's message (a replay that keeps no decision):
  // the message is then left empty, which saves formatting a sentence at every evaluation.
  bool explain = true;
};

// One metric's own proposal, for explanation.
struct MetricProposal {
  MetricType metric = MetricType::kCpu;
  bool valid = false;
  int32_t replicas = 0;
  // Utilization in percent of capacity (HPA's utilization / average-value ratio x 100).
  double utilization_percent = 0;
  // What `kubectl get hpa` shows as "value/target": cpu in percent of the request, other
  // metrics per replica in their own unit (requests/s, connections). Set by the control
  // loop from the target's MetricTarget (InMetricUnit), for valid proposals.
  double value = 0;
  double target = 0;
  std::string error;
};

// What the forecasting policy saw and did on one evaluation, for the decision's sentence,
// `limiar explain` and /metrics.
struct ForecastNote {
  ForecastMode mode = ForecastMode::kActive;
  // False until a forecaster fits the history; `why_not` then says what is missing.
  bool ready = false;
  std::string why_not;
  std::string forecaster;  // the one in use ("holt_winters_add"), when ready
  // The metric whose forecast asks for the most replicas, its forecast total load over the
  // horizon (the metric's unit: cores, requests/s, connections), and the floor it gives
  // (within the bounds).
  MetricType metric = MetricType::kCpu;
  double load = 0;
  absl::Duration horizon;
  int32_t floor = 0;
  // The floor set the count (never in forecast-only mode).
  bool applied = false;
  // Sum of absolute errors over the sum of actual load, over the last hour's minutes of
  // one-minute-ahead forecasts; nullopt before any minute was forecast.
  std::optional<double> error_ratio;
};

struct Recommendation {
  int32_t desired_replicas = 0;
  // Machine-readable reason, HPA's spellings where HPA has one (ScaleUpLimit,
  // ScaleDownLimit, TooFewReplicas, TooManyReplicas, DesiredWithinRange, ...) and Limiar's
  // own for its additions (CooldownUp, ScheduleFloor, Fallback, ...).
  std::string reason;
  // A human sentence: "scale-up limited to 8 by policy Pods 4/15s".
  std::string message;
  // The algorithm's proposal before stabilization, rate limits and bounds.
  int32_t proposed_replicas = 0;
  // False when no metric gave a usable value (HPA ScalingActive=False): no scale-down then.
  bool scaling_active = true;
  std::vector<MetricProposal> metrics;
  // KPA only.
  bool panic_mode = false;
  int32_t excess_burst_capacity = 0;
  // Set when the target has a forecasting policy.
  std::optional<ForecastNote> forecast;
};

// What a restart must not forget, for one target: the state file of `limiar serve` holds
// one of these per target, so that a scale-down the stabilization window or a cooldown
// holds is still held after `kill -9`. Each layer saves and restores its own part; a part
// left empty restores as "no history".
struct PolicyState {
  struct Point {
    absl::Time time;
    int32_t value = 0;
  };
  // hpa: the recommendation history (value = replicas) and the scale events (value = the
  // number of replicas added or removed).
  bool hpa_history_started = false;
  std::vector<Point> recommendations;
  std::vector<Point> scale_up_events;
  std::vector<Point> scale_down_events;
  // kpa, one entry per metric target in config order: panic state and the scale-down delay
  // window (time = the start of its 2 s bucket, value = the bucket's maximum).
  struct KpaMetric {
    bool started = false;
    std::optional<absl::Time> panic_time;
    int32_t max_panic_pods = 0;
    std::vector<Point> delay_window;
  };
  std::vector<KpaMetric> kpa;
  // Limiar's guards.
  std::optional<absl::Time> last_scale_up;
  std::optional<absl::Time> last_scale_down;
  int32_t consecutive_failures = 0;
  // The forecasting policy's per-minute load history, one entry per metric target in config
  // order (empty without one): `minutes` ends with the minute that starts at `last_minute`.
  struct LoadHistory {
    absl::Time last_minute = absl::InfinitePast();
    std::vector<double> minutes;
  };
  std::vector<LoadHistory> load_history;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Evaluates one tick. Updates the policy's own history. Not thread-safe.
  virtual absl::StatusOr<Recommendation> Recommend(const PolicyInput& in) = 0;
  // Tells the policy that the target was scaled from `from` to `to` at `now` (the actuator
  // accepted it). Rate policies and cooldowns count these events.
  virtual void RecordScale(absl::Time now, int32_t from, int32_t to) = 0;
  // Adds this policy's part of its state to `out` (which may hold other layers' parts).
  virtual void SaveState(PolicyState& out) const = 0;
  // Replaces this policy's history with its part of `state`. Call before the first
  // Recommend; later calls are allowed and simply replace the history.
  virtual void RestoreState(const PolicyState& state) = 0;
};

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_POLICY_H_
