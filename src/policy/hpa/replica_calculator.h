// Kubernetes' HPA replica calculator (pkg/controller/podautoscaler/replica_calculator.go)
// on k8s-like inputs in integer milli-units. Pure: no I/O, no clock reads; `now` and every
// sample come in as arguments.
//
// One metric proposes a replica count:
//   ratio   = usage / target   (utilization: floor(100 * sum(usage) / sum(request)) / target%)
//   within  = 1 - tol.scale_down <= ratio <= 1 + tol.scale_up          (inclusive band)
//   desired = within ? current : ceil(ratio * counted_replicas)        (saturating at MaxInt32)
// Per-pod metrics (resource, container resource, pods) first sort the pods (GroupPods):
// deleted, failed and succeeded pods are ignored, pending ones are unready, pods without a
// sample are missing, and for cpu a pod whose sample is not trustworthy yet is unready
// (IsCpuUnready). When some pods are missing, or some are unready and ratio > 1, the
// conservative fill re-runs the ratio with missing pods at max(100%, target) of their
// request (non-cpu: exactly the target) on a scale-down or 0 on a scale-up, and unready
// pods at 0 on a scale-up; it keeps `current` when the new ratio is within tolerance,
// flips direction, or the new count points the other way.
#ifndef LIMIAR_POLICY_HPA_REPLICA_CALCULATOR_H_
#define LIMIAR_POLICY_HPA_REPLICA_CALCULATOR_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace limiar::policy::hpa {

inline constexpr int32_t kMaxReplicas = 2147483647;        // math.MaxInt32
inline constexpr int64_t kMaxMilli = 9223372036854775807;  // math.MaxInt64

// Per-direction hysteresis (KEP-4951).
struct Tolerances {
  double scale_down = 0.1;
  double scale_up = 0.1;
  // Inclusive on both edges; false for NaN.
  bool IsWithin(double ratio) const {
    return (1.0 - scale_down) <= ratio && ratio <= (1.0 + scale_up);
  }
};

enum class PodPhase { kRunning, kPending, kFailed, kSucceeded };

// One pod as the calculator sees it, for one metric.
struct Pod {
  // For error messages only; must outlive the call.
  absl::string_view name;
  PodPhase phase = PodPhase::kRunning;
  bool deleting = false;
  // The Ready condition is True (counts Running+Ready pods for object/external Value).
  bool ready = true;
  // For cpu only: the sample must not be trusted yet (see IsCpuUnready).
  bool cpu_unready = false;
  // The request of the resource (pod total, or the named container's); nullopt: the pod
  // (or container) has no request. Only resource utilization reads it.
  std::optional<int64_t> request_milli;
  // The pod's sample; nullopt: the metrics API returned none for this pod ("missing").
  std::optional<int64_t> metric_milli;
};

// Readiness inputs of groupPods' cpu rule.
struct ReadyCondition {
  bool status = true;
  absl::Time last_transition = absl::InfinitePast();
};
struct PodReadiness {
  std::optional<absl::Time> start_time;           // nullopt: the pod has no start time
  std::optional<ReadyCondition> ready_condition;  // nullopt: no Ready condition
};

// groupPods' cpu rule for a pod that has a sample taken at `sample_time` over `window`:
//   no Ready condition or no start time                  -> unready
//   start + cpu_initialization_period > now (still warming up):
//     unready = !ready || sample_time < transition + window
//   otherwise (only a pod never ready since start is distrusted):
//     unready = !ready && start + initial_readiness_delay > transition
bool IsCpuUnready(const PodReadiness& pod, absl::Time sample_time, absl::Duration window,
                  absl::Time now, absl::Duration cpu_initialization_period,
                  absl::Duration initial_readiness_delay);

// IsCpuUnready for many pods at one `now`: the warm-up cutoff is computed once, so a pod
// past its warm-up and ready costs two comparisons.
class CpuReadinessRule {
 public:
  CpuReadinessRule(absl::Time now, absl::Duration cpu_initialization_period,
                   absl::Duration initial_readiness_delay)
      : warm_until_cutoff_(now - cpu_initialization_period),
        initial_readiness_delay_(initial_readiness_delay) {}

