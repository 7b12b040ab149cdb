// The files `--out DIR` holds: timeline.csv (one row per step, per policy and target),
// decisions.jsonl (every decision with its reason), summary.json and report.html; and the
// terminal summary table. All byte-identical for the same inputs.
#ifndef LIMIAR_SIM_ENGINE_SIM_OUTPUTS_H_
#define LIMIAR_SIM_ENGINE_SIM_OUTPUTS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/model/sim_result.h"

namespace limiar::sim {

Report MakeReport(const Scenario& scenario, std::vector<RunResult> runs);

std::string TimelineCsv(const Report& report);
std::string DecisionsJsonl(const Report& report);
std::string SummaryJson(const Report& report);

// Creates `dir` if needed and writes the four files. Errors name the file.
absl::Status WriteOutputs(const std::string& dir, const Report& report);

// The terminal summary: one row per policy and resource.
void PrintSummaryTable(const Report& report, std::ostream& out);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_SIM_OUTPUTS_H_
