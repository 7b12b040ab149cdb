#include "src/metrics/kubernetes/kube_replicas.h"

#include <algorithm>
#include <utility>

namespace limiar::metrics {

void MergePodReplicas(const std::vector<PodReplica>& pods, policy::MetricObservation* observation) {
  if (!observation->error.ok() || observation->whole_target_value) return;
  const auto by_name = [](const PodReplica& a, const PodReplica& b) { return a.name < b.name; };
  if (!std::is_sorted(pods.begin(), pods.end(), by_name)) {
    std::vector<PodReplica> sorted = pods;
    std::sort(sorted.begin(), sorted.end(), by_name);
    MergePodReplicas(sorted, observation);
    return;
  }
  std::vector<policy::ReplicaSample>& samples = observation->replicas;
  // Every tick's case: a sample for each pod and none other, both in id order. The pods'
  // readiness and times go in place.
  if (samples.size() == pods.size()) {
    size_t i = 0;
    while (i < pods.size() && samples[i].replica_id == pods[i].name) ++i;
    if (i == pods.size()) {
      for (i = 0; i < pods.size(); ++i) {
        samples[i].ready = pods[i].ready;
        samples[i].ready_transition = pods[i].ready_transition;
        samples[i].start_time = pods[i].start_time;
      }
      return;
    }
  }
  // Both lists in id order (the store gives them so): one walk pairs each pod with its
  // sample, if any.
  const auto by_id = [](const policy::ReplicaSample& a, const policy::ReplicaSample& b) {
    return a.replica_id < b.replica_id;
  };
  if (!std::is_sorted(samples.begin(), samples.end(), by_id)) {
    std::sort(samples.begin(), samples.end(), by_id);
  }
  std::vector<policy::ReplicaSample> merged;
  merged.reserve(pods.size());
  size_t j = 0;
  for (const PodReplica& pod : pods) {
    while (j < samples.size() && samples[j].replica_id < pod.name) ++j;
    policy::ReplicaSample& r = merged.emplace_back();
    if (j < samples.size() && samples[j].replica_id == pod.name) {
      r = std::move(samples[j++]);
    } else {
      r.replica_id = pod.name;
    }
    r.ready = pod.ready;
    r.ready_transition = pod.ready_transition;
    r.start_time = pod.start_time;
  }
  samples = std::move(merged);
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
  if (source == nullptr) return status;
  const std::shared_ptr<const std::vector<PodReplica>> pods = source->Replicas();
  if (pods == nullptr) return status;
  for (policy::MetricObservation& o : *out) MergePodReplicas(*pods, &o);
  return status;
}

}  // namespace limiar::metrics