  bool IsUnready(const PodReadiness& pod, absl::Time sample_time, absl::Duration window) const;

 private:
  // start + period > now  <=>  start > now - period (absl::Time arithmetic is exact).
  absl::Time warm_until_cutoff_;
  absl::Duration initial_readiness_delay_;
};

enum class PodGroup { kReady, kUnready, kMissing, kIgnored };

// groupPods for one pod. `cpu` selects the cpu readiness rule (Pod::cpu_unready).
PodGroup GroupPod(const Pod& pod, bool cpu);

// Resource utilization (Resource / ContainerResource with an averageUtilization target).
struct UtilizationResult {
  int32_t replicas = 0;
  int32_t utilization_percent = 0;  // floor(100 * sum(usage) / sum(request)), ready pods
  int64_t raw_average_milli = 0;    // sum(usage) / ready pods with samples (truncated)
  double ratio = 0;                 // utilization_percent / target
};
// `unmatched_samples_milli`: samples whose pod is not in `pods` (they count as metric
// entries, as upstream's map does, but have no request).
absl::StatusOr<UtilizationResult> ResourceUtilizationReplicas(
    int32_t current_replicas, int32_t target_utilization, absl::string_view resource,
    absl::Span<const Pod> pods, absl::Span<const int64_t> unmatched_samples_milli,
    const Tolerances& tolerances);

// Results of the value-based metrics.
struct UsageResult {
  int32_t replicas = 0;
  int64_t usage_milli = 0;  // what the HPA reports as the current value
  double ratio = 0;
};

// Average value over pods: a Pods metric (cpu = false) or a Resource averageValue target
// (GetRawResourceReplicas; cpu readiness applies when the resource is cpu). `source` names
// the metrics API in errors ("resource", "custom").
absl::StatusOr<UsageResult> AverageValueReplicas(int32_t current_replicas,
                                                 int64_t target_average_milli, bool cpu,
                                                 absl::string_view source,
                                                 absl::Span<const Pod> pods,
                                                 absl::Span<const int64_t> unmatched_samples_milli,
                                                 const Tolerances& tolerances);

// Object metric, Value target: ratio = value / target, times the Running+Ready pods; from
// zero replicas ceil(ratio) without tolerance.
absl::StatusOr<UsageResult> ObjectValueReplicas(int32_t spec_replicas, int64_t value_milli,
                                                int64_t target_milli, absl::Span<const Pod> pods,
                                                const Tolerances& tolerances);

// Object metric, AverageValue target: ratio = value / (target * status_replicas); when
// outside tolerance desired = ceil(value / target). Usage = ceil(value / status_replicas)
// (0 when status_replicas is 0).
UsageResult ObjectAverageValueReplicas(int32_t status_replicas, int64_t value_milli,
                                       int64_t target_average_milli, const Tolerances& tolerances);

// External metric, Value target: the samples summed (saturating at MaxInt64), then as an
// object Value.
absl::StatusOr<UsageResult> ExternalValueReplicas(int32_t spec_replicas,
                                                  absl::Span<const int64_t> samples_milli,
                                                  int64_t target_milli, absl::Span<const Pod> pods,
                                                  const Tolerances& tolerances);

// External metric, AverageValue target: the samples summed (MaxInt64 on overflow), then as
// an object AverageValue.
absl::StatusOr<UsageResult> ExternalAverageValueReplicas(int32_t status_replicas,
                                                         absl::Span<const int64_t> samples_milli,
                                                         int64_t target_average_milli,
                                                         const Tolerances& tolerances);

// Pods that are Running with Ready=True (getReadyPodsCount).
int64_t CountRunningReady(absl::Span<const Pod> pods);

// ceil(x) as a replica count: saturates at [MinInt32, MaxInt32]; NaN gives 0.
int32_t CeilToReplicas(double x);

}  // namespace limiar::policy::hpa

#endif  // LIMIAR_POLICY_HPA_REPLICA_CALCULATOR_H_
