// The simulation engine: the scenario's cluster model and traffic on a virtual clock,
// feeding the production SampleStore (metric windows) and ControlLoop (policy,
// stabilization, rate limits, guards, reasons). It fakes only the two I/O edges: where
// samples come from and where scale requests go. One run is single-threaded and
// deterministic for a seed; sweeps run many in parallel.
#ifndef LIMIAR_SIM_ENGINE_SIMULATION_H_
#define LIMIAR_SIM_ENGINE_SIMULATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/metrics/store/sample_store.h"
#include "src/sim/engine/policy_variant.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/model/sim_result.h"

namespace limiar::sim {

// Each target's demand, rendered once per scenario (a sweep reuses it for every point).
struct PreparedTraffic {
  std::vector<std::vector<double>> rate;  // per target, per step: arrivals/s
  int64_t steps = 0;
};
absl::StatusOr<PreparedTraffic> PrepareTraffic(const Scenario& scenario);

// Sees every operation on the sample store and every loop pass, in order: enough to
// replay a run into a ControlLoop of one's own (the fidelity test does).
class SimObserver {
 public:
  virtual ~SimObserver() = default;
  virtual void OnSample(absl::Time delivered, const metrics::Sample& sample) = 0;
  virtual void OnReplicaRemoved(absl::Time when, const std::string& target,
                                const std::string& replica_id) = 0;
  // Just before the loop's pass at `now`.
  virtual void OnTick(absl::Time now) = 0;
};

// A part of a run, in seconds from its start: [from_s, to_s).
struct TimeRange {
  double from_s = 0;
  double to_s = 0;
};

// "FROM:TO" within a run of `duration_s`: each end a number of seconds or with a unit (s,
// m, h, d: "42d"); an empty FROM is the start, an empty TO the end ("42d:" is day 43 on).
// Errors say what to write. `what` names the flag in them ("--test").
absl::StatusOr<TimeRange> ParseTimeRange(absl::string_view text, double duration_s,
                                         absl::string_view what);
// "42d..56d", "0s..3600s": a range as the reports and the CSV's header name it.
std::string DescribeTimeRange(const TimeRange& range);

struct SimOptions {
  bool record_timeline = true;
  bool record_decisions = true;
  SimObserver* observer = nullptr;
  // Summaries of these parts of the run besides the whole (a planner's train and test
  // ranges), in ResourceRun::window_summaries in this order. Everything before a window
  // still runs: the policy's history (a forecast's included) is the run's.
  std::vector<TimeRange> windows;
};

// Runs `variant` over the scenario.
absl::StatusOr<RunResult> RunSimulation(const Scenario& scenario, const PreparedTraffic& traffic,
                                        const PolicyVariant& variant, const SimOptions& options);

// The store options a scenario's metrics model means (shared with the fidelity test).
metrics::SampleStoreOptions StoreOptionsFor(const Scenario& scenario);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_SIMULATION_H_
