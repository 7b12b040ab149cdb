// A toy cluster for `limiar demo`: one target whose replicas take a fixed start-up delay to
// become ready and share the demand evenly once ready. It is both the metric source and
// the actuator, the two I/O edges the control loop has. (The simulator of `limiar
// simulate` replaces it with the full model of simulation.md.)
#ifndef LIMIAR_CLI_DEMO_CLUSTER_H_
#define LIMIAR_CLI_DEMO_CLUSTER_H_

#include <string>
#include <vector>

#include "src/actuator/actuator.h"
#include "src/metrics/metric_source.h"

namespace limiar::cli {

class DemoCluster final : public metrics::MetricSource, public actuator::Actuator {
 public:
  DemoCluster(std::string target, int32_t replicas, absl::Time now, absl::Duration startup);

  // Moves the cluster to `now` with `load` in units of one replica's capacity (2.5 = the
  // work of two and a half replicas at 100 %): each metric sees it in its own unit.
  // for the whole target).
  void Advance(absl::Time now, double load);

  absl::Status Observe(const policy::TargetPolicy& target, absl::Time now,
                       std::vector<policy::MetricObservation>* out) override;
  absl::StatusOr<actuator::ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const actuator::ScaleRequest& request) override;

  int32_t ready() const;
  int32_t spec() const { return static_cast<int32_t>(started_at_.size()); }

 private:
  std::string target_;
  absl::Duration startup_;
  absl::Time now_;
  double load_ = 0;
  std::vector<absl::Time> started_at_;  // one entry per replica
  int64_t next_id_ = 0;
  std::vector<std::string> ids_;
};

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_DEMO_CLUSTER_H_
