// HPA cpu utilization from metrics.k8s.io PodMetrics and the pods' cpu requests
// (kubernetes pkg/controller/podautoscaler/metrics/client.go getResourceMetrics and
// replica_calculator.go calculatePodRequests):
//
//   usage(pod)   = sum over the pod's containers in PodMetrics of usage.cpu.MilliValue()
//                  (a container without usage.cpu: the pod has no metric, it is "missing")
//   request(pod) = sum over spec.containers of requests.cpu.MilliValue(); a container
//                  without one makes the whole metric unavailable:
//                  "missing request for cpu in container app of Pod web-1"
//   value(pod)   = capacity * usage(pod) / mean request of the pods with metrics
//                  (cores, what the store holds per replica)
//
// The policy reads a replica's cpu as cores used out of `capacity_per_replica` cores
// (hpa_policy.h), so over the pods' mean request its floor(100 * sum(value) /
// sum(capacity)) is the HPA's floor(100 * sum(usage) / sum(request)), also when the pods'
// requests differ (a rollout changing them). Exact when the policy uses every pod with
// metrics; when it sets some aside (unready, cpu initialization) the mean still counts
// their requests, which differs from the HPA only if those pods' requests differ from the
// rest. Pods being deleted or failed are not replicas and are skipped; replicas without
// PodMetrics are left out (missing, as the HPA has them; the policy then assumes one
// capacity, the mean request, where the HPA takes the pod's own).
// Pure; thread-compatible.
#ifndef LIMIAR_METRICS_KUBERNETES_POD_CPU_H_
#define LIMIAR_METRICS_KUBERNETES_POD_CPU_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/metrics/kubernetes/kube_pods.h"

namespace limiar::metrics {

// One pod's PodMetrics.
struct PodCpuUsage {
  int64_t usage_milli = 0;
  absl::Time timestamp = absl::InfinitePast();
  absl::Duration window = absl::ZeroDuration();
};

// The items of a metrics.k8s.io PodMetrics list, by pod name. Items without a name or with
// a container lacking usage.cpu (or one that does not parse) are left out: those pods are
// missing.
std::map<std::string, PodCpuUsage> PodCpuUsages(const nlohmann::json& pod_metrics_list);

struct PodCpuSample {
  std::string pod;
  int64_t usage_milli = 0;
  int64_t request_milli = 0;
  double value = 0;  // capacity * usage / the pods' mean request, in cores
  absl::Time time = absl::InfinitePast();
  absl::Duration window = absl::ZeroDuration();
  friend bool operator==(const PodCpuSample&, const PodCpuSample&) = default;
};

// One sample per replica of `pods` that has a usage, in the pods' order. FailedPrecondition
// naming the pod and container when a replica lacks a cpu request (or its requests sum to
// zero), as the HPA refuses to compute utilization then.
absl::StatusOr<std::vector<PodCpuSample>> PodCpuSamples(
    const std::vector<PodInfo>& pods, const std::map<std::string, PodCpuUsage>& usages,
    double capacity_per_replica);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_POD_CPU_H_
