// The forecasting policy (`previsao`) through the simulator, the same code `limiar serve`
// runs: a crowd that comes every evening is met ahead of time from the second evening on; a
// one-off flash sale with no history is not made worse; a season-long run keeps only its
// summary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/engine/simulation.h"
#include "tests/sim/sim_test_support.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

using ::testing::HasSubstr;

Scenario Parse(const std::string& text, const std::string& dir = ".") {
  absl::StatusOr<Scenario> s = ParseScenario(text, "test.json", dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

absl::StatusOr<RunResult> Replay(const Scenario& s, const std::string& policy,
                                 const SimOptions& options = {.record_timeline = false,
                                                              .record_decisions = false}) {
  absl::StatusOr<PreparedTraffic> traffic = PrepareTraffic(s);
  EXPECT_TRUE(traffic.ok()) << traffic.status();
  absl::StatusOr<PolicyVariant> v = ParsePolicyVariant(policy);
  EXPECT_TRUE(v.ok()) << v.status();
  return RunSimulation(s, *traffic, *v, options);
}

// One day, per minute: 200 requests/s, and 2,000 from 20:00 to 20:30.
std::string EveningCrowdTrace() {
  std::string csv = "t_seconds,value\n";
  for (int minute = 0; minute < 1440; ++minute) {
    const bool crowd = minute >= 20 * 60 && minute < 20 * 60 + 30;
    absl::StrAppend(&csv, minute * 60, ",", crowd ? 120000 : 12000, "\n");
  }
  return csv;
}

// Three days of that trace on `web`, replicas taking a minute to start.
std::string ThreeEvenings() {
  return testing::WebScenario(R"("start": "2026-12-01T00:00:00Z", "duration_s": 259200,
    "step_s": 1, "loop_interval_s": 15, "seed": 3,
    "targets": {"web": {"traffic": {"kind": "trace", "path": "evenings.csv", "loop": true},
      "service_time_ms": 50, "initial_replicas": 4, "startup_delay_s": 60,
      "policy": {"replicas_max": 60}}})");
}

TEST(ForecastReplayTest, TheEveningCrowdIsMetAheadFromTheSecondEveningOn) {
  const limiar::testing::TestDir dir;
  limiar::testing::WriteFile(dir.File("evenings.csv"), EveningCrowdTrace());
  const Scenario s = Parse(ThreeEvenings(), dir.path().string());
  absl::StatusOr<RunResult> reactive = Replay(s, "hpa");
  absl::StatusOr<RunResult> ahead =
      Replay(s, R"(ahead:hpa,previsao={"previsor":"seasonal_naive_daily","antecedencia_s":90})");
  ASSERT_TRUE(reactive.ok() && ahead.ok());
  const ResourceSummary& r = reactive->resources[0].summary;
  const ResourceSummary& a = ahead->resources[0].summary;
  // The reactive policy is late every evening; the forecast only on the first, before it
  // has a day of history.
  EXPECT_GT(r.slo_violation_s, 0);
  EXPECT_GT(a.slo_violation_s, 0);
  EXPECT_LT(a.slo_violation_s, 0.5 * r.slo_violation_s)
      << "reactive " << r.slo_violation_s << " s, forecast " << a.slo_violation_s << " s";
  EXPECT_LE(a.dropped, r.dropped);
  // At little cost: the floor is raised for the crowd's half hour, not all day.
  EXPECT_LT(a.replica_hours, 1.1 * r.replica_hours);
}

TEST(ForecastReplayTest, TheFloorIsNamedInTheDecisions) {
  const limiar::testing::TestDir dir;
  limiar::testing::WriteFile(dir.File("evenings.csv"), EveningCrowdTrace());
  const Scenario s = Parse(ThreeEvenings(), dir.path().string());
  // 150 s ahead: the start-up delay (60 s), a tick (15 s) and the metric's lag (its 60 s
  // window): the history holds the load as the metrics saw it, that much late.
  absl::StatusOr<RunResult> ahead =
      Replay(s, R"(ahead:hpa,previsao={"previsor":"seasonal_naive_daily","antecedencia_s":150})",
             {.record_timeline = true, .record_decisions = true});
  ASSERT_TRUE(ahead.ok()) << ahead.status();
  int floors = 0;
  for (const DecisionRecord& d : ahead->resources[0].decisions) {
    if (d.reason != "ForecastFloor") continue;
    ++floors;
    // The load the replicas reported a day before: the crowd as served, backlog included.
    EXPECT_THAT(d.message, ::testing::MatchesRegex("forecast: [0-9,]+ requests/s within 150s "
                                                   "\\(seasonal_naive_daily\\); floor [0-9]+"));
    // Never on the first day: no history yet.
    EXPECT_GE(d.t_s, 86400);
  }
  EXPECT_GT(floors, 0);
  // On the second evening the capacity is ready when the crowd comes at 20:00.
  const ResourceRun& run = ahead->resources[0];
  const TimelineRow& at_crowd = run.timeline.at(86400 + 20 * 3600 + 5);
  EXPECT_GE(at_crowd.capacity_rps, at_crowd.demand_rps);
}

TEST(ForecastReplayTest, AOneOffFlashSaleWithNoHistoryIsNotMadeWorse) {
  const Scenario s = Parse(testing::WebScenario(testing::FlashSaleBody()));
  absl::StatusOr<RunResult> plain = Replay(s, "blueprint");
  absl::StatusOr<RunResult> forecasting = Replay(s, "blueprint,previsao={}");
  ASSERT_TRUE(plain.ok() && forecasting.ok());
  const ResourceSummary& p = plain->resources[0].summary;
  const ResourceSummary& f = forecasting->resources[0].summary;
  EXPECT_EQ(f.slo_violation_s, p.slo_violation_s);
  EXPECT_EQ(f.dropped, p.dropped);
  EXPECT_EQ(f.replica_hours, p.replica_hours);
  EXPECT_EQ(f.scale_ups, p.scale_ups);
}

// Summaries of parts of a run add up to the whole's.
TEST(RunWindowsTest, PartsOfARunAddUpToTheWhole) {
  const Scenario s = Parse(testing::WebScenario(testing::FlashSaleBody()));
  absl::StatusOr<RunResult> r = Replay(
      s, "blueprint",
      {.record_timeline = false, .record_decisions = false, .windows = {{0, 600}, {600, 1200}}});
  ASSERT_TRUE(r.ok()) << r.status();
  const ResourceRun& run = r->resources[0];
  ASSERT_EQ(run.window_summaries.size(), 2u);
  const ResourceSummary& a = run.window_summaries[0];
  const ResourceSummary& b = run.window_summaries[1];
  EXPECT_NEAR(a.replica_hours + b.replica_hours, run.summary.replica_hours, 1e-9);
  EXPECT_NEAR(a.requests + b.requests, run.summary.requests, 1e-6);
  EXPECT_NEAR(a.slo_violation_s + b.slo_violation_s, run.summary.slo_violation_s, 1e-9);
  EXPECT_EQ(a.scale_ups + b.scale_ups, run.summary.scale_ups);
  EXPECT_EQ(a.scale_downs + b.scale_downs, run.summary.scale_downs);
  EXPECT_GT(a.scale_ups, 0);    // the sale starts at 300 s
  EXPECT_GT(b.scale_downs, 0);  // and is over by 900 s
}

TEST(RunWindowsTest, RangesReadWithUnitsAndOpenEnds) {
  absl::StatusOr<TimeRange> r = ParseTimeRange("0:42d", 56 * 86400, "--train");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->to_s, 42 * 86400);
  r = ParseTimeRange("42d:", 56 * 86400, "--test");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->from_s, 42 * 86400);
  EXPECT_EQ(r->to_s, 56 * 86400);
  EXPECT_EQ(DescribeTimeRange(*r), "42d..56d");
  r = ParseTimeRange(":90", 3600, "--test");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(DescribeTimeRange(*r), "0s..90s");
  EXPECT_EQ(DescribeTimeRange(*ParseTimeRange("1.5h:2h", 86400, "--test")), "90m..2h");
  EXPECT_FALSE(ParseTimeRange("-1:5", 3600, "--test").ok());
  EXPECT_FALSE(ParseTimeRange("5:5", 3600, "--test").ok());
}

// A season of one-second steps: the summary in constant memory; a timeline that long is
// refused with what to do.
TEST(ForecastReplayTest, ASeasonRunsForItsSummaryAndATimelineThatLongIsRefused) {
  const Scenario s = Parse(testing::WebScenario(R"("duration_s": 7948800, "step_s": 1,
    "loop_interval_s": 60, "targets": {"web": {"traffic": {"kind": "constant", "rate": 150}}})"));
  absl::StatusOr<RunResult> season = Replay(s, "blueprint");
  ASSERT_TRUE(season.ok()) << season.status();
  EXPECT_TRUE(season->resources[0].timeline.empty());
  // 150 requests/s at 60 per replica: 3 replicas all season.
  EXPECT_NEAR(season->resources[0].summary.replica_hours, 3 * 7948800 / 3600.0, 3);
  absl::StatusOr<RunResult> recorded =
      Replay(s, "blueprint", {.record_timeline = true, .record_decisions = false});
  ASSERT_FALSE(recorded.ok());
  EXPECT_THAT(std::string(recorded.status().message()),
              HasSubstr("a timeline of 7948800 steps is over the limit of 5000000"));
}

}  // namespace
}  // namespace limiar::sim
