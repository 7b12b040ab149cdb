// What the kubernetes source keeps of a pod, and which pods are replicas, as the HPA's
// replica calculator groups them (kubernetes pkg/controller/podautoscaler/
// replica_calculator.go, groupPods):
//
//   being deleted (metadata.deletionTimestamp) or phase Failed  -> not a replica
//   otherwise a replica, ready = condition Ready is "True" (Pending pods are not ready),
//            with the Ready condition's lastTransitionTime and status.startTime, which the
//            HPA's cpu-initialization rules read (ReplicaSample in src/policy/policy.h)
//
// ProjectPod is the informer's projection: a pod keeps the dozen fields read here (about
// 1 kB instead of the 10-20 kB a pod with managedFields takes). Pure; thread-compatible.
#ifndef LIMIAR_METRICS_KUBERNETES_KUBE_PODS_H_
#define LIMIAR_METRICS_KUBERNETES_KUBE_PODS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/metrics/kubernetes/kube_source_config.h"
#include "src/metrics/scrape/scrape_config.h"

namespace limiar::metrics {

inline constexpr char kPrometheusPortAnnotation[] = "prometheus.io/port";
inline constexpr char kPrometheusPathAnnotation[] = "prometheus.io/path";

struct PodContainer {
  std::string name;
  // resources.requests.cpu in millicores (Quantity::MilliValue); nullopt: no request (or
  // one that does not parse, which the API server would not have admitted).
  std::optional<int64_t> cpu_request_milli;
  friend bool operator==(const PodContainer&, const PodContainer&) = default;
};

struct PodInfo {
  std::string name;
  std::string uid;
  std::string resource_version;               // metadata.resourceVersion: changes with every change
  std::map<std::string, std::string> labels;  // metadata.labels (string values)
  std::string ip;                             // status.podIP; empty until scheduled and started
  std::string phase;
  bool ready = false;
  absl::Time ready_transition = absl::InfinitePast();
  absl::Time start_time = absl::InfinitePast();
  bool deleting = false;
  std::map<std::string, std::string> annotations;  // prometheus.io/* only
  std::vector<PodContainer> containers;
};

// The projection (ObjectCache::Projection) for the source's pod informer: metadata name,
// namespace, uid, resourceVersion, labels, deletionTimestamp and the prometheus.io/*
// annotations; spec.containers' names and cpu requests; status phase, podIP, startTime and
// the Ready condition.
nlohmann::json ProjectPod(nlohmann::json&& pod);

// A projected (or full) pod. Fields that are absent or malformed keep PodInfo's defaults:
// a pod is the API server's, so a bad timestamp makes it "unknown", never an error.
PodInfo PodFromJson(const nlohmann::json& pod);

// One replica: a pod that is neither being deleted nor failed.
struct PodReplica {
  std::string name;
  bool ready = false;
  absl::Time ready_transition = absl::InfinitePast();
  absl::Time start_time = absl::InfinitePast();
  friend bool operator==(const PodReplica&, const PodReplica&) = default;
};

// The replicas among `pods`, in the pods' order.
std::vector<PodReplica> ReplicasOf(const std::vector<PodInfo>& pods);
// Whether `pod` is a replica (ReplicasOf's rule).
bool IsReplica(const PodInfo& pod);

// Scrape mode: one endpoint per ready replica with an IP, replica id = pod name; the port
// from `config.port` or the pod's prometheus.io/port annotation, the path from
// `config.path`, the prometheus.io/path annotation, or /metrics. A ready pod without a
// usable port is left out with a line in `problems` ("pod web-1: no port: set port in the
// source or annotate the pod with prometheus.io/port").
struct PodEndpoints {
  std::vector<ScrapeEndpoint> endpoints;
  std::vector<std::string> problems;
};
PodEndpoints ScrapeEndpointsOf(const std::vector<PodInfo>& pods, const KubeSourceConfig& config);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_KUBE_PODS_H_
