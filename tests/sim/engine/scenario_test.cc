#include "src/sim/engine/scenario.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/sim/engine/simulation.h"
#include "tests/sim/sim_test_support.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

using testing::FlashSaleBody;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::WebScenario;

TEST(ScenarioTest, BuiltinFlashSaleIsTheECommerceStorefront) {
  const Scenario s = BuiltinFlashSale();
  ASSERT_EQ(s.targets.size(), 1u);
  EXPECT_EQ(s.targets[0].target, "storefront");
  EXPECT_EQ(s.targets[0].traffic.kind, TrafficSpec::Kind::kPoisson);
  ASSERT_EQ(s.targets[0].traffic.of.size(), 1u);
  EXPECT_EQ(s.targets[0].traffic.of[0].peak_multiple, 10);
  EXPECT_EQ(s.slo.latency_percentile, 95);
  EXPECT_EQ(s.duration_s, 3600);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(ScenarioTest, ReadsEveryField) {
  absl::StatusOr<Scenario> s =
      ParseScenario(WebScenario(FlashSaleBody(R"(, "step_s": 0.5, "loop_interval_s": 30,
        "start": "2026-11-27T05:00:00-03:00",
        "metrics": {"scrape_interval_s": 10, "delay_s": 3, "window_s": 30},
        "slo": {"latency_percentile": 99, "latency_ms": 400, "max_drop_rate": 0.01,
                "max_violation_s": 60},
        "price_per_replica_hour": 0.5,
        "events": [{"kind": "metric_outage", "at_s": 700, "duration_s": 60},
                   {"kind": "zone_outage", "at_s": 500, "fraction": 0.5, "target": "web"}])")),
                    "s.json", ".");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->step_s, 0.5);
  EXPECT_EQ(s->loop_interval_s, 30);
  EXPECT_EQ(s->start, absl::FromUnixSeconds(1795766400));
  EXPECT_EQ(*s->metrics.scrape_interval_s, 10);
  EXPECT_EQ(s->metrics.delay_s, 3);
  EXPECT_EQ(s->slo.latency_ms, 400);
  EXPECT_EQ(*s->slo.max_violation_s, 60);
  ASSERT_EQ(s->events.size(), 2u);
  EXPECT_EQ(s->events[0].kind, SimEvent::Kind::kZoneOutage);  // sorted by time
  EXPECT_EQ(s->events[1].duration_s, 60);
  EXPECT_EQ(s->targets[0].startup.kind, StartupDelay::Kind::kUniform);
  EXPECT_EQ(*s->targets[0].service_time_ms, 50);
}

TEST(ScenarioTest, ReportsEveryProblemWithItsPath) {
  absl::StatusOr<Scenario> s = ParseScenario(WebScenario(R"("duraton_s": 60,
    "slo": {"latency_percentile": 90},
    "targets": {"wbe": {"traffic": {"kind": "constant", "rate": 5}},
                "web": {"capacity_rps": -1, "startup_delay_s": "30s"}},
    "events": [{"kind": "zone_outage", "at_s": 10}])"),
                                             "bad.json", ".");
  ASSERT_FALSE(s.ok());
  const std::string m(s.status().message());
  EXPECT_THAT(m, HasSubstr("bad.json: duraton_s: unknown key"));
  EXPECT_THAT(m, HasSubstr("duration_s"));
  EXPECT_THAT(m, HasSubstr("slo.latency_percentile: 90 is not offered"));
  EXPECT_THAT(m, HasSubstr("targets.web: no traffic"));
  EXPECT_THAT(m, HasSubstr("targets.web.capacity_rps"));
  EXPECT_THAT(m, HasSubstr("targets.web.startup_delay_s"));
  EXPECT_THAT(m, HasSubstr("events[0]: no fraction"));
}

// Every object of a scenario answers an unknown key with the nearest one it reads, or with
// the keys it reads (not the blueprint's documentation, which lists none of them).
TEST(ScenarioTest, UnknownKeysNameTheNearestKey) {
  absl::StatusOr<Scenario> s = ParseScenario(WebScenario(FlashSaleBody(R"(,
    "metrics": {"scrape_intervl_s": 10},
    "slo": {"latency_msec": 400},
    "events": [{"kind": "metric_outage", "at_s": 700, "duraton_s": 60}],
    "colour": "red")")),
                                             "bad.json", ".");
  ASSERT_FALSE(s.ok());
  const std::string m(s.status().message());
  EXPECT_THAT(m, HasSubstr("bad.json: metrics.scrape_intervl_s: unknown key; did you mean "
                           "scrape_interval_s?"));
  EXPECT_THAT(m, HasSubstr("bad.json: slo.latency_msec: unknown key; did you mean latency_ms?"));
  EXPECT_THAT(m, HasSubstr("bad.json: events[0].duraton_s: unknown key; did you mean "
                           "duration_s?"));
  EXPECT_THAT(m, HasSubstr("bad.json: colour: unknown key; known keys: name, description, "
                           "blueprint, start,"));
}

TEST(ScenarioTest, NamesTargetsTheBlueprintDoesNotScale) {
  absl::StatusOr<Scenario> s = ParseScenario(
      WebScenario(R"("targets": {"wbe": {"traffic": {"kind": "constant", "rate": 5}}})"), "x.json",
      ".");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(
      s.status().message(),
      HasSubstr("targets.wbe: not a compute that the blueprint autoscales; did you mean web?"));
}

TEST(ScenarioTest, BlueprintErrorsComeFromTheProductionLoader) {
  absl::StatusOr<Scenario> s = ParseScenario(
      WebScenario(R"("targets": {"web": {"traffic": {"kind": "constant", "rate": 5}}})",
                  R"(, "limair": 5)"),
      "x.json", ".");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("limair: unknown key; did you mean limiar?"));
}

TEST(ScenarioTest, EventsAfterTheEndAreRefused) {
  absl::StatusOr<Scenario> s = ParseScenario(
      WebScenario(FlashSaleBody(
          R"(, "events": [{"kind": "actuator_outage", "at_s": 5000, "duration_s": 60}])")),
      "x.json", ".");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("events[0].at_s: after the end of the run"));
}

