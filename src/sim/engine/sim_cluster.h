// The simulated cluster: the control loop's actuator, and the source of the samples a real
// deployment's scrapes would deliver. Per target compute: replicas asked for -> starting ->
// ready (seeded start-up delays), even load balancing over ready replicas, per-replica
// metrics in each metric's own unit, and the injected outages. The queueing of requests is
// the engine's (it needs the demand); this class holds the replica population.
#ifndef LIMIAR_SIM_ENGINE_SIM_CLUSTER_H_
#define LIMIAR_SIM_ENGINE_SIM_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "src/actuator/actuator.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy_config.h"
#include "src/sim/engine/scenario.h"

namespace limiar::sim {

class SimCluster final : public actuator::Actuator {
 public:
  struct Target {
    const TargetModel* model = nullptr;
    const policy::TargetPolicy* policy = nullptr;
    double capacity_rps = 100;  // per replica at 100 %
  };
  // Called when a replica is gone (scaled down or lost), so that it leaves the sample
  // store as an endpoint leaves a scrape config: (target, replica id, seconds since origin).
  using RemoveFn = std::function<void(const std::string&, const std::string&, double)>;
  // `targets`' models and policies must outlive the cluster.
  SimCluster(std::vector<Target> targets, absl::Time origin, uint64_t seed, RemoveFn on_remove);

  // Moves to `t` (seconds since origin): replicas whose start-up ended become ready and
  // drained replicas leave.
  void Advance(double t);
  // Loses `fraction` of target `index`'s replicas at `t` (chosen by the seeded stream); with
  // `replace` the platform recreates them, which start up anew.
  void LoseReplicas(size_t index, double t, double fraction, bool replace);
  void SetActuatorDown(bool down) { actuator_down_ = down; }

  // Adds target `index`'s per-replica metrics for one step with `arrival_rate` spread over
  // its ready replicas, towards the next scrape.
  void Accumulate(size_t index, double arrival_rate);
  // One scrape of target `index` at `t`: a sample per ready replica per metric, each the
  // mean over the steps since the previous scrape. Appends to `out`; resets the means.
  void Scrape(size_t index, double t, std::vector<metrics::Sample>* out);

  absl::StatusOr<actuator::ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const actuator::ScaleRequest& request) override;

  int32_t spec(size_t index) const { return static_cast<int32_t>(state_[index].replicas.size()); }
  int32_t ready(size_t index) const { return state_[index].ready; }
  int32_t draining(size_t index) const {
    return static_cast<int32_t>(state_[index].draining.size());
  }
  size_t size() const { return state_.size(); }

 private:
  struct Replica {
    std::string id;
    double start_t = 0;
    double ready_t = 0;
    // The same two times as the samples carry them, converted once.
    absl::Time start_time, ready_time;
  };
  struct State {
    Target target;
    std::vector<Replica> replicas;  // ready and starting, in start order
    std::vector<double> draining;   // end times of removed replicas still costing
    int32_t ready = 0;
    double next_ready_t = 0;  // earliest ready_t among starting replicas (inf if none)
    int64_t next_id = 0;
    std::mt19937_64 rng;
    // Per-metric sums of the per-replica value over the steps since the last scrape.
    std::vector<double> sums;
    int64_t steps = 0;
  };

  void Recount(State& s, double t);
  void Start(State& s, double t, int32_t n);
  Replica MakeReplica(State& s, double start_t, double ready_t);
  double StartupDelay(State& s);
  size_t IndexOf(const std::string& target) const;

  std::vector<State> state_;
  absl::Time origin_;
  double now_ = 0;
  RemoveFn on_remove_;
  bool actuator_down_ = false;
};

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_SIM_CLUSTER_H_
