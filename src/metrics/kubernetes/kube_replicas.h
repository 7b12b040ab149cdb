// The pods of a kubernetes target are its replicas, whether or not they have reported: the
// HPA lists pods, then looks their metrics up, and a pod without a metric is "missing"
// (replica_calculator.go: missingPods), which its conservative fill then counts as using
// max(100%, target) on a scale-down and 0 on a scale-up. The sample store only knows
// replicas that sent a point, so the pods are merged into what it observes:
//
//   pod with a sample     -> the sample, with the pod's readiness and times (the pod is
//                            the truth about readiness; the sample about the value)
//   pod without a sample  -> a replica without a value (missing), ready/times from the pod
//   sample without a pod  -> dropped (a pod deleted since; the source removes it from the
//                            store at its next poll anyway)
//
// Only observations of per-replica metrics are merged: one with an error or a whole-target
// value is left alone. Pure; thread-compatible.
#ifndef LIMIAR_METRICS_KUBERNETES_KUBE_REPLICAS_H_
#define LIMIAR_METRICS_KUBERNETES_KUBE_REPLICAS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "src/common/mutex.h"
#include "src/metrics/kubernetes/kube_pods.h"
#include "src/metrics/kubernetes/kube_source.h"
#include "src/metrics/metric_source.h"

namespace limiar::metrics {

// Merges `pods` (a target's replicas) into `observation` as above; the replicas come out
// in the order of their ids, as the store gives them.
void MergePodReplicas(const std::vector<PodReplica>& pods, policy::MetricObservation* observation);

// A MetricSource over another (the sample store) that merges, for the targets that have a
// kubernetes source, that source's pods into every observation. Targets without one pass
// through untouched. A source whose pod informer has not listed yet is not merged (its pods
// are unknown, not absent). Observe reads the pods' cache: it never blocks on the network.
// Thread-safe: SetSources may be called while the loop observes.
class KubeReplicaSource final : public MetricSource {
 public:
  // `inner` must outlive this.
  explicit KubeReplicaSource(MetricSource* inner) : inner_(inner) {}

  // The sources by target (each must outlive its use here: replace them before they go).
  void SetSources(const std::vector<const KubePodSource*>& sources);

  absl::Status Observe(const policy::TargetPolicy& target, absl::Time now,
                       std::vector<policy::MetricObservation>* out) override;

 private:
  MetricSource* const inner_;
  Mutex mu_;
  absl::flat_hash_map<std::string, const KubePodSource*> sources_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_KUBE_REPLICAS_H_
