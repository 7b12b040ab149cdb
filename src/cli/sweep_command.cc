#include "src/cli/sweep_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/cli/print_error.h"
#include "src/common/plural.h"
#include "src/sim/engine/scenario_loader.h"
#include "src/sim/engine/simulation.h"
#include "src/sim/sweep/sweep.h"
#include "src/sim/sweep/sweep_csv.h"
#include "src/sim/sweep/sweep_front.h"
#include "src/sim/sweep/sweep_merge.h"

namespace limiar::cli {
namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;
constexpr int kBarWidth = 30;

// One `error: ` line per line of the message (loader errors list one problem a line).
int Fail(std::ostream& err, const absl::Status& status, int code) {
  PrintError(err, status.message());
  return code;
}

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// "[#####.....] 412/1000 points, 3.1 s, ETA 4.2 s", redrawn in place.
void DrawBar(std::ostream& err, const sim::SweepProgress& p) {
  const int filled = p.total > 0 ? static_cast<int>(kBarWidth * p.done / p.total) : kBarWidth;
  std::string line = absl::StrCat(
      "\r[", std::string(filled, '#'), std::string(kBarWidth - filled, '.'), "] ", p.done, "/",
      Counted(p.total, "point"), ", ", absl::StrFormat("%.1f s", p.elapsed_s));
  if (p.done > 0 && p.done < p.total) {
    absl::StrAppend(&line,
                    absl::StrFormat(", ETA %.1f s", p.elapsed_s / p.done * (p.total - p.done)));
  }
  // Pads over the tail of a longer previous line (the ETA disappears at the end).
  err << absl::StrFormat("%-78s", line) << std::flush;
}

// `test`: the held-out figures' file, "sweep-test.csv" beside the other (or the --csv name
// with "-test" before its extension).
std::string DefaultCsvPath(const SweepOptions& options, const sim::Shard& shard,
                           bool test = false) {
  if (!options.csv_path.empty()) {
    if (!test) return options.csv_path;
    const std::filesystem::path p(options.csv_path);
    return (p.parent_path() / (p.stem().string() + "-test" + p.extension().string())).string();
  }
  const std::string base = test ? "sweep-test" : "sweep";
  const std::string name =
      shard.all() ? base + ".csv"
                  : absl::StrCat(base, "-shard-", shard.index, "-of-", shard.count, ".csv");
  return options.out_dir.empty() ? name : (std::filesystem::path(options.out_dir) / name).string();
}

// Fails now rather than after the whole sweep when the CSV cannot be written.
absl::Status CheckWritable(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return absl::PermissionDeniedError(absl::StrCat(parent.string(),
                                                      ": cannot create the folder (", ec.message(),
                                                      "); choose another --out"));
    }
  }
  const std::string probe = path + ".tmp";
  if (!std::ofstream(probe)) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot write here; choose another --csv or --out"));
  }
  std::remove(probe.c_str());
  return absl::OkStatus();
}

}  // namespace

