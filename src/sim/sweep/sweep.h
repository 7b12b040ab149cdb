// `limiar sweep`: one simulation per point of a grid of policy knobs, on all cores. The
// scenario's traffic is rendered once and shared read-only; each worker thread runs whole
// points (RunSimulation is single-threaded and keeps no shared mutable state), pulls the
// next point from an atomic counter and stores its result by position, so the output does
// not depend on the number of threads or on which finished first.
#ifndef LIMIAR_SIM_SWEEP_SWEEP_H_
#define LIMIAR_SIM_SWEEP_SWEEP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/sim/engine/policy_variant.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/engine/simulation.h"
#include "src/sim/model/sim_result.h"
#include "src/sim/sweep/sweep_grid.h"

namespace limiar::sim {

// What one sweep runs: the policy the grid overrides, the grid, and the slice of it.
struct SweepPlan {
  std::string policy_spec = "blueprint";  // as given to --policy, for the CSV and the advice
  PolicyVariant base;                     // parsed from it: base and fixed knobs
  Grid grid;
  Shard shard;
  // Train/test discipline (--train, --test): the figures points are compared and chosen on
  // come from `train` (the whole run without it); `test` is reported beside them, held out.
  std::optional<TimeRange> train;
  std::optional<TimeRange> test;
};

// Parses the command line's pieces: `policy_spec` as `--policy` takes it (blueprint, hpa,
// kpa, optionally with fixed knobs: "hpa,espera_descida_s=60"), the `--grid` flags, and
// `--shard` ("" for all). Errors are usage errors (InvalidArgument) naming the flag.
absl::StatusOr<SweepPlan> MakeSweepPlan(absl::string_view policy_spec,
                                        const std::vector<std::string>& grid_flags,
                                        absl::string_view shard);

// Checks the plan against the scenario before anything runs, through the production
// loader: point 0, then each value of each axis with the other axes at point 0's values, so
// that a bad value (limiar=150, an unknown key) fails at once, naming the --grid flag and the
// value. Returns warnings: axes whose values all resolve to the same policies (the knob has
// no effect on this scenario's algorithm), whose points would only repeat each other.
absl::StatusOr<std::vector<std::string>> ValidateSweep(const Scenario& scenario,
                                                       const SweepPlan& plan);

// One point's figures, one summary per simulated target in the scenario's order.
struct PointResult {
  int64_t point = 0;
  std::vector<ResourceSummary> targets;  // over the plan's train range, or the whole run
  std::vector<ResourceSummary> test;     // over its test range, when it has one
};

struct SweepProgress {
  int64_t done = 0;
  int64_t total = 0;
  double elapsed_s = 0;
};

struct SweepRunOptions {
  int jobs = 0;  // worker threads; <= 0: one per core
  // Called on the calling thread about every `progress_interval` while points run, and once
  // when all are done; never from a worker.
  std::function<void(const SweepProgress&)> on_progress;
  absl::Duration progress_interval = absl::Milliseconds(100);
};

// The number of worker threads `jobs` asks for (<= 0: the cores), at least 1.
int EffectiveJobs(int jobs);

// Runs the plan's shard of points over `traffic` (PrepareTraffic of `scenario`). Results
// come back in point order. The first point that fails stops the sweep; its error names the
// point and its settings.
absl::StatusOr<std::vector<PointResult>> RunSweep(const Scenario& scenario,
                                                  const PreparedTraffic& traffic,
                                                  const SweepPlan& plan,
                                                  const SweepRunOptions& options);

// One policy outside the grid (--baseline, --budget hpa+10%) over the same traffic and the
// plan's ranges, as a point: its figures over the train range (or the whole run) in
// `targets`, over the test range in `test`. Its `point` is -1.
absl::StatusOr<PointResult> RunBaseline(const Scenario& scenario, const PreparedTraffic& traffic,
                                        const SweepPlan& plan, const PolicyVariant& baseline);

// 16 hex digits over everything in the scenario that shapes a run's figures (blueprint,
// cluster and metrics models, SLO, events, seed) and its rendered traffic, so that shards
// computed on different machines can be checked to come from the same inputs.
std::string ScenarioFingerprint(const Scenario& scenario, const PreparedTraffic& traffic);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_SWEEP_SWEEP_H_
