#include "src/metrics/latest_sample_source.h"

namespace limiar::metrics {

void LatestSampleSource::Record(const std::string& target, policy::MetricType metric,
                                const policy::ReplicaSample& sample) {
  std::lock_guard<std::mutex> lock(mu_);
  policy::ReplicaSample& slot = series_[{target, metric}][sample.replica_id];
  if (slot.replica_id.empty() || sample.sample_time >= slot.sample_time) slot = sample;
}

void LatestSampleSource::RemoveReplica(const std::string& target, const std::string& replica_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, replicas] : series_) {
    if (std::get<0>(key) == target) replicas.erase(replica_id);
  }
}

absl::Status LatestSampleSource::Observe(const policy::TargetPolicy& target, absl::Time now,
                                         std::vector<policy::MetricObservation>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  out->resize(target.metrics.size());
  for (size_t i = 0; i < target.metrics.size(); ++i) {
    policy::MetricObservation& obs = (*out)[i];
    obs.metric = target.metrics[i].metric;
    obs.error = absl::OkStatus();
    obs.stable_total.reset();
    obs.panic_total.reset();
    obs.replicas.clear();
    auto it = series_.find({target.target, obs.metric});
    if (it == series_.end() || it->second.empty()) {
      obs.error = absl::UnavailableError("no samples for this metric yet");
      continue;
    }
    for (const auto& [id, sample] : it->second) {
      obs.replicas.push_back(sample);
      if (now - sample.sample_time > max_age_) obs.replicas.back().value.reset();
    }
  }
  return absl::OkStatus();
}

}  // namespace limiar::metrics
