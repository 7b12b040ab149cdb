// One full, pure reconcile of one HorizontalPodAutoscaler (horizontal.go
// reconcileAutoscaler without the API calls): metrics -> proposal -> normalization ->
// desired replicas, with HPA's reason and a human sentence. HpaPolicy and the conformance
// runner both call Reconcile().
//
//   current = spec replicas
//   current == 0 and min != 0      -> desired 0, ScalingDisabled (metrics not consulted)
//   current > max                  -> desired max (TooManyReplicas)
//   current < min                  -> desired min (TooFewReplicas)
//   otherwise, per metric a proposal (replica_calculator.h); proposal = the max of the
//   valid ones. All metrics invalid, or some invalid and proposal < current -> no change,
//   ScalingActive=False with the first invalid metric's reason. Else normalize:
//     no behavior: StabilizeLegacy over the downscale window, then ClampLegacy;
//     behavior:    StabilizeWithBehavior, then ApplyRateLimits (normalization.h).
// The recommendation history is seeded with `current` (at `now`) on the first reconcile.
#ifndef LIMIAR_POLICY_HPA_RECONCILE_H_
#define LIMIAR_POLICY_HPA_RECONCILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/policy/hpa/normalization.h"
#include "src/policy/hpa/replica_calculator.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::hpa {

enum class MetricSourceType { kResource, kContainerResource, kPods, kObject, kExternal, kInvalid };
enum class TargetType { kUtilization, kValue, kAverageValue };

// One entry of spec.metrics together with what the metrics APIs returned for it.
struct MetricInput {
  MetricSourceType source = MetricSourceType::kResource;
  // The resource ("cpu": its readiness rules apply) or the metric's name, for messages.
  std::string name = "cpu";
  TargetType target_type = TargetType::kUtilization;
  int32_t target_utilization = 0;  // percent of request (Utilization)
  int64_t target_milli = 0;        // Value or AverageValue
  // Non-OK: the metric could not be fetched; the metric is invalid.
  absl::Status error;
  // Resource, ContainerResource, Pods: the pods with their samples (and requests).
  // Object and External Value targets: the pods, to count the Running and Ready ones.
  std::vector<Pod> pods;
  std::vector<int64_t> unmatched_samples_milli;  // samples of pods not in `pods`
  int64_t object_value_milli = 0;                // Object
  std::vector<int64_t> external_samples_milli;   // External
};

struct ReconcileInput {
  absl::Time now;
  int32_t min_replicas = 1;
  int32_t max_replicas = 1;
  int32_t spec_replicas = 0;    // the target's desired count: "current replicas"
  int32_t status_replicas = 0;  // the target's observed count (per-pod Object/External)
  std::vector<MetricInput> metrics;
  Tolerances tolerances;
  // Effective (defaulted) behavior; nullopt selects the legacy path. A scale-down window
  // left unset uses `downscale_stabilization`.
  std::optional<HpaBehavior> behavior;
  absl::Duration downscale_stabilization = absl::Seconds(300);
  double legacy_scale_up_limit_factor = 2.0;
  double legacy_scale_up_limit_minimum = 4.0;
  // False: `message` is left empty (nobody reads it).
  bool explain = true;
};

// What the controller keeps per HPA between reconciles.
struct HpaState {
  std::vector<TimestampedRecommendation> recommendations;
  // False until the first reconcile seeds the history with the current count.
  bool recommendations_initialized = false;
  std::vector<ScaleEvent> scale_up_events;
  std::vector<ScaleEvent> scale_down_events;
};

struct MetricOutcome {
  bool valid = false;
  int32_t replicas = 0;
  int32_t utilization_percent = 0;  // Utilization targets
  int64_t raw_average_milli = 0;    // Utilization targets
  int64_t usage_milli = 0;          // value targets: the value HPA reports
  double ratio = 0;
  // Invalid metrics: HPA's ScalingActive reason (FailedGetResourceMetric, ...) and error.
  const char* reason = "";
  std::string error;
};

enum class Decision {
  kScalingDisabled,  // spec replicas 0 and minReplicas != 0
  kAboveMax,         // current > maxReplicas: set to max, metrics not used
  kBelowMin,         // current < minReplicas: set to min, metrics not used
  kMetricsInvalid,   // no usable proposal: no change
  kNormalized,       // the metrics' proposal went through normalization
};

struct ReconcileResult {
  Decision decision = Decision::kNormalized;
  int32_t desired_replicas = 0;
  // Max over the valid metrics' proposals; -1 when none is valid.
  int32_t metric_replicas = -1;
  int driving_metric = -1;  // index of the metric that gave metric_replicas
  // kNormalized only: the count before normalization, after stabilization, and the clamp.
  int32_t prenormalized_replicas = 0;
  int32_t stabilized_replicas = 0;
  Limited limited;
  // HPA's AbleToScale reason from the stabilization step (ScaleUpStabilized,
  // ScaleDownStabilized, ReadyForNewScale); "" outside kNormalized.
  const char* able_to_scale_reason = "";
  // ScalingActive: false when scaling is disabled or no usable proposal exists.
  bool scaling_active = true;
  // The most specific reason, HPA's spelling: the ScalingLimited reason when a limit
  // binds, else ScaleUpStabilized/ScaleDownStabilized when the window held the count,
  // else DesiredWithinRange; TooManyReplicas/TooFewReplicas for the current-outside-bounds
  // shortcut, ScalingDisabled, or the first invalid metric's reason.
  const char* reason = "";
  std::string message;  // a human sentence
  std::vector<MetricOutcome> metrics;
};

// Reconciles once. Updates `state` (the recommendation history) as the controller does;
// scale events are recorded separately (RecordScaleEvent) once a scale happened. `out` is
// overwritten; its buffers are reused.
void Reconcile(const ReconcileInput& in, HpaState& state, ReconcileResult& out);

// HPA's ScalingActive=False reason for a metric source that failed.
const char* FailedMetricReason(MetricSourceType source);

}  // namespace limiar::policy::hpa

#endif  // LIMIAR_POLICY_HPA_RECONCILE_H_
