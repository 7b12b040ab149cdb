// `limiar sweep`'s engine on the real simulator: grid parsing and point order, shards and
// their merge, thread-count independence, the Pareto front and the recommendation.
#include "src/sim/sweep/sweep.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "src/sim/sweep/sweep_csv.h"
#include "src/sim/sweep/sweep_front.h"
#include "src/sim/sweep/sweep_grid.h"
#include "src/sim/sweep/sweep_merge.h"
#include "tests/sim/sim_test_support.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One compute `web` (1..10 replicas, `requests` at limiar 60, 100 requests/s a replica)
// through a 6x flash sale, 600 s: a run is well under a millisecond of arithmetic.
std::string TinyScenario(const std::string& slo = R"({"latency_ms": 250})",
                         const std::string& extra_targets = "") {
  return absl::StrCat(R"({
  "name": "tiny-flash",
  "blueprint": {"nome": "t", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 10}},
    {"tipo": "autoscale", "nome": "scale-web", "config": {"alvo_recurso_id": "web",
     "metrica": "requests", "limiar": 60, "capacidade_por_replica": 100}},
    {"tipo": "compute", "nome": "api", "config": {"replicas_min": 1, "replicas_max": 6}},
    {"tipo": "autoscale", "nome": "scale-api", "config": {"alvo_recurso_id": "api",
     "metrica": "requests", "limiar": 70, "capacidade_por_replica": 50}}]},
  "duration_s": 600, "step_s": 1, "seed": 7, "loop_interval_s": 15,
  "metrics": {"scrape_interval_s": 15, "delay_s": 1, "window_s": 30},
  "slo": )",
                      slo, R"(,
  "price_per_replica_hour": 0.25,
  "targets": {
    "web": {"traffic": {"kind": "flash_sale", "baseline": 80, "start_s": 120, "ramp_s": 60,
                        "peak_multiple": 6, "hold_s": 240, "decay_s": 60},
            "capacity_rps": 100, "service_time_ms": 50, "startup_delay_s": 20})",
                      extra_targets, R"(
  }
})");
}

constexpr char kApiTarget[] = R"(,
    "api": {"traffic": {"kind": "constant", "rate": 60}, "capacity_rps": 50,
            "startup_delay_s": 10})";

Scenario Parse(const std::string& json) {
  absl::StatusOr<Scenario> s = ParseScenario(json, "tiny.json", ".");
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

SweepPlan Plan(const std::vector<std::string>& grid, const std::string& shard = "",
               const std::string& policy = "blueprint") {
  absl::StatusOr<SweepPlan> plan = MakeSweepPlan(policy, grid, shard);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *std::move(plan);
}

SweepTable RunGrid(const Scenario& scenario, const SweepPlan& plan, int jobs) {
  absl::StatusOr<PreparedTraffic> traffic = PrepareTraffic(scenario);
  EXPECT_TRUE(traffic.ok()) << traffic.status();
  EXPECT_TRUE(ValidateSweep(scenario, plan).ok());
  SweepRunOptions options;
  options.jobs = jobs;
  absl::StatusOr<std::vector<PointResult>> results = RunSweep(scenario, *traffic, plan, options);
  EXPECT_TRUE(results.ok()) << results.status();
  return MakeSweepTable(scenario, *traffic, plan, *results);
}

std::vector<std::string> Texts(const GridAxis& axis) {
  std::vector<std::string> out;
  for (const GridValue& v : axis.values) out.push_back(v.text);
  return out;
}

SweepRunOptions TwoJobs() {
  SweepRunOptions o;
  o.jobs = 2;
  return o;
}

const std::vector<std::string> kGrid = {"limiar=30:90:10", "estabilizacao_descida_s=0,300"};

// ---- Grid ----------------------------------------------------------------------------

TEST(SweepGridTest, ListsKeepTheirValuesAndTypes) {
  absl::StatusOr<GridAxis> a = ParseGridAxis("limiar=40, 50 ,60.5");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->key, "limiar");
  EXPECT_EQ(a->target, "");
  EXPECT_THAT(Texts(*a), ElementsAre("40", "50", "60.5"));
  EXPECT_TRUE(a->values[0].value.is_number_integer());
  EXPECT_DOUBLE_EQ(a->values[2].value.get<double>(), 60.5);
  EXPECT_EQ(a->ToString(), "limiar=40, 50 ,60.5");
}

