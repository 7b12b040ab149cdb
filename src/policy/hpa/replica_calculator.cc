#include "src/policy/hpa/replica_calculator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace limiar::policy::hpa {
namespace {

// Sums of int64 milli-values can exceed int64 (upstream wraps; newer forks go exact), so
// totals are kept in 128 bits and only results are narrowed.
using Wide = __int128;

int32_t ClampToInt32(Wide v) {
  if (v > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (v < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

int64_t ClampToInt64(Wide v) {
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

// Go's int64 addition wraps; the external-metric sums below test for that wrap.
int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

bool AnySample(absl::Span<const Pod> pods, absl::Span<const int64_t> unmatched) {
  if (!unmatched.empty()) return true;
  return std::any_of(pods.begin(), pods.end(),
                     [](const Pod& p) { return p.metric_milli.has_value(); });
}

absl::Status NoPods() {
  return absl::FailedPreconditionError(
      "no pods returned by selector while calculating replica count");
}

absl::Status NoReadyMetrics() {
  return absl::FailedPreconditionError(
      "did not receive metrics for targeted pods (pods might be unready)");
}

// Go's getPerPodUsage: the per-pod share of a total, rounded up.
int64_t PerPodUsage(int64_t usage, int32_t status_replicas) {
  // float64(MaxInt64) rounds up to 2^63; anything that converts to it reports MaxInt64.
  if (static_cast<double>(usage) >= 9223372036854775808.0) return kMaxMilli;
  if (status_replicas == 0) return 0;
  const double per_pod = std::ceil(static_cast<double>(usage) / status_replicas);
  if (per_pod >= 9223372036854775808.0) return kMaxMilli;
  return static_cast<int64_t>(per_pod);
}

// getUsageRatioReplicaCount: scale by the ready pods, or from zero by the ratio alone.
absl::StatusOr<int32_t> UsageRatioReplicaCount(int32_t current_replicas, double ratio,
                                               absl::Span<const Pod> pods,
                                               const Tolerances& tolerances) {
  if (current_replicas == 0) return CeilToReplicas(ratio);
  if (tolerances.IsWithin(ratio)) return current_replicas;
  if (pods.empty()) {
    return absl::FailedPreconditionError(
        "unable to calculate ready pods: no pods returned by selector while calculating "
        "replica count");
  }
  return CeilToReplicas(ratio * static_cast<double>(CountRunningReady(pods)));
}

// desired = ceil(ratio * n) outside tolerance; the per-object average branch.
int32_t PerPodReplicaCount(int32_t status_replicas, int64_t usage, int64_t target_average,
                           const Tolerances& tolerances, double* ratio) {
  *ratio = static_cast<double>(usage) /
           (static_cast<double>(target_average) * static_cast<double>(status_replicas));
  if (tolerances.IsWithin(*ratio)) return status_replicas;
  return CeilToReplicas(static_cast<double>(usage) / static_cast<double>(target_average));
}

}  // namespace

int32_t CeilToReplicas(double x) {
  if (std::isnan(x)) return 0;
  const double c = std::ceil(x);
  if (c >= static_cast<double>(kMaxReplicas)) return kMaxReplicas;
  if (c <= static_cast<double>(std::numeric_limits<int32_t>::min())) {
    return std::numeric_limits<int32_t>::min();
  }
  return static_cast<int32_t>(c);
}

bool CpuReadinessRule::IsUnready(const PodReadiness& pod, absl::Time sample_time,
                                 absl::Duration window) const {
  if (!pod.ready_condition || !pod.start_time) return true;
  const ReadyCondition& cond = *pod.ready_condition;
  if (*pod.start_time > warm_until_cutoff_) {
    // Still warming up: cpu is usually high at start, so a sample only counts once it
    // covers a full window after the pod turned ready.
    return !cond.status || sample_time < cond.last_transition + window;
  }
  // After warm-up, only a pod that has never been ready since start is distrusted.
  return !cond.status && *pod.start_time + initial_readiness_delay_ > cond.last_transition;
}

bool IsCpuUnready(const PodReadiness& pod, absl::Time sample_time, absl::Duration window,
                  absl::Time now, absl::Duration cpu_initialization_period,
                  absl::Duration initial_readiness_delay) {
  return CpuReadinessRule(now, cpu_initialization_period, initial_readiness_delay)
      .IsUnready(pod, sample_time, window);
}

PodGroup GroupPod(const Pod& pod, bool cpu) {
  if (pod.deleting || pod.phase == PodPhase::kFailed || pod.phase == PodPhase::kSucceeded) {
    return PodGroup::kIgnored;
  }
  if (pod.phase == PodPhase::kPending) return PodGroup::kUnready;
  if (!pod.metric_milli) return PodGroup::kMissing;
  if (cpu && pod.cpu_unready) return PodGroup::kUnready;
  return PodGroup::kReady;
}

int64_t CountRunningReady(absl::Span<const Pod> pods) {
  int64_t n = 0;
  for (const Pod& p : pods) n += (p.phase == PodPhase::kRunning && p.ready) ? 1 : 0;
  return n;
}

absl::StatusOr<UtilizationResult> ResourceUtilizationReplicas(
    int32_t current_replicas, int32_t target_utilization, absl::string_view resource,
    absl::Span<const Pod> pods, absl::Span<const int64_t> unmatched_samples_milli,
    const Tolerances& tolerances) {
  if (!AnySample(pods, unmatched_samples_milli)) {
    return absl::UnavailableError(absl::StrCat("unable to get metrics for resource ", resource,
                                               ": no metrics returned from resource metrics API"));
  }
  if (pods.empty()) return NoPods();

  const bool cpu = resource == "cpu";
  // On a scale-down a missing pod is assumed to use its request, or the target when the
  // target is above 100% (a lower fill would itself pull the average down).
  const Wide fallback_percent = std::max<int32_t>(100, target_utilization);
  int64_t ready = 0, unready = 0, missing = 0;
  Wide usage = 0, request = 0;
  Wide missing_request = 0, missing_fill = 0, unready_request = 0;
  const Pod* no_request = nullptr;  // upstream reads requests after the metrics check
  for (const Pod& pod : pods) {
    if (!pod.request_milli && no_request == nullptr) no_request = &pod;
    const Wide req = pod.request_milli.value_or(0);
    switch (GroupPod(pod, cpu)) {
      case PodGroup::kReady:
        ++ready;
        usage += *pod.metric_milli;
        request += req;
        break;
      case PodGroup::kUnready:
        ++unready;
        unready_request += req;
        break;
      case PodGroup::kMissing:
        ++missing;
        missing_request += req;
        missing_fill += req * fallback_percent / 100;
        break;
      case PodGroup::kIgnored:
        break;
    }
  }
  int64_t entries = ready + static_cast<int64_t>(unmatched_samples_milli.size());
  if (entries == 0) return NoReadyMetrics();
  if (no_request != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("missing request for ", resource, " of Pod ", no_request->name));
  }
  if (request == 0) {
    return absl::FailedPreconditionError("no metrics returned matched known pods");
  }

  UtilizationResult out;
  out.utilization_percent = ClampToInt32(usage * 100 / request);
  out.raw_average_milli = ClampToInt64(usage / ready);
  out.ratio = static_cast<double>(out.utilization_percent) / target_utilization;
  const double ratio = out.ratio;

  // Deliberately repeated in AverageValueReplicas, as upstream repeats it in
  // GetResourceReplicas and calcPlainMetricReplicas: the two differ in what they sum and fill.
  const bool scale_up_with_unready = unready > 0 && ratio > 1.0;
  if (!scale_up_with_unready && missing == 0) {
    out.replicas = tolerances.IsWithin(ratio) ? current_replicas
                                              : CeilToReplicas(ratio * static_cast<double>(ready));
    return out;
  }

  if (missing > 0 && ratio < 1.0) {
    usage += missing_fill;
    request += missing_request;
    entries += missing;
  } else if (missing > 0 && ratio > 1.0) {
    request += missing_request;  // on a scale-up a missing pod counts as idle
    entries += missing;
  }
  if (scale_up_with_unready) {
    request += unready_request;
    entries += unready;
  }
  const int32_t new_utilization = ClampToInt32(usage * 100 / request);
  const double new_ratio = static_cast<double>(new_utilization) / target_utilization;
  out.replicas = current_replicas;
  if (tolerances.IsWithin(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
      (ratio > 1.0 && new_ratio < 1.0)) {
    return out;  // too small a change, or the fill flipped the direction
  }
  const int32_t new_replicas = CeilToReplicas(new_ratio * static_cast<double>(entries));
  if ((new_ratio < 1.0 && new_replicas > current_replicas) ||
      (new_ratio > 1.0 && new_replicas < current_replicas)) {
    return out;  // the count of entries flipped the direction
  }
  out.replicas = new_replicas;
  return out;
}

absl::StatusOr<UsageResult> AverageValueReplicas(int32_t current_replicas,
                                                 int64_t target_average_milli, bool cpu,
                                                 absl::string_view source,
                                                 absl::Span<const Pod> pods,
                                                 absl::Span<const int64_t> unmatched_samples_milli,
                                                 const Tolerances& tolerances) {
  if (!AnySample(pods, unmatched_samples_milli)) {
    return absl::UnavailableError(
        absl::StrCat("unable to get metric: no metrics returned from ", source, " metrics API"));
  }
  if (pods.empty()) return NoPods();

  int64_t ready = 0, unready = 0, missing = 0;
  Wide sum = 0;
  for (const Pod& pod : pods) {
    switch (GroupPod(pod, cpu)) {
      case PodGroup::kReady:
        ++ready;
        sum += *pod.metric_milli;
        break;
      case PodGroup::kUnready:
        ++unready;
        break;
      case PodGroup::kMissing:
        ++missing;
        break;
      case PodGroup::kIgnored:
        break;
    }
  }
  for (int64_t v : unmatched_samples_milli) sum += v;
  int64_t entries = ready + static_cast<int64_t>(unmatched_samples_milli.size());
  if (entries == 0) return NoReadyMetrics();

  UsageResult out;
  out.usage_milli = ClampToInt64(sum / entries);
  out.ratio = static_cast<double>(out.usage_milli) / static_cast<double>(target_average_milli);
  const double ratio = out.ratio;

  // As in ResourceUtilizationReplicas: upstream's calcPlainMetricReplicas repeats this
  // rebalancing rather than sharing it, and this file follows upstream line for line.
  const bool scale_up_with_unready = unready > 0 && ratio > 1.0;
  if (!scale_up_with_unready && missing == 0) {
    out.replicas = tolerances.IsWithin(ratio) ? current_replicas
                                              : CeilToReplicas(ratio * static_cast<double>(ready));
    return out;
  }

  if (missing > 0 && ratio < 1.0) {
    // On a scale-down a missing pod is assumed to sit exactly at the target.
    sum += static_cast<Wide>(target_average_milli) * missing;
    entries += missing;
  } else if (missing > 0 && ratio > 1.0) {
    entries += missing;  // on a scale-up a missing pod counts as idle
  }
  if (scale_up_with_unready) entries += unready;
  const int64_t new_usage = ClampToInt64(sum / entries);
  const double new_ratio =
      static_cast<double>(new_usage) / static_cast<double>(target_average_milli);
  out.replicas = current_replicas;
  if (tolerances.IsWithin(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
      (ratio > 1.0 && new_ratio < 1.0)) {
    return out;
  }
  const int32_t new_replicas = CeilToReplicas(new_ratio * static_cast<double>(entries));
  if ((new_ratio < 1.0 && new_replicas > current_replicas) ||
      (new_ratio > 1.0 && new_replicas < current_replicas)) {
    return out;
  }
  out.replicas = new_replicas;
  return out;
}

absl::StatusOr<UsageResult> ObjectValueReplicas(int32_t spec_replicas, int64_t value_milli,
                                                int64_t target_milli, absl::Span<const Pod> pods,
                                                const Tolerances& tolerances) {
  UsageResult out;
  out.usage_milli = value_milli;
  out.ratio = static_cast<double>(value_milli) / static_cast<double>(target_milli);
  absl::StatusOr<int32_t> replicas =
      UsageRatioReplicaCount(spec_replicas, out.ratio, pods, tolerances);
  if (!replicas.ok()) return replicas.status();
  out.replicas = *replicas;
  return out;
}

UsageResult ObjectAverageValueReplicas(int32_t status_replicas, int64_t value_milli,
                                       int64_t target_average_milli, const Tolerances& tolerances) {
  UsageResult out;
  out.replicas = PerPodReplicaCount(status_replicas, value_milli, target_average_milli, tolerances,
                                    &out.ratio);
  out.usage_milli = PerPodUsage(value_milli, status_replicas);
  return out;
}

absl::StatusOr<UsageResult> ExternalValueReplicas(int32_t spec_replicas,
                                                  absl::Span<const int64_t> samples_milli,
                                                  int64_t target_milli, absl::Span<const Pod> pods,
                                                  const Tolerances& tolerances) {
  if (samples_milli.empty()) {
    return absl::UnavailableError(
        "unable to get external metric: no metrics returned from external metrics API");
  }
  int64_t usage = 0;
  for (int64_t v : samples_milli) {
    if (v > 0 && usage > kMaxMilli - v) {  // cap a positive overflow
      usage = kMaxMilli;
      break;
    }
    usage = WrappingAdd(usage, v);
  }
  return ObjectValueReplicas(spec_replicas, usage, target_milli, pods, tolerances);
}

absl::StatusOr<UsageResult> ExternalAverageValueReplicas(int32_t status_replicas,
                                                         absl::Span<const int64_t> samples_milli,
                                                         int64_t target_average_milli,
                                                         const Tolerances& tolerances) {
  if (samples_milli.empty()) {
    return absl::UnavailableError(
        "unable to get external metric: no metrics returned from external metrics API");
  }
  int64_t usage = 0;
  for (int64_t v : samples_milli) {
    usage = WrappingAdd(usage, v);
    if (usage < 0) {  // upstream's overflow test: any negative running sum
      usage = kMaxMilli;
      break;
    }
  }
  return ObjectAverageValueReplicas(status_replicas, usage, target_average_milli, tolerances);
}

}  // namespace limiar::policy::hpa
