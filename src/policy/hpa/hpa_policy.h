// The Kubernetes HPA as a Limiar Policy: each Recommend() is one Reconcile() of an HPA
// whose metrics are the target's MetricTargets, with the policy keeping the controller's
// per-HPA memory (recommendation history, scale events).
#ifndef LIMIAR_POLICY_HPA_HPA_POLICY_H_
#define LIMIAR_POLICY_HPA_HPA_POLICY_H_

#include <memory>

#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::hpa {

// Recommend():
//   - bounds are in.min_replicas / in.max_replicas (config bounds already narrowed by the
//     caller's schedules); spec and status replicas are in.current_replicas;
//   - a kCpu target is a Resource cpu metric with an averageUtilization target of
//     round(target_percent); each replica requests capacity_per_replica cores
//     (request_milli = round(capacity * 1000)) and uses value cores (round(value * 1000));
//     readiness follows HPA's cpu rules from ReplicaSample (ready, ready_transition,
//     start_time, sample_time, sample_window) with config.hpa.cpu_initialization_period and
//     initial_readiness_delay;
//   - kRequests / kConnections targets are Pods metrics with an averageValue target of
//     round(capacity_per_replica * target_percent / 100 * 1000) milli and per-replica values
//     round(value * 1000) milli (readiness ignored, as HPA does for non-cpu metrics);
//   - every replica is Running; a replica without a value is "missing"; an observation
//     with a non-OK error is an invalid metric;
//   - tolerances from config.hpa.tolerance_up/down; config.hpa.behavior set selects the
//     behavior path (a scale-down window left unset uses downscale_stabilization), unset
//     the legacy path (downscale_stabilization window, legacy_scale_up_limit_factor and
//     _minimum).
// The Recommendation carries the desired count, HPA's reason (reconcile.h), a human
// message, the metrics' proposal before normalization (the current count when no metric
// proposal was used), scaling_active (HPA's ScalingActive) and, per metric, its proposal
// and utilization in percent of capacity.
// RecordScale() stores a scale event (storeScaleEvent) when a behavior is configured.
// Returns InvalidArgument when `in.metrics` does not have one entry per metric target or
// the bounds are inverted.
std::unique_ptr<Policy> MakeHpaPolicy(const TargetPolicy& config);

}  // namespace limiar::policy::hpa

#endif  // LIMIAR_POLICY_HPA_HPA_POLICY_H_