TEST(SweepGridTest, RangesStepInExactDecimals) {
  // Adding 0.05 in binary floating point six times gives 0.30000000000000004 and misses
  // the inclusive end; scaled integers do not.
  absl::StatusOr<GridAxis> t = ParseGridAxis("tolerancia=0.05:0.3:0.05");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(Texts(*t), ElementsAre("0.05", "0.1", "0.15", "0.2", "0.25", "0.3"));
  EXPECT_EQ(t->values[5].value.get<double>(), 0.3);

  absl::StatusOr<GridAxis> s = ParseGridAxis("espera_descida_s=0:300:60");
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(Texts(*s), ElementsAre("0", "60", "120", "180", "240", "300"));
  EXPECT_TRUE(s->values[1].value.is_number_integer());

  absl::StatusOr<GridAxis> short_of_stop = ParseGridAxis("limiar=40:85:10");
  ASSERT_TRUE(short_of_stop.ok());
  EXPECT_THAT(Texts(*short_of_stop), ElementsAre("40", "50", "60", "70", "80"));

  absl::StatusOr<std::vector<std::string>> mixed = ExpandDecimalRange("1", "2", "0.25");
  ASSERT_TRUE(mixed.ok());
  EXPECT_THAT(*mixed, ElementsAre("1", "1.25", "1.5", "1.75", "2"));
}

TEST(SweepGridTest, FriendlyNamesBecomeBlueprintKeys) {
  EXPECT_EQ(CanonicalKnobKey("tolerance"), "tolerancia");
  EXPECT_EQ(CanonicalKnobKey("cooldown_down"), "espera_descida_s");
  EXPECT_EQ(CanonicalKnobKey("cooldown-up"), "espera_subida_s");
  EXPECT_EQ(CanonicalKnobKey("min_replicas"), "replicas_min");
  EXPECT_EQ(CanonicalKnobKey("Limiar"), "limiar");
  EXPECT_EQ(CanonicalKnobKey("stabilization_down"), "estabilizacao_descida_s");
  // Unknown spellings are left for the loader, which names them with a suggestion.
  EXPECT_EQ(CanonicalKnobKey("limair"), "limair");

  absl::StatusOr<GridAxis> a = ParseGridAxis("web.cooldown_up=0,30");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->target, "web");
  EXPECT_EQ(a->key, "espera_subida_s");
  EXPECT_EQ(a->Column(), "web.espera_subida_s");
}

TEST(SweepGridTest, BadSyntaxNamesTheFlag) {
  for (const char* flag : {"limiar", "=50", "limiar=", "limiar=40:80", "limiar=a:b:c",
                           "limiar=80:40:10", "limiar=40:80:0", "limiar=40,,50", "limiar=40,",
                           "limiar=40,40", ".limiar=5", "alvo_recurso_id=web"}) {
    absl::StatusOr<GridAxis> a = ParseGridAxis(flag);
    ASSERT_FALSE(a.ok()) << flag;
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument) << flag;
    EXPECT_THAT(a.status().message(), HasSubstr(absl::StrCat("--grid \"", flag, "\""))) << flag;
  }
  EXPECT_THAT(ParseGridAxis("limiar=80:40:10").status().message(), HasSubstr("40:80:10"));
  EXPECT_THAT(ParseGridAxis("limiar=40,40").status().message(), HasSubstr("listed twice"));

  absl::StatusOr<Grid> none = ParseGrid({});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("no --grid"));
  absl::StatusOr<Grid> twice = ParseGrid({"limiar=40", "threshold=50"});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(), HasSubstr("already varied"));
  absl::StatusOr<Grid> huge = ParseGrid({"limiar=1:100:0.01", "tolerancia=0:0.5:0.0001"});
  ASSERT_FALSE(huge.ok());
  EXPECT_THAT(huge.status().message(), HasSubstr("points"));
}

