#include "src/cli/simulate_command.h"

#include <chrono>
#include <optional>
#include <vector>

#include "absl/strings/str_format.h"
#include "src/cli/print_error.h"
#include "src/common/plural.h"
#include "src/common/text_table.h"
#include "src/sim/engine/policy_variant.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/engine/scenario_loader.h"
#include "src/sim/engine/sim_outputs.h"
#include "src/sim/engine/simulation.h"

namespace limiar::cli {
namespace {

constexpr int kFailure = 1;
constexpr int kUsage = 2;

void PrintDecisions(const sim::Report& report, std::ostream& out) {
  for (const sim::RunResult& run : report.runs) {
    for (const sim::ResourceRun& res : run.resources) {
      out << absl::StrFormat("\ndecisions that changed %s's replicas (policy %s):\n", res.target,
                             run.policy);
      for (const sim::DecisionRecord& d : res.decisions) {
        if (!d.actuated && d.note.empty()) continue;
        out << absl::StrFormat("  %7.0fs %2d -> %-2d %-22s %s%s\n", d.t_s, d.current, d.desired,
                               d.reason, d.message, d.note.empty() ? "" : " [" + d.note + "]");
      }
    }
  }
}

// Runs every variant over the scenario and reports. `default_policies` applies when the
// user named none.
int Run(const SimulateOptions& options, std::vector<std::string> default_policies,
        const char* command, std::ostream& out, std::ostream& err) {
  if (options.print_scenario) {
    if (!options.scenario_path.empty()) {
      PrintError(err, "--print-scenario prints the built-in scenario; drop the SCENARIO argument");
      return kUsage;
    }
    out << sim::BuiltinFlashSaleJson();
    return 0;
  }
  std::vector<sim::PolicyVariant> variants;
  for (const std::string& spec : options.policies.empty() ? default_policies : options.policies) {
    absl::StatusOr<sim::PolicyVariant> v = sim::ParsePolicyVariant(spec);
    if (!v.ok()) {
      PrintError(err, v.status().message());
      return kUsage;
    }
    for (const sim::PolicyVariant& other : variants) {
      if (other.name == v->name) {
        PrintError(err, absl::StrCat("two policies named ", v->name,
                                     "; give each a label, e.g. --policy fast:limiar=50"));
        return kUsage;
      }
    }
    variants.push_back(*std::move(v));
  }
  absl::StatusOr<sim::Scenario> scenario =
      sim::LoadScenario({.path = options.scenario_path, .seed = options.seed});
  if (!scenario.ok()) {
    PrintError(err, scenario.status().message());
    return kFailure;
  }
  for (const std::string& w : sim::ScenarioWarnings(*scenario)) err << "warning: " << w << "\n";
  std::vector<std::string> notes;
  if (options.policies.empty()) {
    variants = sim::WithoutRepeats(*scenario, std::move(variants), &notes);
  }
  std::optional<sim::TimeRange> window;
  if (!options.window.empty()) {
    absl::StatusOr<sim::TimeRange> w =
        sim::ParseTimeRange(options.window, scenario->duration_s, "--window");
    if (!w.ok()) {
      PrintError(err, w.status().message());
      return kUsage;
    }
    window = *w;
  }
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<sim::PreparedTraffic> traffic = sim::PrepareTraffic(*scenario);
  if (!traffic.ok()) {
    PrintError(err, traffic.status().message());
    return kFailure;
  }
  std::vector<sim::RunResult> runs;
  for (const sim::PolicyVariant& v : variants) {
    // Without files to write, a run keeps only its summary: a season of one-second steps
    // fits in constant memory.
    absl::StatusOr<sim::RunResult> run = sim::RunSimulation(
        *scenario, *traffic, v,
        {.record_timeline = !options.out_dir.empty(),
         .record_decisions = !options.out_dir.empty() || options.decisions,
         .windows = window ? std::vector<sim::TimeRange>{*window} : std::vector<sim::TimeRange>{}});
    if (!run.ok()) {
      PrintError(err, absl::StrCat("policy ", v.name, ": ", run.status().message()));
      return kFailure;
    }
    // With --window, the summaries (table, summary.json) are the window's.
    if (window) {
      for (sim::ResourceRun& r : run->resources) r.summary = r.window_summaries.front();
    }
    runs.push_back(*std::move(run));
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const sim::Report report = sim::MakeReport(*scenario, std::move(runs));

  out << absl::StrFormat("limiar %s: %s (%s)\n%s\n", command, report.scenario, scenario->source,
                         report.description);
  out << absl::StrFormat("loop every %g s; %s x %s simulated in %.0f ms\n", report.loop_interval_s,
                         Counted(traffic->steps, "step"),
                         Counted(variants.size(), "policy", "policies"), elapsed_ms);
  std::vector<std::vector<std::string>> described;
  for (const sim::RunResult& run : report.runs) {
    if (run.description != run.policy) {
      described.push_back({"policy", run.policy, run.description});
    }
  }
  out << AlignedTable(described, /*left=*/3, "  ");
  if (window) {
    out << "figures over " << sim::DescribeTimeRange(*window)
        << " of the run (--window); the policies ran from its start\n";
  }
  for (const std::string& note : notes) out << "  " << note << "\n";
  for (const sim::EventRecord& e : report.runs.front().events) {
    out << absl::StrFormat("  event at %gs: %s\n", e.t_s, e.description);
  }
  out << "\n";
  sim::PrintSummaryTable(report, out);
  if (options.decisions) PrintDecisions(report, out);
  if (!options.out_dir.empty()) {
    if (absl::Status s = sim::WriteOutputs(options.out_dir, report); !s.ok()) {
      PrintError(err, s.message());
      return kFailure;
    }
    out << absl::StrFormat(
        "\nwrote %s/timeline.csv, decisions.jsonl, summary.json\nreport: %s/report.html "
        "(open it in a browser)\n",
        options.out_dir, options.out_dir);
  } else {
    out << "\nadd --out DIR for the report (report.html), timeline.csv, decisions.jsonl and "
           "summary.json\n";
  }
  return 0;
}

}  // namespace

int RunSimulateCommand(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
  if (options.policies.size() > 1) {
    PrintError(err, "simulate runs one policy; use `limiar compare` for several");
    return kUsage;
  }
  return Run(options, {"blueprint"}, "simulate", out, err);
}

int RunCompareCommand(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
  return Run(options, {"blueprint", "hpa", "kpa"}, "compare", out, err);
}

}  // namespace limiar::cli
