// `limiar sweep` and `limiar sweep-merge` as commands: output, files, progress bar, errors
// and exit codes, on the real simulator.
#include "src/cli/sweep_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/test_dir.h"

namespace limiar::cli {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScenario[] = R"({
  "name": "tiny-flash",
  "blueprint": {"nome": "t", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 10}},
    {"tipo": "autoscale", "nome": "scale-web", "config": {"alvo_recurso_id": "web",
     "metrica": "requests", "limiar": 60, "capacidade_por_replica": 100}}]},
  "duration_s": 600, "seed": 7,
  "slo": {"latency_ms": 250},
  "targets": {"web": {"traffic": {"kind": "flash_sale", "baseline": 80, "start_s": 120,
                                  "ramp_s": 60, "peak_multiple": 6, "hold_s": 240,
                                  "decay_s": 60},
                      "capacity_rps": 100, "service_time_ms": 50, "startup_delay_s": 20}}
})";

struct Result {
  int code;
  std::string out;
  std::string err;
};

class SweepCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { scenario_ = test_dir_.Write("tiny.json", kScenario); }

  SweepOptions Options() const {
    SweepOptions o;
    o.scenario_path = scenario_;
    o.grid = {"limiar=30:70:20", "cooldown_down=0,120"};
    o.jobs = 2;
    o.out_dir = dir_.string();
    o.progress = SweepOptions::Progress::kOff;
    return o;
  }

  static Result Sweep(const SweepOptions& o) {
    std::ostringstream out, err;
    const int code = RunSweepCommand(o, out, err);
    return {code, out.str(), err.str()};
  }
  static Result Merge(const SweepMergeOptions& o) {
    std::ostringstream out, err;
    const int code = RunSweepMergeCommand(o, out, err);
    return {code, out.str(), err.str()};
  }
  static std::string Read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // What follows the "wrote ..." line: the front and the recommendation.
  static std::string Report(const std::string& out) { return out.substr(out.find("\n\n") + 2); }

  const limiar::testing::TestDir test_dir_;
  const std::filesystem::path& dir_ = test_dir_.path();
  std::string scenario_;
};

TEST_F(SweepCommandTest, WritesTheCsvAndPrintsFrontAndRecommendation) {
  const Result r = Sweep(Options());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("sweep: tiny-flash, policy blueprint, grid limiar=30:70:20 x "
                               "espera_descida_s=0,120: 6 points, 2 jobs\n"));
  EXPECT_THAT(r.out, HasSubstr("6 points in "));
  EXPECT_THAT(r.out, HasSubstr("points/s"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("wrote ", (dir_ / "sweep.csv").string(), " (6 rows)")));
  EXPECT_THAT(r.out, HasSubstr("Pareto front"));
  EXPECT_THAT(r.out, HasSubstr("Recommended: point "));
  EXPECT_THAT(r.out, HasSubstr("--policy 'blueprint,limiar="));
  const std::string csv = Read(dir_ / "sweep.csv");
  EXPECT_THAT(csv, HasSubstr("# limiar sweep results\n# scenario: tiny-flash\n"));
  EXPECT_THAT(csv, HasSubstr("\npoint,limiar,espera_descida_s,target,"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "sweep.csv.tmp"));
}

// Counts agree with their nouns: "1 point ... on 1 thread", not "1 points ... on 1 threads".
TEST_F(SweepCommandTest, OnePointIsOnePointOnOneThread) {
  SweepOptions o = Options();
  o.grid = {"limiar=60"};
  const Result r = Sweep(o);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("grid limiar=60: 1 point, 2 jobs\n"));
  EXPECT_THAT(r.out, ContainsRegex("\n1 point in [0-9.]+ s \\([0-9.]+ points/s on 1 thread; "));
  EXPECT_THAT(r.out, HasSubstr("(1 row)\n"));
  EXPECT_THAT(r.out, HasSubstr("1 of 1 point\n"));
  SweepMergeOptions merge;
  merge.inputs = {(dir_ / "sweep.csv").string()};
  merge.csv_path = (dir_ / "merged.csv").string();
  const Result m = Merge(merge);
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_THAT(m.out, HasSubstr("merged 1 file: 1 point of tiny-flash"));
}

TEST_F(SweepCommandTest, JobsDoNotChangeTheBytes) {
  SweepOptions one = Options();
  one.jobs = 1;
  one.csv_path = (dir_ / "one.csv").string();
  SweepOptions two = Options();
  two.csv_path = (dir_ / "two.csv").string();
  const Result a = Sweep(one), b = Sweep(two);
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(Read(dir_ / "one.csv"), Read(dir_ / "two.csv"));
  EXPECT_EQ(Report(a.out), Report(b.out));
}