TEST(SweepGridTest, FirstAxisVariesSlowest) {
  absl::StatusOr<Grid> g = ParseGrid({"limiar=40,60", "espera_descida_s=0,60,120"});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->size(), 6);
  EXPECT_THAT(g->ValueIndices(0), ElementsAre(0, 0));
  EXPECT_THAT(g->ValueIndices(1), ElementsAre(0, 1));
  EXPECT_THAT(g->ValueIndices(2), ElementsAre(0, 2));
  EXPECT_THAT(g->ValueIndices(3), ElementsAre(1, 0));
  EXPECT_THAT(g->ValueIndices(5), ElementsAre(1, 2));
  EXPECT_EQ(g->DescribePoint(4), "limiar=60, espera_descida_s=60");

  const PolicyVariant v = PointVariant(Plan({"limiar=40"}, "", "hpa,tolerancia=0.2").base, *g, 5);
  ASSERT_EQ(v.overrides.size(), 3u);
  EXPECT_EQ(v.base, PolicyVariant::Base::kHpaDefaults);
  EXPECT_EQ(v.overrides[0].key, "tolerancia");  // fixed knobs first, the grid after
  EXPECT_EQ(v.overrides[1].value, 60);
  EXPECT_EQ(v.overrides[2].value, 120);
}

// ---- Shards --------------------------------------------------------------------------

