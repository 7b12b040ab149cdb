#include "src/policy/forecast_floor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "src/policy/guarded_policy.h"
#include "src/policy/policy_factory.h"
#include "tests/fakes/scripted_policy.h"
#include "tests/policy/owned_input.h"
#include "tests/support/policy_builders.h"

namespace limiar::policy {
namespace {

using ::limiar::testing::ScriptedPolicy;

// Midnight UTC, so that minute and day boundaries fall where the test expects them.
const absl::Time kT0 = absl::FromUnixSeconds(1795737600);
constexpr absl::Duration kTick = absl::Seconds(15);

using Load = std::function<double(absl::Time)>;

// A quiet day (200 requests/s) with a flash crowd at 20:00-20:30 (2,000 requests/s): what a
// reactive policy meets late every evening and a seasonal forecaster sees coming.
double EveningFlash(absl::Time t) {
  const absl::Duration of_day = (t - kT0) - absl::Floor(t - kT0, absl::Hours(24));
  return of_day >= absl::Hours(20) && of_day < absl::Hours(20) + absl::Minutes(30) ? 2000 : 200;
}

OwnedInput At(absl::Time now, int32_t current, std::optional<double> load) {
  OwnedInput in;
  in.now = now;
  in.current_replicas = current;
  in.ready_replicas = current;
  MetricObservation m;
  m.metric = MetricType::kRequests;
  m.whole_target_value = load;
  in.Add(m);
  return in;
}

class ForecastFloorTest : public ::testing::Test {
 protected:
  ForecastFloorTest() {
    config_ = testing::RequestsPolicy(2, 40);  // 65 % of 100 requests/s per replica
    Forecasting f;
    f.forecaster = "seasonal_naive_daily";
    f.horizon = absl::Seconds(120);
    f.margin_percent = 0;
    config_.forecasting = f;
  }
  GuardedPolicy Make() {
    return GuardedPolicy(config_, std::make_unique<ScriptedPolicy>(&script_));
  }
  // The reactive algorithm always asks for `reactive`; runs every tick in [from, to) at
  // `current` replicas and returns the last recommendation.
  Recommendation Run(GuardedPolicy& p, absl::Time from, absl::Time to, const Load& load,
                     int32_t reactive = 3, int32_t current = 3) {
    script_.next = Recommendation{};
    script_.next.desired_replicas = script_.next.proposed_replicas = reactive;
    script_.next.reason = "DesiredWithinRange";
    Recommendation last;
    for (absl::Time t = from; t < to; t += kTick) {
      absl::StatusOr<Recommendation> r = p.Recommend(At(t, current, load(t)));
      EXPECT_TRUE(r.ok());
      last = *r;
    }
    script_.seen.clear();
    return last;
  }