TEST(ScenarioTest, BlueprintPathIsRelativeToTheScenario) {
  const ::limiar::testing::TestDir tmp;
  const std::filesystem::path& dir = tmp.path();
  std::filesystem::create_directories(dir / "bp");
  std::ofstream(dir / "bp" / "b.json") << R"({"nome": "b", "recursos": [
    {"tipo": "compute", "nome": "api", "config": {"replicas_min": 2, "replicas_max": 4}},
    {"tipo": "autoscale", "nome": "a", "config": {"alvo_recurso_id": "api", "metrica": "cpu",
      "limiar": 70}}]})";
  std::ofstream(dir / "s.json") << R"({"blueprint": "bp/b.json",
    "targets": {"api": {"traffic": {"kind": "constant", "rate": 50}}}})";
  absl::StatusOr<Scenario> s = LoadScenarioFile((dir / "s.json").string());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "s");
  EXPECT_EQ(s->targets[0].target, "api");
  std::ofstream(dir / "missing.json") << R"({"blueprint": "nope.json",
    "targets": {"api": {"traffic": {"kind": "constant", "rate": 50}}}})";
  absl::StatusOr<Scenario> m = LoadScenarioFile((dir / "missing.json").string());
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(),
              HasSubstr("missing.json: blueprint: " + (dir / "nope.json").string() +
                        ": cannot read the blueprint: No such file or directory"));
}

TEST(ScenarioTest, SyntaxErrorsNameLineAndColumn) {
  absl::StatusOr<Scenario> s = ParseScenario("{\n  \"seed\": 1,\n  oops\n}", "x.json", ".");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("x.json:3:"));
}

// ---- Hostile input -------------------------------------------------------------------

// `web`'s traffic: `wrappers` nodes of `kind` around a constant.
std::string NestedTraffic(int wrappers, const std::string& kind = "poisson") {
  const bool sum = kind == "sum";
  std::string traffic;
  for (int i = 0; i < wrappers; ++i) {
    traffic += absl::StrCat(R"({"kind": ")", kind, R"(", "of": )", sum ? "[" : "");
  }
  traffic += R"({"kind": "constant", "rate": 10})";
  for (int i = 0; i < wrappers; ++i) traffic += sum ? "]}" : "}";
  return WebScenario(absl::StrCat(R"("targets": {"web": {"traffic": )", traffic, "}}"));
}

// The issue's case: 5,000 nested poisson nodes crashed `simulate` (stack overflow).
TEST(ScenarioTest, FiveThousandNestedNodesAreRefusedNamingThePathAndTheLimit) {
  absl::StatusOr<Scenario> s = ParseScenario(NestedTraffic(5000), "deep.json", ".");
  ASSERT_FALSE(s.ok());
  const std::string m(s.status().message());
  EXPECT_LT(m.size(), 1000u);
  std::string path = "targets.web.traffic";
  for (int i = 0; i < 37; ++i) path += ".of";  // the 41st level: traffic is at the 4th
  EXPECT_EQ(m, absl::StrCat("deep.json: ", path,
                            ": nested more than 40 levels deep; flatten it: traffic nests 16 "
                            "nodes deep at most"));
}

// The deepest traffic the parser takes, a chain of 16 sums (2 levels each), fits the
// scenario's depth limit.
TEST(ScenarioTest, TheDeepestTrafficAllowedFitsTheDepthLimit) {
  absl::StatusOr<Scenario> s = ParseScenario(NestedTraffic(15, "sum"), "sums.json", ".");
  EXPECT_TRUE(s.ok()) << s.status();
  s = ParseScenario(NestedTraffic(16, "sum"), "sums.json", ".");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("nested more than 16 traffic nodes deep"));
}