TEST(SweepShardTest, ParsesAndRejectsOutOfRange) {
  absl::StatusOr<Shard> s = ParseShard("2/4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  EXPECT_EQ(s->ToString(), "2/4");
  EXPECT_TRUE(ParseShard("")->all());
  EXPECT_TRUE(ParseShard("all")->all());

  absl::StatusOr<Shard> out = ParseShard("3/3");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("out of range"));
  EXPECT_THAT(out.status().message(), HasSubstr("0 to 2"));
  for (const char* bad : {"1", "a/b", "1/0", "-1/3", "1/2/3"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(SweepShardTest, ShardsCoverEveryPointOnce) {
  absl::StatusOr<Grid> g = ParseGrid({"limiar=10:70:10"});  // 7 points
  ASSERT_TRUE(g.ok());
  std::multiset<int64_t> seen;
  for (int64_t i = 0; i < 3; ++i) {
    const std::vector<int64_t> points = ShardPoints(*g, Shard{i, 3});
    EXPECT_TRUE(std::is_sorted(points.begin(), points.end()));
    for (int64_t p : points) {
      EXPECT_EQ(p % 3, i);
      seen.insert(p);
    }
  }
  EXPECT_EQ(seen, (std::multiset<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ShardPoints(*g, Shard{}).size(), 7u);
}

// ---- Running -------------------------------------------------------------------------

TEST(SweepRunTest, ResultsComeInPointOrderWhateverTheThreads) {
  const Scenario scenario = Parse(TinyScenario());
  const SweepPlan plan = Plan(kGrid);
  const SweepTable one = RunGrid(scenario, plan, 1);
  const SweepTable two = RunGrid(scenario, plan, 2);
  const SweepTable five = RunGrid(scenario, plan, 5);
  ASSERT_EQ(one.rows.size(), 14u);
  for (size_t i = 0; i < one.rows.size(); ++i) EXPECT_EQ(one.rows[i].point, static_cast<int>(i));
  EXPECT_EQ(FormatSweepCsv(one), FormatSweepCsv(two));
  EXPECT_EQ(FormatSweepCsv(one), FormatSweepCsv(five));
}

TEST(SweepRunTest, ReplicaBoundsAndCostFollowTheKnobs) {
  const SweepTable t =
      RunGrid(Parse(TinyScenario()), Plan({"limiar=30,90", "replicas_min=1,3"}), 2);
  ASSERT_EQ(t.rows.size(), 4u);
  for (const SweepRow& r : t.rows) {
    EXPECT_GE(r.max_replicas, 1);
    EXPECT_LE(r.max_replicas, 10);
    EXPECT_GT(r.replica_hours, 0);
    EXPECT_DOUBLE_EQ(r.cost, std::round(r.replica_hours * 0.25 * 1e6) / 1e6);
  }
  // A lower target utilization keeps more replicas, and a floor is never undercut. (A
  // higher floor need not cost more over a short spike: starting with more replicas can
  // spare the overshoot of a late scale-up.)
  EXPECT_GT(t.rows[0].replica_hours, t.rows[2].replica_hours);  // limiar 30 vs 90, min 1
  EXPECT_GT(t.rows[1].replica_hours, t.rows[3].replica_hours);  // limiar 30 vs 90, min 3
  EXPECT_GE(t.rows[3].replica_hours, 3 * 600 / 3600.0);
}

TEST(SweepRunTest, BadValueFailsBeforeAnyRunNamingKeyAndValue) {
  const Scenario scenario = Parse(TinyScenario());
  absl::StatusOr<std::vector<std::string>> bad =
      ValidateSweep(scenario, Plan({"espera_descida_s=0,60", "limiar=50:150:50"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--grid \"limiar=50:150:50\""));
  EXPECT_THAT(bad.status().message(), HasSubstr("limiar=150"));

  absl::StatusOr<std::vector<std::string>> unknown =
      ValidateSweep(scenario, Plan({"limair=50,60"}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("limair"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("limiar"));  // the suggestion

  absl::StatusOr<std::vector<std::string>> no_target =
      ValidateSweep(scenario, Plan({"cart.limiar=50"}));
  ASSERT_FALSE(no_target.ok());
  EXPECT_THAT(no_target.status().message(), HasSubstr("cart"));
}

TEST(SweepRunTest, KnobWithoutEffectWarns) {
  // janela_estavel_s is a KPA knob; the blueprint runs HPA.
  absl::StatusOr<std::vector<std::string>> w =
      ValidateSweep(Parse(TinyScenario()), Plan({"limiar=50,60", "janela_estavel_s=30,60"}));
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->size(), 1u);
  EXPECT_THAT((*w)[0], HasSubstr("janela_estavel_s=30,60"));
  EXPECT_THAT((*w)[0], HasSubstr("does not read janela_estavel_s"));
}

TEST(SweepRunTest, CombinationThatFailsNamesThePoint) {
  // Each value loads on its own; replicas_min 8 over replicas_max 5 only fails together.
  const Scenario scenario = Parse(TinyScenario());
  const SweepPlan plan = Plan({"replicas_min=1,8", "replicas_max=5,10"});
  ASSERT_TRUE(ValidateSweep(scenario, plan).ok());
  absl::StatusOr<PreparedTraffic> traffic = PrepareTraffic(scenario);
  ASSERT_TRUE(traffic.ok());
  absl::StatusOr<std::vector<PointResult>> r = RunSweep(scenario, *traffic, plan, TwoJobs());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("point 2 (replicas_min=8, replicas_max=5)"));
}

TEST(SweepRunTest, PolicyKnobFixedAndSweptIsRejected) {
  absl::StatusOr<SweepPlan> p = MakeSweepPlan("hpa,limiar=50", {"limiar=40,60"}, "");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("drop it from one"));
}

TEST(SweepRunTest, ProgressIsReportedAndEndsComplete) {
  const Scenario scenario = Parse(TinyScenario());
  absl::StatusOr<PreparedTraffic> traffic = PrepareTraffic(scenario);
  ASSERT_TRUE(traffic.ok());
  std::vector<SweepProgress> seen;
  SweepRunOptions options;
  options.jobs = 2;
  options.on_progress = [&](const SweepProgress& p) { seen.push_back(p); };
  ASSERT_TRUE(RunSweep(scenario, *traffic, Plan(kGrid), options).ok());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().done, 14);
  EXPECT_EQ(seen.back().total, 14);
  for (const SweepProgress& p : seen) EXPECT_LE(p.done, p.total);
}

TEST(SweepRunTest, FingerprintFollowsTheInputs) {
  const Scenario a = Parse(TinyScenario());
  Scenario b = a;
  b.seed = 8;
  const PreparedTraffic ta = *PrepareTraffic(a);
  EXPECT_EQ(ScenarioFingerprint(a, ta), ScenarioFingerprint(a, ta));
  EXPECT_NE(ScenarioFingerprint(a, ta), ScenarioFingerprint(b, *PrepareTraffic(b)));
  EXPECT_EQ(ScenarioFingerprint(a, ta).size(), 16u);
}

// ---- CSV, shards and merge -----------------------------------------------------------

TEST(SweepCsvTest, RoundTripsThroughText) {
  const SweepTable t = RunGrid(Parse(TinyScenario()), Plan(kGrid), 2);
  const std::string csv = FormatSweepCsv(t);
  EXPECT_THAT(csv, HasSubstr("# scenario: tiny-flash\n"));
  EXPECT_THAT(csv, HasSubstr("# grid: limiar=30:90:10\n"));
  EXPECT_THAT(csv, HasSubstr("# shard: all\n"));
  EXPECT_THAT(csv,
              HasSubstr("\npoint,limiar,estabilizacao_descida_s,target,meets_slo,slo_violation_s,"
                        "p50_ms,p95_ms,p99_ms,dropped,drop_rate,replica_hours,cost,max_replicas,"
                        "scale_ups,scale_downs,time_to_capacity_s\n"));
  absl::StatusOr<SweepTable> back = ParseSweepCsv(csv, "x.csv");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(FormatSweepCsv(*back), csv);
}

// Compute names are the blueprint's own text: a comma, quotes or a line break in one must
// come back from the CSV as they went in, in the rows and in the grid's column names.
TEST(SweepCsvTest, NamesWithCommasQuotesAndLineBreaksRoundTrip) {
  const std::string web = R"(web, \"eu\")";  // as JSON spells it
  const std::string api = R"(api\nv2)";
  std::string scenario =
      absl::StrReplaceAll(TinyScenario("{\"latency_ms\": 250}", kApiTarget),
                          {{"\"web\"", "\"" + web + "\""}, {"\"api\"", "\"" + api + "\""}});
  const SweepTable t =
      RunGrid(Parse(scenario), Plan({"web, \"eu\".limiar=50,60", "algoritmo=hpa,\"kpa\""}), 2);
  ASSERT_EQ(t.rows.size(), 8u);
  EXPECT_EQ(t.rows[0].target, "api\nv2");  // targets in name order
  EXPECT_EQ(t.rows[1].target, "web, \"eu\"");
  EXPECT_EQ(t.rows[2].settings, (std::vector<std::string>{"50", "\"kpa\""}));
  const std::string csv = FormatSweepCsv(t);
  EXPECT_THAT(csv, HasSubstr("\npoint,\"web, \"\"eu\"\".limiar\",algoritmo,target,"));
  EXPECT_THAT(csv, HasSubstr("\n1,50,\"\"\"kpa\"\"\",\"web, \"\"eu\"\"\","));
  EXPECT_THAT(csv, HasSubstr("\n0,50,hpa,\"api\nv2\","));
  absl::StatusOr<SweepTable> back = ParseSweepCsv(csv, "x.csv");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->rows.size(), t.rows.size());
  for (size_t i = 0; i < t.rows.size(); ++i) {
    EXPECT_EQ(back->rows[i].target, t.rows[i].target);
    EXPECT_EQ(back->rows[i].settings, t.rows[i].settings);
  }
  EXPECT_EQ(FormatSweepCsv(*back), csv);
}

TEST(SweepCsvTest, ShardsMergeIntoTheUnshardedBytes) {
  const Scenario scenario = Parse(TinyScenario());
  const SweepTable whole = RunGrid(scenario, Plan(kGrid), 2);
  const ::limiar::testing::TestDir tmp;
  const std::filesystem::path& dir = tmp.path();
  std::vector<std::pair<std::string, SweepTable>> shards;
  for (int i = 2; i >= 0; --i) {  // in any order
    const std::string path = (dir / absl::StrCat("shard", i, ".csv")).string();
    ASSERT_TRUE(
        WriteSweepCsvFile(path, RunGrid(scenario, Plan(kGrid, absl::StrCat(i, "/3")), 1)).ok());
    absl::StatusOr<SweepTable> t = ReadSweepCsvFile(path);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->header.shard.ToString(), absl::StrCat(i, "/3"));
    shards.emplace_back(path, *std::move(t));
  }
  absl::StatusOr<SweepTable> merged = MergeSweepTables(shards);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(FormatSweepCsv(*merged), FormatSweepCsv(whole));
  EXPECT_EQ(FormatSweepReport(*merged), FormatSweepReport(whole));

  // Missing shard: named, with its points.
  absl::StatusOr<SweepTable> missing = MergeSweepTables({shards[0], shards[2]});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("points 1, 4, 7, 10, 13 of 14"));
  EXPECT_THAT(missing.status().message(), HasSubstr("shard 1/3 is missing"));

  // The same shard twice: the point and both files.
  absl::StatusOr<SweepTable> twice = MergeSweepTables({shards[0], shards[1], shards[2], shards[1]});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(), HasSubstr("point 1 is in both"));
  EXPECT_THAT(twice.status().message(), HasSubstr(shards[1].first));

  // Another grid: refused, naming the field.
  std::pair<std::string, SweepTable> other = {
      "other.csv", RunGrid(scenario, Plan({"limiar=30:90:20", kGrid[1]}, "1/3"), 1)};
  absl::StatusOr<SweepTable> mixed = MergeSweepTables({shards[0], other});
  ASSERT_FALSE(mixed.ok());
  EXPECT_THAT(mixed.status().message(), HasSubstr("other.csv: its grid"));

  // Another seed: the fingerprint differs.
  Scenario reseeded = scenario;
  reseeded.seed = 99;
  std::pair<std::string, SweepTable> reseed = {"seed.csv",
                                               RunGrid(reseeded, Plan(kGrid, "1/3"), 1)};
  absl::StatusOr<SweepTable> drift = MergeSweepTables({shards[0], reseed, shards[2]});
  ASSERT_FALSE(drift.ok());
  EXPECT_THAT(drift.status().message(), HasSubstr("fingerprint"));
}

