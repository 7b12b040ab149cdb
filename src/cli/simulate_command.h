// `limiar simulate` and `limiar compare`: replay a scenario (or the built-in flash sale)
// through the production control loop on virtual time, print the summary table, and with
// --out write timeline.csv, decisions.jsonl, summary.json and report.html.
#ifndef LIMIAR_CLI_SIMULATE_COMMAND_H_
#define LIMIAR_CLI_SIMULATE_COMMAND_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace limiar::cli {

struct SimulateOptions {
  std::string scenario_path;  // empty: the built-in flash sale
  std::string out_dir;        // empty: no files
  // `simulate`: at most one (default: the blueprint's own); `compare`: several (default:
  // blueprint, hpa, kpa). Syntax: policy_variant.h.
  std::vector<std::string> policies;
  std::optional<uint64_t> seed;  // overrides the scenario's
  bool print_scenario = false;   // print the scenario's JSON (the built-in's) and exit
  bool decisions = false;        // also print every actuated decision with its reason
  std::string window;            // FROM:TO the summaries cover; empty: the whole run
};

int RunSimulateCommand(const SimulateOptions& options, std::ostream& out, std::ostream& err);
int RunCompareCommand(const SimulateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_SIMULATE_COMMAND_H_
