// `limiar sweep` runs a scenario once per point of a grid of policy knobs, on all cores, and
// writes every point to CSV; it prints the cost/SLO Pareto front and the cheapest setting
// that meets the SLO. `--shard i/N` runs one slice of the grid and `limiar sweep-merge`
// combines the slices, so that a cluster job (a Kubernetes Indexed Job) can spread a sweep.
//
// Flags for main.cc (CLI11), mapped to SweepOptions:
//   limiar sweep [SCENARIO] --grid KEY=VALUES [--grid ...] [options]
//     SCENARIO          positional, optional: scenario JSON file; omitted: the built-in
//                       flash sale (-> scenario_path)
//     --grid KEY=VALUES repeatable, at least one (-> grid): KEY=V1,V2,... or
//                       KEY=START:STOP:STEP (inclusive, exact decimals); KEY as the
//                       blueprint spells it (limiar, tolerancia, espera_descida_s,
//                       replicas_min, ...) or a known alias (tolerance, cooldown_down,
//                       min_replicas), optionally TARGET.KEY. The first --grid varies slowest.
//     --policy SPEC     base the grid overrides (-> policy; default "blueprint"): blueprint,
//                       hpa or kpa, optionally with fixed knobs: "hpa,espera_descida_s=60"
//     --shard I/N       run only the points whose index % N == I, 0 <= I < N (-> shard;
//                       default: all points)
//     --jobs,-j J       worker threads (-> jobs; default 0: one per core)
//     --csv FILE        where to write the CSV (-> csv_path; default DIR/sweep.csv with
//                       --out, else sweep.csv; with --shard I/N: sweep-shard-I-of-N.csv)
//     --out,-o DIR      folder for the CSV, created if missing (-> out_dir)
//     --no-progress     never draw the progress bar (-> progress = kOff; default kAuto:
//                       only when stderr is a terminal)
//
//   limiar sweep-merge FILE... [--csv OUT]
//     FILE...           positional, required, one or more: the shards' CSVs (-> inputs)
//     --csv FILE        the merged CSV (-> csv_path; default sweep.csv)
//
// Exit codes: 0 ok; 1 runtime failure (unreadable scenario or CSV, a point failing, shards
// that do not fit together, an unwritable output); 2 usage (bad --grid, --policy, --shard or
// --jobs, a grid value the blueprint loader rejects, no --grid).
#ifndef LIMIAR_CLI_SWEEP_COMMAND_H_
#define LIMIAR_CLI_SWEEP_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace limiar::cli {

struct SweepOptions {
  std::string scenario_path;  // empty: the built-in flash sale
  std::vector<std::string> grid;
  std::string policy = "blueprint";
  std::string shard;     // empty: every point
  int jobs = 0;          // <= 0: one per core (negative is a usage error)
  std::string train;     // FROM:TO, empty: the whole run
  std::string test;      // FROM:TO, empty: none held out
  std::string baseline;  // a policy run beside the grid for comparison ("hpa"), or empty
  std::string budget;    // "2400" replica-hours or "hpa+10%", or empty
  std::string csv_path;
  std::string out_dir;
  // kAuto draws the bar only when file descriptor 2 is a terminal (meaningful when `err`
  // is std::cerr); kOn is for tests.
  enum class Progress { kAuto, kOff, kOn };
  Progress progress = Progress::kAuto;
};

// Writes the plan, the timing, the front and the recommendation to `out`; warnings, errors
// and the progress bar to `err`. Returns the exit code.
int RunSweepCommand(const SweepOptions& options, std::ostream& out, std::ostream& err);

struct SweepMergeOptions {
  std::vector<std::string> inputs;
  std::string csv_path = "sweep.csv";
};

// Checks that the shards belong to one sweep and cover each point once, writes the merged
// CSV (the bytes an unsharded run writes) and prints the same front and recommendation.
int RunSweepMergeCommand(const SweepMergeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_SWEEP_COMMAND_H_