  TargetPolicy config_;
  ScriptedPolicy::Shared script_;
};

TEST_F(ForecastFloorTest, TooLittleHistorySaysWhyAndLeavesTheReactiveCountAlone) {
  GuardedPolicy p = Make();
  Recommendation r = Run(p, kT0, kT0 + absl::Hours(3), EveningFlash);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason, "DesiredWithinRange");
  ASSERT_TRUE(r.forecast.has_value());
  EXPECT_FALSE(r.forecast->ready);
  EXPECT_NE(r.forecast->why_not.find("needs one period of history (1440 steps)"), std::string::npos)
      << r.forecast->why_not;
  EXPECT_EQ(ForecastSentence(*r.forecast).rfind("forecast: not yet (", 0), 0u);
}

TEST_F(ForecastFloorTest, AFloorRaisesTheCountBeforeTheCrowdThatCameYesterday) {
  GuardedPolicy p = Make();
  const absl::Time evening = kT0 + absl::Hours(24 + 20);
  // Two minutes before the flash, with the horizon of 120 s, the forecast sees it.
  Recommendation r = Run(p, kT0, evening - absl::Seconds(105), EveningFlash);
  ASSERT_TRUE(r.forecast && r.forecast->ready);
  EXPECT_EQ(r.forecast->forecaster, "seasonal_naive_daily");
  EXPECT_DOUBLE_EQ(r.forecast->load, 2000);
  // 2,000 requests/s at 65 requests/s per replica: 31 replicas.
  EXPECT_EQ(r.forecast->floor, 31);
  EXPECT_TRUE(r.forecast->applied);
  EXPECT_EQ(r.desired_replicas, 31);
  EXPECT_EQ(r.reason, "ForecastFloor");
  EXPECT_EQ(r.message, "forecast: 2,000 requests/s within 120s (seasonal_naive_daily); floor 31");
  // An hour earlier the forecast asks for 4 (200 / 65): the reactive 3 is below it.
  GuardedPolicy q = Make();
  Recommendation quiet = Run(q, kT0, evening - absl::Hours(1), EveningFlash);
  EXPECT_EQ(quiet.forecast->floor, 4);
}

TEST_F(ForecastFloorTest, AForecastNeverScalesIn) {
  GuardedPolicy p = Make();
  // The reactive count (20) is above what the quiet forecast asks (4): it stays.
  Recommendation r = Run(p, kT0, kT0 + absl::Hours(30), EveningFlash, /*reactive=*/20,
                         /*current=*/20);
  ASSERT_TRUE(r.forecast && r.forecast->ready);
  EXPECT_EQ(r.forecast->floor, 4);
  EXPECT_FALSE(r.forecast->applied);
  EXPECT_EQ(r.desired_replicas, 20);
  EXPECT_EQ(r.reason, "DesiredWithinRange");
}

TEST_F(ForecastFloorTest, ForecastOnlyReportsTheFloorItWouldSetAndActsOnNothing) {
  config_.forecasting->mode = ForecastMode::kForecastOnly;
  GuardedPolicy p = Make();
  const absl::Time evening = kT0 + absl::Hours(24 + 20);
  Recommendation r = Run(p, kT0, evening - absl::Seconds(105), EveningFlash);
  ASSERT_TRUE(r.forecast && r.forecast->ready);
  EXPECT_EQ(r.forecast->floor, 31);
  EXPECT_FALSE(r.forecast->applied);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(ForecastSentence(*r.forecast),
            "forecast: 2,000 requests/s within 120s (seasonal_naive_daily); would set floor 31");
}

TEST_F(ForecastFloorTest, TheFloorStaysWithinTheBoundsAndAddsTheMargin) {
  config_.max_replicas = 20;
  config_.forecasting->margin_percent = 10;
  GuardedPolicy p = Make();
  Recommendation r = Run(p, kT0, kT0 + absl::Hours(24 + 20) - absl::Seconds(105), EveningFlash);
  EXPECT_EQ(r.forecast->floor, 20);  // 2,200 / 65 = 34, capped
  GuardedPolicy q = Make();
  r = Run(q, kT0, kT0 + absl::Hours(30), EveningFlash);
  EXPECT_EQ(r.forecast->floor, 4);  // 220 / 65 = 3.4
}

// A floor is held as the HPA holds its recommendations (300 s by default), so that the count
// does not drop the minute the forecast does.
TEST_F(ForecastFloorTest, AFloorIsHeldForTheScaleDownStabilization) {
  GuardedPolicy p = Make();
  const absl::Time crowd_end = kT0 + absl::Hours(24 + 20) + absl::Minutes(30);
  // The last tick that sees the crowd's last minute (20:29) ahead is 20:28:45.
  Recommendation r = Run(p, kT0, crowd_end + absl::Minutes(4), EveningFlash);
  EXPECT_EQ(r.forecast->floor, 31);
  r = Run(p, crowd_end + absl::Minutes(4), crowd_end + absl::Minutes(6), EveningFlash);
  EXPECT_EQ(r.forecast->floor, 4);
  EXPECT_EQ(ScaleDownHold(config_), absl::Seconds(300));
  config_.algorithm = Algorithm::kKpa;
  config_.kpa.scale_down_delay = absl::Minutes(10);
  EXPECT_EQ(ScaleDownHold(config_), absl::Minutes(10));
}

TEST_F(ForecastFloorTest, TheErrorRatioComparesEachMinuteWithItsForecast) {
  GuardedPolicy p = Make();
  // Day 2 repeats day 1 exactly: the seasonal naive forecaster makes no error.
  Recommendation r = Run(p, kT0, kT0 + absl::Hours(30), EveningFlash);
  ASSERT_TRUE(r.forecast->error_ratio.has_value());
  EXPECT_DOUBLE_EQ(*r.forecast->error_ratio, 0);
  // Day 3 is twice day 2 all day long: each minute's forecast is half the actual value.
  auto doubled = [](absl::Time t) {
    return t >= kT0 + absl::Hours(48) ? 2 * EveningFlash(t) : EveningFlash(t);
  };
  r = Run(p, kT0 + absl::Hours(30), kT0 + absl::Hours(50), doubled);
  EXPECT_NEAR(*r.forecast->error_ratio, 0.5, 1e-9);
}

TEST_F(ForecastFloorTest, HistorySurvivesARestartAndAGapIsFilledFromTheDayBefore) {
  GuardedPolicy p = Make();
  Run(p, kT0, kT0 + absl::Hours(26), EveningFlash);
  PolicyState saved;
  p.SaveState(saved);
  ASSERT_EQ(saved.load_history.size(), 1u);
  EXPECT_EQ(saved.load_history[0].minutes.size(), 26u * 60 - 1);  // the open minute is not kept
  EXPECT_EQ(saved.load_history[0].last_minute, kT0 + absl::Hours(26) - absl::Minutes(2));

  // A restart an hour later: the missing hour is filled and the floor is there at once.
  GuardedPolicy restarted = Make();
  restarted.RestoreState(saved);
  const absl::Time evening = kT0 + absl::Hours(24 + 20);
  Recommendation r =
      Run(restarted, kT0 + absl::Hours(27), evening - absl::Seconds(105), EveningFlash);
  EXPECT_EQ(r.forecast->floor, 31);
  PolicyState again;
  restarted.SaveState(again);
  EXPECT_EQ(again.load_history[0].last_minute, evening - absl::Seconds(105) - absl::Seconds(75));
}

TEST_F(ForecastFloorTest, HistoryIsBoundedByTheDaysKept) {
  config_.forecasting->history = absl::Hours(24);
  GuardedPolicy p = Make();
  Run(p, kT0, kT0 + absl::Hours(24 * 3), EveningFlash);
  PolicyState saved;
  p.SaveState(saved);
  EXPECT_EQ(saved.load_history[0].minutes.size(), 1440u);
}

TEST_F(ForecastFloorTest, AGapLongerThanTheHistoryStartsAfresh) {
  config_.forecasting->history = absl::Hours(24);
  GuardedPolicy p = Make();
  Run(p, kT0, kT0 + absl::Hours(25), EveningFlash);
  Recommendation r = Run(p, kT0 + absl::Hours(60), kT0 + absl::Hours(61), EveningFlash);
  EXPECT_FALSE(r.forecast->ready);
  PolicyState saved;
  p.SaveState(saved);
  EXPECT_LT(saved.load_history[0].minutes.size(), 60u);
}

// A PromQL answer may be NaN or Inf: such a load is no load, and never reaches the history
// (a NaN there would make every forecast, and the replica count cast from it, undefined).
TEST_F(ForecastFloorTest, NonFiniteLoadsAreIgnored) {
  GuardedPolicy p = Make();
  auto poisoned = [](absl::Time t) {
    const absl::Duration of_day = (t - kT0) - absl::Floor(t - kT0, absl::Hours(24));
    if (of_day >= absl::Hours(3) && of_day < absl::Hours(4)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (of_day >= absl::Hours(5) && of_day < absl::Hours(5) + absl::Minutes(10)) {
      return std::numeric_limits<double>::infinity();
    }
    return EveningFlash(t);
  };
  Recommendation r = Run(p, kT0, kT0 + absl::Hours(24 + 20) - absl::Seconds(105), poisoned);
  ASSERT_TRUE(r.forecast && r.forecast->ready);
  EXPECT_EQ(r.forecast->floor, 31);
  PolicyState saved;
  p.SaveState(saved);
  for (double v : saved.load_history[0].minutes) ASSERT_TRUE(std::isfinite(v));
}

// A clock stepped back (NTP, a restored VM) must neither hang the evaluation nor forecast
// from a future it has already recorded.
TEST_F(ForecastFloorTest, AClockSetBackIsSurvived) {
  GuardedPolicy p = Make();
  Run(p, kT0, kT0 + absl::Hours(30), EveningFlash);
  Recommendation r =
      Run(p, kT0 + absl::Hours(27), kT0 + absl::Hours(27) + absl::Minutes(1), EveningFlash);
  ASSERT_TRUE(r.forecast && r.forecast->ready);
  EXPECT_EQ(r.forecast->floor, 4);
  PolicyState saved;
  p.SaveState(saved);
  EXPECT_EQ(saved.load_history[0].last_minute, kT0 + absl::Hours(30) - absl::Minutes(2));
}

TEST(ObservedLoadTest, WholeTargetThenWindowedTotalThenTheSumOfSamples) {
  MetricObservation m = testing::ReadyReplicas(MetricType::kRequests, 3, 50, kT0, kT0);
  m.replicas[1].value.reset();  // missing: adds nothing
  EXPECT_EQ(ObservedLoad(m), 100);
  m.stable_total = 140;
  EXPECT_EQ(ObservedLoad(m), 140);
  m.whole_target_value = 150;
  EXPECT_EQ(ObservedLoad(m), 150);
  m.error = absl::UnavailableError("scrape failed");
  EXPECT_EQ(ObservedLoad(m), std::nullopt);
  EXPECT_EQ(ObservedLoad(MetricObservation{}), std::nullopt);
}

// No look-ahead: two runs through the real HPA that see the same demand until `cut` and
// different demand after it make the same decisions until `cut`.
TEST(ForecastNoLookAheadTest, DemandAfterACutChangesNoDecisionBeforeIt) {
  TargetPolicy config = testing::RequestsPolicy(2, 60);
  config.forecasting = Forecasting{};  // auto
  const absl::Time cut = kT0 + absl::Hours(24 * 3 + 19) + absl::Seconds(7);
  auto decisions = [&](const Load& load) {
    absl::StatusOr<std::unique_ptr<Policy>> p = CreatePolicy(config);
    EXPECT_TRUE(p.ok());
    std::vector<std::pair<int32_t, std::string>> out;
    int32_t current = 2;
    for (absl::Time t = kT0; t < cut + absl::Hours(2); t += absl::Seconds(30)) {
      absl::StatusOr<Recommendation> r = (*p)->Recommend(At(t, current, load(t)));
      EXPECT_TRUE(r.ok());
      if (t < cut) out.emplace_back(r->desired_replicas, r->message);
      if (r->desired_replicas != current) (*p)->RecordScale(t, current, r->desired_replicas);
      current = r->desired_replicas;
    }
    return out;
  };
  const auto same = decisions(EveningFlash);
  const auto changed =
      decisions([&](absl::Time t) { return t < cut ? EveningFlash(t) : 5 * EveningFlash(t); });
  ASSERT_EQ(same.size(), changed.size());
  size_t floors = 0;
  for (size_t i = 0; i < same.size(); ++i) {
    ASSERT_EQ(same[i], changed[i]) << "decision " << i;
    if (same[i].second.rfind("forecast:", 0) == 0) ++floors;
  }
  EXPECT_GT(floors, 0u);  // the forecast did set counts before the cut
}

}  // namespace
}  // namespace limiar::policy
