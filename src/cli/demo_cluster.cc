#include "src/cli/demo_cluster.h"

#include "absl/strings/str_cat.h"

namespace limiar::cli {

DemoCluster::DemoCluster(std::string target, int32_t replicas, absl::Time now,
                         absl::Duration startup)
    : target_(std::move(target)), startup_(startup), now_(now) {
  // The initial replicas have been up for long: ready, past every warm-up period.
  for (int32_t i = 0; i < replicas; ++i) {
    started_at_.push_back(now - absl::Hours(1));
    ids_.push_back(absl::StrCat(target_, "-", next_id_++));
  }
}

void DemoCluster::Advance(absl::Time now, double load) {
  now_ = now;
  load_ = load;
}

int32_t DemoCluster::ready() const {
  int32_t n = 0;
  for (absl::Time t : started_at_) n += (now_ - t >= startup_) ? 1 : 0;
  return n;
}

absl::Status DemoCluster::Observe(const policy::TargetPolicy& target, absl::Time now,
                                  std::vector<policy::MetricObservation>* out) {
  const int32_t serving = ready();
  out->resize(target.metrics.size());
  for (size_t m = 0; m < target.metrics.size(); ++m) {
    policy::MetricObservation& obs = (*out)[m];
    obs.metric = target.metrics[m].metric;
    obs.error = absl::OkStatus();
    obs.replicas.resize(started_at_.size());
    for (size_t i = 0; i < started_at_.size(); ++i) {
      policy::ReplicaSample& s = obs.replicas[i];
      const bool is_ready = now - started_at_[i] >= startup_;
      s.replica_id = ids_[i];
      s.ready = is_ready;
      s.start_time = started_at_[i];
      s.ready_transition = started_at_[i] + startup_;
      s.sample_time = now;
      s.sample_window = absl::Seconds(15);
      // A starting replica is not scraped yet: missing, not zero. Ready ones share the
      // load, each metric in its own unit (cores, requests/s, connections).
      if (is_ready && serving > 0) {
        s.value = load_ * target.metrics[m].capacity_per_replica / serving;
      } else {
        s.value.reset();
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<actuator::ScaleState> DemoCluster::Observe(const std::string& target) {
  if (target != target_) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  return actuator::ScaleState{spec(), ready()};
}

absl::Status DemoCluster::SetReplicas(const actuator::ScaleRequest& request) {
  const std::string& target = request.target;
  const int32_t replicas = request.replicas;
  if (target != target_) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  while (spec() < replicas) {
    started_at_.push_back(now_);
    ids_.push_back(absl::StrCat(target_, "-", next_id_++));
  }
  // Scale-down removes the newest replicas first, as a ReplicaSet prefers unready ones.
  while (spec() > replicas) {
    started_at_.pop_back();
    ids_.pop_back();
  }
  return absl::OkStatus();
}

}  // namespace limiar::cli