TEST(SweepCsvTest, SloDescriptionRoundTrips) {
  SloSpec slo;
  slo.latency_percentile = 99;
  slo.latency_ms = 120.5;
  slo.max_drop_rate = 0.0005;
  slo.max_violation_s = 60;
  const std::string text = DescribeSlo(slo);
  EXPECT_EQ(text, "p99 <= 120.5 ms, drop rate <= 0.0005, at most 60 s in violation");
  std::optional<SloSpec> back = ParseSloDescription(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->latency_percentile, 99);
  EXPECT_EQ(back->latency_ms, 120.5);
  EXPECT_EQ(back->max_drop_rate, 0.0005);
  EXPECT_EQ(back->max_violation_s, 60);
  EXPECT_FALSE(ParseSloDescription("p95 <= 250 ms").has_value());
}

TEST(SweepCsvTest, DamagedFilesAreRefusedWithTheLine) {
  const std::string csv = FormatSweepCsv(RunGrid(Parse(TinyScenario()), Plan({"limiar=50,60"}), 1));
  EXPECT_THAT(ParseSweepCsv("point,limiar\n", "a.csv").status().message(),
              HasSubstr("a.csv: not a limiar sweep CSV"));
  const std::string cut = csv.substr(0, csv.size() - 20) + "\n";
  absl::StatusOr<SweepTable> t = ParseSweepCsv(cut, "cut.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("cut.csv:13:"));
  EXPECT_THAT(ReadSweepCsvFile("/nonexistent/sweep.csv").status().message(),
              HasSubstr("cannot read"));
}

// ---- Front and recommendation --------------------------------------------------------

TEST(SweepFrontTest, FrontOnRealResultsIsExactlyTheUndominated) {
  const SweepTable t = RunGrid(Parse(TinyScenario(R"({"latency_ms": 120})")),
                               Plan({"limiar=30:95:5", "espera_subida_s=0,60"}), 2);
  const std::vector<PointOutcome> o = AggregatePoints(t);
  ASSERT_EQ(o.size(), 28u);
  const std::vector<size_t> front = ParetoFront(o);
  ASSERT_FALSE(front.empty());
  const std::set<size_t> on_front(front.begin(), front.end());
  for (size_t f : front) {
    for (const PointOutcome& p : o) EXPECT_FALSE(Dominates(p, o[f])) << p.point << " " << f;
  }
  for (size_t i = 0; i < o.size(); ++i) {
    if (on_front.count(i)) continue;
    EXPECT_TRUE(
        std::any_of(front.begin(), front.end(), [&](size_t f) { return Dominates(o[f], o[i]); }))
        << "point " << o[i].point << " is off the front but nothing on it dominates it";
  }
  for (size_t k = 1; k < front.size(); ++k) {
    EXPECT_LE(o[front[k - 1]].replica_hours, o[front[k]].replica_hours);
  }
  // The grid spans a real trade-off: the cheapest point is not the one with least violation.
  EXPECT_GT(front.size(), 1u);
}

TEST(SweepFrontTest, RecommendsTheCheapestPointThatMeetsTheSlo) {
  const SweepTable t = RunGrid(Parse(TinyScenario()), Plan(kGrid), 2);
  const std::vector<PointOutcome> o = AggregatePoints(t);
  const Recommendation r = Recommend(o, *ParseSloDescription(t.header.slo));
  ASSERT_TRUE(r.cheapest.has_value());
  const PointOutcome& best = o[*r.cheapest];
  EXPECT_TRUE(best.meets_slo);
  for (const PointOutcome& p : o) {
    if (p.meets_slo) {
      EXPECT_GE(p.replica_hours, best.replica_hours) << p.point;
    }
  }
  // Some setting must fail, or the recommendation would be trivial.
  EXPECT_TRUE(std::any_of(o.begin(), o.end(), [](const PointOutcome& p) { return !p.meets_slo; }));

  const std::string report = FormatSweepReport(t);
  EXPECT_THAT(report, HasSubstr(absl::StrCat("Recommended: point ", best.point, ",")));
  EXPECT_THAT(report, HasSubstr(absl::StrCat("--policy 'blueprint,limiar=", best.settings[0],
                                             ",estabilizacao_descida_s=", best.settings[1], "'")));
  EXPECT_THAT(report, HasSubstr(absl::StrCat("\"limiar\": ", best.settings[0])));
}

TEST(SweepFrontTest, WhenNothingMeetsTheSloTheNearestIsNamed) {
  // A 10 ms bound under a 50 ms service time: no setting can meet it.
  const SweepTable t =
      RunGrid(Parse(TinyScenario(R"({"latency_ms": 10})")), Plan({"limiar=40:80:20"}), 2);
  const std::vector<PointOutcome> o = AggregatePoints(t);
  const Recommendation r = Recommend(o, *ParseSloDescription(t.header.slo));
  EXPECT_FALSE(r.cheapest.has_value());
  ASSERT_TRUE(r.closest.has_value());
  for (const PointOutcome& p : o) EXPECT_GE(p.slo_violation_s, o[*r.closest].slo_violation_s);
  const std::string report = FormatSweepReport(t);
  EXPECT_THAT(report, HasSubstr("No point meets the SLO (p95 <= 10 ms"));
  EXPECT_THAT(report, HasSubstr(absl::StrCat("Closest: point ", o[*r.closest].point)));
  EXPECT_THAT(report, HasSubstr("misses: p95 "));
  EXPECT_THAT(report, HasSubstr("try:"));
}

TEST(SweepFrontTest, SeveralTargetsGiveARowEachAndOneVerdict) {
  const SweepTable t = RunGrid(Parse(TinyScenario(R"({"latency_ms": 250})", kApiTarget)),
                               Plan({"web.limiar=40,80"}), 2);
  ASSERT_EQ(t.rows.size(), 4u);
  // Targets come in the scenario's order: its `targets` object, sorted by name.
  EXPECT_EQ(t.rows[0].target, "api");
  EXPECT_EQ(t.rows[1].target, "web");
  const std::vector<PointOutcome> o = AggregatePoints(t);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_DOUBLE_EQ(o[0].replica_hours, t.rows[0].replica_hours + t.rows[1].replica_hours);
  EXPECT_EQ(o[0].meets_slo, t.rows[0].meets_slo && t.rows[1].meets_slo);
  EXPECT_EQ(t.rows[0].replica_hours, t.rows[2].replica_hours);  // api untouched by the grid
  EXPECT_GT(t.rows[1].replica_hours, t.rows[3].replica_hours);  // web: limiar 40 vs 80
  EXPECT_THAT(FormatSweepReport(t), HasSubstr("2 targets per point"));
}

// ---- A real trace --------------------------------------------------------------------

TEST(SweepTraceTest, WorldCupFlashSixHours) {
  const std::string traces = testing::SharedTracesDir();
  const std::filesystem::path trace = std::filesystem::absolute(
      std::filesystem::path(traces) / "worldcup98_1998-06-26T12_6h_flash_per_second.csv");
  if (traces.empty() || !std::filesystem::exists(trace)) {
    GTEST_SKIP() << "no " << trace << " (set LIMIAR_SHARED_DIR to the shared folder)";
  }
  const std::string json = absl::StrCat(R"({
  "name": "worldcup-flash",
  "blueprint": {"nome": "wc", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 2, "replicas_max": 40}},
    {"tipo": "autoscale", "nome": "scale-web", "config": {"alvo_recurso_id": "web",
     "metrica": "requests", "limiar": 60, "capacidade_por_replica": 250}}]},
  "duration_s": 21600,
  "targets": {"web": {"traffic": {"kind": "trace", "path": ")",
                                        trace.string(), R"("},
                      "capacity_rps": 250, "service_time_ms": 40, "startup_delay_s": 30}}
})");
  const Scenario scenario = Parse(json);
  const SweepTable t = RunGrid(scenario, Plan({"limiar=50,70,90"}), 2);
  ASSERT_EQ(t.rows.size(), 3u);
  for (const SweepRow& r : t.rows) {
    EXPECT_GE(r.max_replicas, 2);
    EXPECT_LE(r.max_replicas, 40);
    EXPECT_GE(r.replica_hours, 2 * 6.0);   // never below the floor for 6 h
    EXPECT_LE(r.replica_hours, 40 * 6.0);  // nor above the ceiling
    EXPECT_GT(r.scale_ups, 0);
  }
  EXPECT_GT(t.rows[0].replica_hours, t.rows[1].replica_hours);
  EXPECT_GT(t.rows[1].replica_hours, t.rows[2].replica_hours);
}