TEST_F(SweepCommandTest, ShardsThenMergeEqualOneRun) {
  const Result whole = Sweep(Options());
  ASSERT_EQ(whole.code, 0) << whole.err;
  SweepMergeOptions merge;
  for (int i = 0; i < 4; ++i) {  // 4 shards of 6 points: two hold one point only
    SweepOptions o = Options();
    o.shard = absl::StrCat(i, "/4");
    const Result r = Sweep(o);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("limiar sweep-merge"));
    EXPECT_THAT(r.out, Not(HasSubstr("Recommended")));
    merge.inputs.push_back((dir_ / absl::StrCat("sweep-shard-", i, "-of-4.csv")).string());
    ASSERT_TRUE(std::filesystem::exists(merge.inputs.back()));
  }
  merge.csv_path = (dir_ / "merged.csv").string();
  const Result m = Merge(merge);
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(Read(dir_ / "merged.csv"), Read(dir_ / "sweep.csv"));
  EXPECT_EQ(Report(m.out), Report(whole.out));

  merge.inputs.pop_back();
  const Result missing = Merge(merge);
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("error: point 3 of 6 is in no file; shard 3/4 is missing"));
}

// Chosen on one part of the run, reported on another: both CSVs say which part they cover,
// and the report sets the choice beside hindsight's.
TEST_F(SweepCommandTest, TrainAndTestRangesChooseOnOneAndReportTheOther) {
  SweepOptions o = Options();
  o.train = "0:5m";
  o.test = "5m:";
  const Result r = Sweep(o);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("and ", (dir_ / "sweep-test.csv").string(),
                                            " (the held-out figures)")));
  EXPECT_THAT(r.out, HasSubstr("Figures over the run's train 0s..5m.\n"));
  EXPECT_THAT(r.out, HasSubstr("Held out: the run's test 5m..10m, which no choice above saw\n"));
  EXPECT_THAT(r.out, ContainsRegex("  chosen on train 0s..5m: point [0-9]+ \\(limiar="));
  EXPECT_THAT(r.out, HasSubstr("  best here in hindsight: point "));
  EXPECT_THAT(Read(dir_ / "sweep.csv"), HasSubstr("# range: train 0s..5m\n"));
  EXPECT_THAT(Read(dir_ / "sweep-test.csv"), HasSubstr("# range: test 5m..10m\n"));
  // The train figures differ from the whole run's.
  SweepOptions whole = Options();
  whole.csv_path = (dir_ / "whole.csv").string();
  ASSERT_EQ(Sweep(whole).code, 0);
  EXPECT_NE(Read(dir_ / "whole.csv").substr(Read(dir_ / "whole.csv").find("\npoint,")),
            Read(dir_ / "sweep.csv").substr(Read(dir_ / "sweep.csv").find("\npoint,")));
  // Shards of a train range do not merge with shards of the whole run.
  SweepMergeOptions merge;
  merge.inputs = {(dir_ / "sweep.csv").string(), (dir_ / "whole.csv").string()};
  merge.csv_path = (dir_ / "merged.csv").string();
  const Result m = Merge(merge);
  EXPECT_EQ(m.code, 1);
  EXPECT_THAT(m.err, HasSubstr("its range () differs from"));
}

// Forecasting knobs sweep like the others: a member of `previsao` is an axis, and the advice
// puts it back inside the object.
TEST_F(SweepCommandTest, AForecastingKnobIsAnAxis) {
  SweepOptions o = Options();
  o.policy = "hpa,previsao={\"previsor\":\"seasonal_naive_daily\"}";
  o.grid = {"limiar=30,40", "forecast.margem_pct=0,20"};
  const Result r = Sweep(o);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("grid limiar=30,40 x previsao.margem_pct=0,20: 4 points"));
  EXPECT_THAT(Read(dir_ / "sweep.csv"), HasSubstr("\npoint,limiar,previsao.margem_pct,target,"));
  EXPECT_THAT(r.out, ContainsRegex("blueprint: in each simulated target's autoscale config: "
                                   "\"previsao\": \\{\"previsor\":\"seasonal_naive_daily\","
                                   "\"margem_pct\":[0-9]+\\}, \"limiar\": [0-9]+"));
}

// Beside "the cheapest that meets the SLO": the least violation within a budget relative to
// a baseline policy, that policy's figures, and whether the choice dominates it.
TEST_F(SweepCommandTest, BudgetRelativeToABaselineAndDominance) {
  SweepOptions o = Options();
  o.train = "0:5m";
  o.test = "5m:";
  o.budget = "hpa+10%";
  const Result r = Sweep(o);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, ContainsRegex("Objective: the least time in SLO violation within [0-9.]+ "
                                   "replica-hours \\(hpa \\+10 % on train 0s..5m\\)\n"));
  EXPECT_THAT(r.out, ContainsRegex("  baseline hpa on train 0s..5m: [0-9.]+ replica-hours"));
  EXPECT_THAT(r.out, ContainsRegex("    the choice: [-+][0-9.]+ % replica-hours.*; "
                                   "(dominates the baseline|the baseline dominates it|neither "
                                   "dominates)\n"));
  EXPECT_THAT(r.out, HasSubstr("  held out, test 5m..10m: baseline "));
  o.baseline = "kpa";
  const Result conflict = Sweep(o);
  EXPECT_EQ(conflict.code, 2);
  EXPECT_THAT(conflict.err, HasSubstr("--budget \"hpa+10%\" is relative to hpa but --baseline "
                                      "is kpa; name one policy"));
  o.budget = "";
  o.baseline = "kpa,limiar=500";
  const Result bad = Sweep(o);
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--baseline \"kpa,limiar=500\": "));
  o.budget = "0.001";
  o.baseline = "";
  const Result tight = Sweep(o);
  ASSERT_EQ(tight.code, 0) << tight.err;
  EXPECT_THAT(tight.out, HasSubstr("no point stays within it: the cheapest costs "));
}