// A step of a microsecond over an hour asked for 3.6 billion steps (6 GB at 60 s).
TEST(ScenarioTest, RunsOfMoreThanThirtyTwoMillionStepsAreRefused) {
  absl::StatusOr<Scenario> s =
      ParseScenario(WebScenario(R"("duration_s": 3600, "step_s": 1e-6, "loop_interval_s": 15,
        "targets": {"web": {"traffic": {"kind": "constant", "rate": 5}}})"),
                    "x.json", ".");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "x.json: step_s: 3600 s in steps of 1e-06 s make 3600000000 steps, over the limit of "
            "32000000; use a larger step_s or a shorter duration_s");
  // A year and a day of one-second steps, the longest run, fits; a second more does not.
  EXPECT_TRUE(ParseScenario(WebScenario(R"("duration_s": 31622400,
        "targets": {"web": {"traffic": {"kind": "constant", "rate": 5}}})"),
                            "x.json", ".")
                  .ok());
}

class ScenarioFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(mkfifo(fifo_.c_str(), 0600), 0); }
  limiar::testing::TestDir dir_;
  std::string fifo_ = dir_ / "x.fifo";
};

// /dev/zero never ends and a FIFO's open waits for a writer: `simulate` hung or grew without
// bound.
TEST_F(ScenarioFileTest, FifoDevZeroAndOversizeAreRefusedUnread) {
  EXPECT_EQ(LoadScenarioFile(fifo_).status().message(),
            fifo_ +
                ": cannot read the scenario: not a regular file (a FIFO); give the path of a "
                "scenario file");
  EXPECT_THAT(LoadScenarioFile("/dev/zero").status().message(),
              HasSubstr("/dev/zero: cannot read the scenario: not a regular file"));
  const std::string big = dir_ / "big.json";
  std::ofstream(big).put('{');
  std::filesystem::resize_file(big, (16 << 20) + 1);  // sparse: costs no disk
  EXPECT_EQ(LoadScenarioFile(big).status().message(),
            big +
                ": 16777217 bytes, over the limit of 16777216 bytes for a scenario file; check the "
                "path");
}

TEST_F(ScenarioFileTest, BlueprintAndTracePathsToAFifoAreRefusedUnread) {
  absl::StatusOr<Scenario> bp = ParseScenario(
      absl::StrCat(R"({"blueprint": ")", fifo_,
                   R"(", "targets": {"web": {"traffic": {"kind": "constant", "rate": 5}}}})"),
      "s.json", dir_.path().string());
  ASSERT_FALSE(bp.ok());
  EXPECT_THAT(std::string(bp.status().message()),
              StartsWith("s.json: blueprint: " + fifo_ +
                         ": cannot read the blueprint: not a regular file (a FIFO)"));
  absl::StatusOr<Scenario> trace = ParseScenario(
      WebScenario(R"("targets": {"web": {"traffic": {"kind": "trace", "path": "x.fifo"}}})"),
      "s.json", dir_.path().string());
  ASSERT_FALSE(trace.ok());
  EXPECT_THAT(std::string(trace.status().message()),
              StartsWith("s.json: targets.web.traffic.path: " + fifo_ +
                         ": cannot read the trace: not a regular file (a FIFO)"));
}

// A trace inside another node is reported at its own path when it is read, as a missing
// file is when the scenario is parsed: a broken CSV at its `path`, a trace shorter than the
// run at the trace node.
TEST_F(ScenarioFileTest, ANestedTraceIsReportedAtItsOwnPath) {
  const std::string dir = dir_.path().string();
  const std::string csv = dir_ / "t.csv";
  std::ofstream(csv) << "t_seconds,value\n0,1\n1,1\n";
  absl::StatusOr<Scenario> s =
      ParseScenario(WebScenario(R"("duration_s": 4, "step_s": 1, "loop_interval_s": 1,
        "targets": {"web": {"traffic": {"kind": "poisson",
          "of": {"kind": "trace", "path": "t.csv", "loop": true}}}})"),
                    "s.json", dir);
  ASSERT_TRUE(s.ok()) << s.status();
  std::ofstream(csv) << "t_seconds,value\n0,x\n";
  EXPECT_THAT(std::string(PrepareTraffic(*s).status().message()),
              StartsWith("s.json: targets.web.traffic.of.path: " + csv + ":2: value \"x\""));

  std::ofstream(csv) << "t_seconds,value\n0,1\n1,1\n";
  s = ParseScenario(WebScenario(R"("duration_s": 4, "step_s": 1, "loop_interval_s": 1,
        "targets": {"web": {"traffic": {"kind": "sum", "of": [{"kind": "constant", "rate": 1},
          {"kind": "trace", "path": "t.csv"}]}}})"),
                    "s.json", dir);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(std::string(PrepareTraffic(*s).status().message()),
              StartsWith("s.json: targets.web.traffic.of[1]: " + csv + ": the trace covers 2 s"));
}

}  // namespace
}  // namespace limiar::sim
