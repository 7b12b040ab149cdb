#include "src/metrics/kubernetes/kube_replicas.h"

#include <algorithm>
#include <utility>

namespace limiar::metrics {

void MergePodReplicas(const std::vector<PodReplica>& pods, policy::MetricObservation* observation) {
  if (!observation->error.ok() || observation->whole_target_value) return;
  absl::flat_hash_map<std::string, policy::ReplicaSample*> sampled;
  for (policy::ReplicaSample& r : observation->replicas) sampled[r.replica_id] = &r;
  std::vector<policy::ReplicaSample> merged;
  merged.reserve(pods.size());
  for (const PodReplica& pod : pods) {
    policy::ReplicaSample r;
    const auto it = sampled.find(pod.name);
    if (it != sampled.end()) r = std::move(*it->second);
    r.replica_id = pod.name;
    r.ready = pod.ready;
    r.ready_transition = pod.ready_transition;
    r.start_time = pod.start_time;
    merged.push_back(std::move(r));
  }
  std::sort(merged.begin(), merged.end(),
            [](const auto& a, const auto& b) { return a.replica_id < b.replica_id; });
  observation->replicas = std::move(merged);
}

void KubeReplicaSource::SetSources(const std::vector<const KubePodSource*>& sources) {
  MutexLock lock(&mu_);
  sources_.clear();
  for (const KubePodSource* s : sources) sources_[s->target()] = s;
}

absl::Status KubeReplicaSource::Observe(const policy::TargetPolicy& target, absl::Time now,
                                        std::vector<policy::MetricObservation>* out) {
  const absl::Status status = inner_->Observe(target, now, out);
  if (!status.ok()) return status;
  const KubePodSource* source = nullptr;
  {
    MutexLock lock(&mu_);
    const auto it = sources_.find(target.target);
    if (it != sources_.end()) source = it->second;
  }
  if (source == nullptr || !source->Status().pods.synced) return status;
  const std::vector<PodReplica> pods = source->Replicas();
  for (policy::MetricObservation& o : *out) MergePodReplicas(pods, &o);
  return status;
}

}  // namespace limiar::metrics
