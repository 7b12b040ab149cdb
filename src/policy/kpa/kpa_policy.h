// The Knative Pod Autoscaler as a Limiar Policy: one Knative decider per metric target,
// fed either with the metric source's windowed averages or with the policy's own
// per-second windowing of the replicas' values.
#ifndef LIMIAR_POLICY_KPA_KPA_POLICY_H_
#define LIMIAR_POLICY_KPA_KPA_POLICY_H_

#include <memory>

#include "absl/time/time.h"
#include "src/policy/kpa/decider.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::kpa {

// Knative's panic window (resources/metric.go): the stable window times
// panic_window_percentage / 100, rounded to the second, at least one second (one bucket).
absl::Duration PanicWindow(const KpaConfig& kpa);

// Knative's decider spec for one metric target (kpa/resources/decider.go):
//   total_value  = capacity_per_replica
//   target_value = max(0.01, capacity_per_replica * target_percent / 100)
//   panic_threshold = panic_threshold_percentage / 100, reachable = true,
//   the window, rates, burst capacity, delay and activation scale from `kpa`.
DeciderSpec MakeDeciderSpec(const KpaConfig& kpa, const MetricTarget& target);

// Recommend():
//   - the deciders are created on the first call, with `in.ready_replicas` as the ready
//     count at creation: more than one ready replica starts them in panic, so a restarted
//     Limiar keeps the current scale until its windows refill;
//   - per metric, the observed stable/panic values are MetricObservation::stable_total /
//     panic_total when present, otherwise the policy's own windows over the per-tick total
//     of the replicas that have a value (MetricWindow); a metric with a non-OK `error` or
//     no data in its stable window makes its decider invalid for this tick;
//   - desired = max over the valid deciders, panic if any of them panics; then clamped to
//     [in.min_replicas, in.max_replicas] (Knative's min/max scale);
//   - no valid decider: keep in.current_replicas (clamped), scaling_active = false, reason
//     "MetricsUnavailable"; some invalid and the valid ones would scale down: keep the
//     current count too (a missing metric never scales down), reason
//     "MetricsPartiallyUnavailable", scaling_active = false;
//   - excess_burst_capacity is the smallest over the valid deciders (all share one target
//     burst capacity, so -1 and 0 keep their meaning).
// Returns InvalidArgument when `in.metrics` does not have one entry per metric target.
std::unique_ptr<Policy> MakeKpaPolicy(const TargetPolicy& config);

}  // namespace limiar::policy::kpa

#endif  // LIMIAR_POLICY_KPA_KPA_POLICY_H_