TEST_F(SweepCommandTest, ARangeOutsideTheRunIsAUsageError) {
  SweepOptions o = Options();
  o.test = "5m:20m";
  Result r = Sweep(o);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--test \"5m:20m\": the run lasts 10m; write FROM:TO"));
  o.test = "";
  o.train = "half";
  r = Sweep(o);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--train \"half\": no colon between FROM and TO"));
  o.train = "6m:2m";
  r = Sweep(o);
  EXPECT_THAT(r.err, HasSubstr("--train \"6m:2m\": FROM must come before TO"));
  o.train = "1x:";
  r = Sweep(o);
  EXPECT_THAT(r.err, HasSubstr("--train \"1x:\": \"1x\" is not a time"));
}

TEST_F(SweepCommandTest, ProgressBarOnlyWhenAsked) {
  SweepOptions o = Options();
  o.progress = SweepOptions::Progress::kOn;
  const Result on = Sweep(o);
  ASSERT_EQ(on.code, 0) << on.err;
  EXPECT_THAT(on.err, HasSubstr("\r[##############################] 6/6 points, "));
  EXPECT_EQ(on.err.back(), '\n');
  // kAuto under a test runner: stderr is a file or a pipe, so no bar (and `err` is not it).
  o.progress = SweepOptions::Progress::kOff;
  EXPECT_EQ(Sweep(o).err, "");
}

TEST_F(SweepCommandTest, UsageErrorsExitTwoBeforeRunning) {
  struct Case {
    std::vector<std::string> grid;
    std::string shard;
    std::string policy;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {{}, "", "blueprint", "no --grid"},
           {{"limiar=40:80"}, "", "blueprint", "--grid \"limiar=40:80\""},
           {{"limiar=40"}, "3/3", "blueprint", "--shard 3/3: index 3 is out of range"},
           {{"limiar=40"}, "", "hap", "--policy \"hap\""},
           {{"limair=40,50"}, "", "blueprint", "limair"},
           {{"limiar=50,150"}, "", "blueprint", "limiar=150"},
       }) {
    SweepOptions o = Options();
    o.grid = c.grid;
    o.shard = c.shard;
    o.policy = c.policy;
    const Result r = Sweep(o);
    EXPECT_EQ(r.code, 2) << c.want;
    EXPECT_THAT(r.err, HasSubstr("error: ")) << c.want;
    EXPECT_THAT(r.err, HasSubstr(c.want));
    EXPECT_THAT(r.out, Not(HasSubstr("points in"))) << c.want;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "sweep.csv")) << c.want;
  }
  SweepOptions o = Options();
  o.jobs = -1;
  EXPECT_EQ(Sweep(o).code, 2);
}

TEST_F(SweepCommandTest, RuntimeFailuresExitOne) {
  SweepOptions o = Options();
  o.scenario_path = (dir_ / "absent.json").string();
  const Result absent = Sweep(o);
  EXPECT_EQ(absent.code, 1);
  EXPECT_THAT(absent.err, HasSubstr("cannot read the scenario: No such file"));

  SweepOptions combo = Options();
  combo.grid = {"replicas_min=1,8", "replicas_max=5,10"};
  const Result failed = Sweep(combo);
  EXPECT_EQ(failed.code, 1);
  EXPECT_THAT(failed.err, HasSubstr("point 2 (replicas_min=8, replicas_max=5)"));

  SweepMergeOptions merge;
  EXPECT_EQ(Merge(merge).code, 2);
  merge.inputs = {scenario_};
  const Result not_csv = Merge(merge);
  EXPECT_EQ(not_csv.code, 1);
  EXPECT_THAT(not_csv.err, HasSubstr("not a limiar sweep CSV"));
}

TEST_F(SweepCommandTest, BuiltInScenarioWhenNoneIsGiven) {
  SweepOptions o = Options();
  o.scenario_path = "";
  o.grid = {"limiar=50,80"};
  const Result r = Sweep(o);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sweep: flash-sale,"));
  EXPECT_THAT(r.out, HasSubstr("cost"));  // the built-in scenario has a price
}

}  // namespace
}  // namespace limiar::cli