TEST(SweepObjectiveTest, BudgetsReadAsHoursOrAPolicyAndAMargin) {
  absl::StatusOr<Budget> b = ParseBudget("2400");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->hours, 2400);
  b = ParseBudget("hpa+10%");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->baseline, "hpa");
  EXPECT_EQ(b->margin_percent, 10);
  b = ParseBudget("tuned:hpa,limiar=50-5%");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->baseline, "tuned:hpa,limiar=50");
  EXPECT_EQ(b->margin_percent, -5);
  b = ParseBudget("blueprint");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->margin_percent, 0);
  for (const char* bad : {"0", "-3", "hpa+ten%", "hpa+10", "+10%", "hpa+5000%"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<Budget> r = ParseBudget(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("--budget \""));
  }
}

TEST(SweepObjectiveTest, LeastViolationWithinTheBudget) {
  auto point = [](int64_t k, double hours, double violation) {
    PointOutcome o;
    o.point = k;
    o.replica_hours = hours;
    o.slo_violation_s = violation;
    return o;
  };
  const std::vector<PointOutcome> points = {point(0, 10, 50), point(1, 12, 20), point(2, 15, 0),
                                            point(3, 11, 20)};
  EXPECT_EQ(LeastViolationWithin(points, 12), 3u);  // 20 s, and cheaper than point 1
  EXPECT_EQ(LeastViolationWithin(points, 15), 2u);
  EXPECT_EQ(LeastViolationWithin(points, 10), 0u);
  EXPECT_EQ(LeastViolationWithin(points, 9.9), std::nullopt);
  // The baseline's figures fold like a point's: costs add up, the worst latency stands.
  ResourceSummary a, b;
  a.replica_hours = 3;
  a.slo_violation_s = 10;
  a.p95_ms = 80;
  b.replica_hours = 4;
  b.p95_ms = 120;
  b.meets_slo = false;
  const PointOutcome o = OutcomeOf({a, b});
  EXPECT_EQ(o.replica_hours, 7);
  EXPECT_EQ(o.slo_violation_s, 10);
  EXPECT_EQ(o.p95_ms, 120);
  EXPECT_FALSE(o.meets_slo);
}

}  // namespace
}  // namespace limiar::sim
