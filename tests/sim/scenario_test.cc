#include "src/sim/scenario.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_test_support.h"

namespace limiar::sim {
namespace {

using testing::FlashSaleBody;
using ::testing::HasSubstr;
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
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("limiar_scenario_test_" + std::to_string(getpid()));
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
  EXPECT_THAT(m.status().message(), HasSubstr("blueprint: cannot read the blueprint"));
  std::filesystem::remove_all(dir);
}

TEST(ScenarioTest, SyntaxErrorsNameLineAndColumn) {
  absl::StatusOr<Scenario> s = ParseScenario("{\n  \"seed\": 1,\n  oops\n}", "x.json", ".");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("x.json:3:"));
}

}  // namespace
}  // namespace limiar::sim