int RunSweepCommand(const SweepOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<sim::SweepPlan> plan =
      sim::MakeSweepPlan(options.policy, options.grid, options.shard);
  if (!plan.ok()) return Fail(err, plan.status(), kUsage);
  if (options.jobs < 0) {
    PrintError(err, absl::StrCat("--jobs ", options.jobs,
                                 ": must be 0 (one per core) or a number of threads"));
    return kUsage;
  }
  absl::StatusOr<sim::Scenario> scenario =
      sim::LoadScenario({.path = options.scenario_path, .seed = std::nullopt});
  if (!scenario.ok()) return Fail(err, scenario.status(), kFailure);
  for (const std::string& w : sim::ScenarioWarnings(*scenario)) err << "warning: " << w << "\n";
  for (const auto& [flag, text, range] : {std::tuple{"--train", &options.train, &plan->train},
                                          std::tuple{"--test", &options.test, &plan->test}}) {
    if (text->empty()) continue;
    absl::StatusOr<sim::TimeRange> r = sim::ParseTimeRange(*text, scenario->duration_s, flag);
    if (!r.ok()) return Fail(err, r.status(), kUsage);
    *range = *r;
  }
  std::optional<sim::Budget> budget;
  if (!options.budget.empty()) {
    absl::StatusOr<sim::Budget> b = sim::ParseBudget(options.budget);
    if (!b.ok()) return Fail(err, b.status(), kUsage);
    budget = *b;
  }
  // The baseline: --baseline, or the policy a relative --budget names.
  std::string baseline_spec = options.baseline;
  if (budget && !budget->hours) {
    if (!baseline_spec.empty() && baseline_spec != budget->baseline) {
      PrintError(err,
                 absl::StrCat("--budget \"", options.budget, "\" is relative to ", budget->baseline,
                              " but --baseline is ", baseline_spec, "; name one policy"));
      return kUsage;
    }
    baseline_spec = budget->baseline;
  }
  std::optional<sim::PolicyVariant> baseline;
  if (!baseline_spec.empty()) {
    absl::StatusOr<sim::PolicyVariant> v = sim::ParsePolicyVariant(baseline_spec);
    if (!v.ok()) return Fail(err, v.status(), kUsage);
    if (absl::StatusOr<std::vector<policy::TargetPolicy>> p = sim::ResolvePolicies(*scenario, *v);
        !p.ok()) {
      PrintError(err, absl::StrCat("--baseline \"", baseline_spec, "\": ", p.status().message()));
      return kUsage;
    }
    baseline = *std::move(v);
  }
  absl::StatusOr<std::vector<std::string>> warnings = sim::ValidateSweep(*scenario, *plan);
  if (!warnings.ok()) return Fail(err, warnings.status(), kUsage);
  for (const std::string& w : *warnings) err << "warning: " << w << "\n";

  const std::string csv_path = DefaultCsvPath(options, plan->shard);
  if (absl::Status st = CheckWritable(csv_path); !st.ok()) return Fail(err, st, kFailure);
  const std::string test_csv_path = DefaultCsvPath(options, plan->shard, /*test=*/true);

  const auto prepare_start = std::chrono::steady_clock::now();
  absl::StatusOr<sim::PreparedTraffic> traffic = sim::PrepareTraffic(*scenario);
  if (!traffic.ok()) return Fail(err, traffic.status(), kFailure);
  const double prepare_s = Since(prepare_start);

  const int64_t shard_points =
      static_cast<int64_t>(sim::ShardPoints(plan->grid, plan->shard).size());
  const int jobs = sim::EffectiveJobs(options.jobs);
  std::vector<std::string> axes;
  for (const sim::GridAxis& a : plan->grid.axes) axes.push_back(a.ToString());
  out << "sweep: " << scenario->name << ", policy " << plan->policy_spec << ", grid "
      << absl::StrJoin(axes, " x ") << ": " << Counted(plan->grid.size(), "point");
  if (!plan->shard.all()) out << ", shard " << plan->shard.ToString() << " runs " << shard_points;
  out << ", " << Counted(jobs, "job") << "\n" << std::flush;

  const bool bar = options.progress == SweepOptions::Progress::kOn ||
                   (options.progress == SweepOptions::Progress::kAuto && isatty(STDERR_FILENO));
  sim::SweepRunOptions run_options;
  run_options.jobs = options.jobs;
  bool drawn = false;
  if (bar) {
    run_options.on_progress = [&](const sim::SweepProgress& p) {
      DrawBar(err, p);
      drawn = true;
    };
  }
  const auto run_start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<sim::PointResult>> results =
      sim::RunSweep(*scenario, *traffic, *plan, run_options);
  const double run_s = Since(run_start);
  if (drawn) err << "\n";
  if (!results.ok()) return Fail(err, results.status(), kFailure);

  const sim::SweepTable table = sim::MakeSweepTable(*scenario, *traffic, *plan, *results);
  if (absl::Status st = sim::WriteSweepCsvFile(csv_path, table); !st.ok()) {
    return Fail(err, st, kFailure);
  }
  std::optional<sim::SweepTable> test_table;
  if (plan->test) {
    test_table = sim::MakeSweepTable(*scenario, *traffic, *plan, *results, /*test=*/true);
    if (absl::Status st = sim::WriteSweepCsvFile(test_csv_path, *test_table); !st.ok()) {
      return Fail(err, st, kFailure);
    }
  }
  // As many threads as points at most: the sweep starts no idle ones.
  const int64_t threads = std::min<int64_t>(jobs, std::max<int64_t>(shard_points, 1));
  out << absl::StrFormat("%s in %.2f s (%.1f points/s on %s; traffic rendered in %.2f s)\n",
                         Counted(shard_points, "point"), run_s,
                         run_s > 0 ? shard_points / run_s : 0.0, Counted(threads, "thread"),
                         prepare_s);
  out << "wrote " << csv_path << " (" << Counted(table.rows.size(), "row") << ")";
  if (test_table) out << " and " << test_csv_path << " (the held-out figures)";
  out << "\n\n";
  if (!plan->shard.all()) {
    out << "shard " << plan->shard.ToString()
        << " holds part of the grid: merge every shard's CSV with `limiar sweep-merge` for "
           "the front and the recommendation\n";
    return kOk;
  }
  out << sim::FormatSweepReport(table);
  if (test_table) out << sim::FormatHeldOutReport(table, *test_table);
  if (baseline || budget) {
    std::optional<sim::BaselineRun> base;
    if (baseline) {
      absl::StatusOr<sim::PointResult> run =
          sim::RunBaseline(*scenario, *traffic, *plan, *baseline);
      if (!run.ok()) return Fail(err, run.status(), kFailure);
      base = sim::BaselineRun{baseline_spec, sim::OutcomeOf(run->targets), std::nullopt};
      if (plan->test) base->test = sim::OutcomeOf(run->test);
    }
    out << sim::FormatObjectiveReport(table, test_table ? &*test_table : nullptr,
                                      base ? &*base : nullptr, budget ? &*budget : nullptr);
  }
  return kOk;
}

int RunSweepMergeCommand(const SweepMergeOptions& options, std::ostream& out, std::ostream& err) {
  if (options.inputs.empty()) {
    PrintError(err,
               "no CSVs to merge; give the shards' files: limiar sweep-merge sweep-shard-*.csv");
    return kUsage;
  }
  std::vector<std::pair<std::string, sim::SweepTable>> shards;
  for (const std::string& path : options.inputs) {
    absl::StatusOr<sim::SweepTable> t = sim::ReadSweepCsvFile(path);
    if (!t.ok()) return Fail(err, t.status(), kFailure);
    shards.emplace_back(path, *std::move(t));
  }
  absl::StatusOr<sim::SweepTable> merged = sim::MergeSweepTables(shards);
  if (!merged.ok()) return Fail(err, merged.status(), kFailure);
  if (absl::Status st = sim::WriteSweepCsvFile(options.csv_path, *merged); !st.ok()) {
    return Fail(err, st, kFailure);
  }
  out << "merged " << Counted(shards.size(), "file") << ": "
      << Counted(merged->header.points, "point") << " of " << merged->header.scenario << ", policy "
      << merged->header.policy << "\n";
  out << "wrote " << options.csv_path << " (" << Counted(merged->rows.size(), "row") << ")\n\n";
  out << sim::FormatSweepReport(*merged);
  return kOk;
}

}  // namespace limiar::cli
