#include "src/policy/hpa/normalization.h"

#include <gtest/gtest.h>

#include <vector>

#include "src/policy/hpa/behavior_defaults.h"

namespace limiar::policy::hpa {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

absl::Time Ago(int seconds) { return kNow - absl::Seconds(seconds); }

RatePolicy Pods(int32_t value, int period_s) {
  return {RatePolicyType::kPods, value, absl::Seconds(period_s)};
}
RatePolicy Percent(int32_t value, int period_s) {
  return {RatePolicyType::kPercent, value, absl::Seconds(period_s)};
}

ScalingRules Rules(std::vector<RatePolicy> policies, SelectPolicy select = SelectPolicy::kMax) {
  ScalingRules r;
  r.stabilization_window = absl::ZeroDuration();
  r.select_policy = select;
  r.policies = std::move(policies);
  return r;
}

std::vector<ScaleEvent> Events(std::vector<std::pair<int32_t, int>> change_age) {
  std::vector<ScaleEvent> out;
  for (const auto& [change, age] : change_age) out.push_back({change, Ago(age)});
  return out;
}

// ---- Legacy ----

struct LegacyClampCase {
  const char* name;
  int32_t current, desired, min, max;
  double factor;
  int32_t want;
  LimitReason reason;
};

class LegacyClampTest : public testing::TestWithParam<LegacyClampCase> {};

TEST_P(LegacyClampTest, Clamps) {
  const LegacyClampCase& c = GetParam();
  const Limited l = ClampLegacy(c.current, c.desired, c.min, c.max, c.factor, 4.0);
  EXPECT_EQ(l.replicas, c.want);
  EXPECT_EQ(l.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LegacyClampTest,
    testing::Values(
        LegacyClampCase{"Within", 5, 7, 3, 8, 2, 7, LimitReason::kDesiredWithinRange},
        LegacyClampCase{"BelowMin", 3, 1, 2, 8, 2, 2, LimitReason::kTooFewReplicas},
        // max(2 * 3, 4) = 6 < max 20: the scale-up limit binds.
        LegacyClampCase{"ScaleUpLimit", 3, 50, 1, 20, 2, 6, LimitReason::kScaleUpLimit},
        // From 1 the minimum 4 applies.
        LegacyClampCase{"ScaleUpMinimum", 1, 50, 1, 20, 2, 4, LimitReason::kScaleUpLimit},
        LegacyClampCase{"MaxBelowLimit", 20, 1000, 1, 10, 8, 10, LimitReason::kTooManyReplicas}),
    [](const testing::TestParamInfo<LegacyClampCase>& info) { return info.param.name; });

TEST(LegacyStabilizationTest, MaxWithinWindowAndSlotReuse) {
  std::vector<TimestampedRecommendation> recs = {
      {10, Ago(600)}, {4, Ago(60)}, {5, Ago(120)}, {9, Ago(540)}};
  EXPECT_EQ(StabilizeLegacy(recs, 3, absl::Seconds(300), kNow), 5);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[3].replicas, 3);  // the last expired slot was overwritten
  EXPECT_EQ(recs[0].replicas, 10);
}

TEST(LegacyStabilizationTest, AgeEqualToWindowIsOutside) {
  std::vector<TimestampedRecommendation> recs = {{9, Ago(300)}};
  EXPECT_EQ(StabilizeLegacy(recs, 3, absl::Seconds(300), kNow), 3);
  recs = {{9, Ago(299)}};
  EXPECT_EQ(StabilizeLegacy(recs, 3, absl::Seconds(300), kNow), 9);
  EXPECT_EQ(recs.size(), 2u);
}

// ---- Behavior stabilization ----

TEST(StabilizationTest, UpUsesMinDownUsesMax) {
  // Scale-up wanted (1 -> 3) but a 2 within the up window: held at 2.
  std::vector<TimestampedRecommendation> recs = {{2, Ago(60)}};
  EXPECT_EQ(StabilizeWithBehavior(recs, 1, 3, absl::Seconds(300), absl::Seconds(300), kNow), 2);
  // Scale-down wanted (5 -> 2) with a 4 within the down window: held at 4.
  recs = {{4, Ago(60)}};
  EXPECT_EQ(StabilizeWithBehavior(recs, 5, 2, absl::ZeroDuration(), absl::Seconds(300), kNow), 4);
  // Never moves against the proposal: current 2, recs 3 and 1 in both windows.
  recs = {{3, Ago(180)}, {1, Ago(60)}};
  EXPECT_EQ(StabilizeWithBehavior(recs, 2, 3, absl::Seconds(300), absl::Seconds(300), kNow), 2);
}

TEST(StabilizationTest, OverwritesOnlyEntriesOutsideBothWindows) {
  std::vector<TimestampedRecommendation> recs = {{10, Ago(600)}, {9, Ago(100)}};
  StabilizeWithBehavior(recs, 100, 3, absl::Seconds(0), absl::Seconds(180), kNow);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].replicas, 3);
  recs = {{9, Ago(100)}};
  StabilizeWithBehavior(recs, 100, 3, absl::Seconds(0), absl::Seconds(180), kNow);
  EXPECT_EQ(recs.size(), 2u);
}

// ---- Rate policies ----

struct RateCase {
  const char* name;
  int32_t current, desired, min, max;
  ScalingRules up, down;
  std::vector<ScaleEvent> up_events, down_events;
  int32_t want;
  LimitReason reason;
};

class RateLimitTest : public testing::TestWithParam<RateCase> {};

TEST_P(RateLimitTest, Limits) {
  const RateCase& c = GetParam();
  const HpaBehavior b{c.up, c.down};
  const Limited l =
      ApplyRateLimits(c.current, c.desired, c.min, c.max, b, c.up_events, c.down_events, kNow);
  EXPECT_EQ(l.replicas, c.want);
  EXPECT_EQ(l.reason, c.reason);
}

const ScalingRules kDefaultUp = DefaultScaleUpRules(std::nullopt);
const ScalingRules kDefaultDown = DefaultScaleDownRules(std::nullopt);

INSTANTIATE_TEST_SUITE_P(
    Table, RateLimitTest,
    testing::Values(
        // Default up: max(10 + 4, 10 * 2) = 20.
        RateCase{"DefaultUp",
                 10,
                 50,
                 1,
                 1000,
                 kDefaultUp,
                 kDefaultDown,
                 {},
                 {},
                 20,
                 LimitReason::kScaleUpLimit},
        // Percent rounds up: ceil(3 * 1.01) = 4.
        RateCase{"PercentRoundsUp",
                 3,
                 1000,
                 1,
                 2000,
                 Rules({Percent(1, 60)}),
                 kDefaultDown,
                 {},
                 {},
                 4,
                 LimitReason::kScaleUpLimit},
        // selectPolicy Min: min(1 + 2, ceil(1.5)) = 2.
        RateCase{"SelectMin",
                 1,
                 10,
                 1,
                 100,
                 Rules({Pods(2, 60), Percent(50, 60)}, SelectPolicy::kMin),
                 kDefaultDown,
                 {},
                 {},
                 2,
                 LimitReason::kScaleUpLimit},
        RateCase{"UpDisabled",
                 5,
                 10,
                 1,
                 100,
                 Rules({Pods(2, 60)}, SelectPolicy::kDisabled),
                 kDefaultDown,
                 {},
                 {},
                 5,
                 LimitReason::kScaleUpLimit},
        // Events within the period shrink the budget: start = 100 - 15, +150 = 235.
        RateCase{"UpWithEvents",
                 100,
                 500,
                 1,
                 1000,
                 Rules({Pods(150, 120)}),
                 kDefaultDown,
                 Events({{1, 100}, {5, 60}, {9, 20}}),
                 {},
                 235,
                 LimitReason::kScaleUpLimit},
        // An event whose age equals the period is outside: start = 100 - 9.
        RateCase{"EventAtPeriodEdge",
                 100,
                 500,
                 1,
                 1000,
                 Rules({Pods(10, 60)}),
                 kDefaultDown,
                 Events({{5, 60}, {9, 20}}),
                 {},
                 101,
                 LimitReason::kScaleUpLimit},
        // Removals in the period count back on a scale-up (newest upstream): 10 + 4 = 14,
        // + 10 = 24.
        RateCase{"UpCountsRemovals", 10, 50, 1, 100, Rules({Pods(10, 60)}), kDefaultDown,
                 Events({{6, 30}}), Events({{10, 30}}), 24, LimitReason::kScaleUpLimit},
        // Spent budget never forces a scale-down: the limit is at least current.
        RateCase{"SpentBudget",
                 10,
                 50,
                 1,
                 100,
                 Rules({Pods(2, 60)}),
                 kDefaultDown,
                 Events({{20, 10}}),
                 {},
                 10,
                 LimitReason::kScaleUpLimit},
        RateCase{"MaxBinds",
                 100,
                 1000,
                 100,
                 150,
                 kDefaultUp,
                 kDefaultDown,
                 {},
                 {},
                 150,
                 LimitReason::kTooManyReplicas},
        // Down, Max select takes the larger change: min(100 - 20, trunc(100 * 0.99)) = 80.
        RateCase{"DownMaxSelect",
                 100,
                 2,
                 1,
                 1000,
                 kDefaultUp,
                 Rules({Pods(20, 60), Percent(1, 60)}),
                 {},
                 {},
                 80,
                 LimitReason::kScaleDownLimit},
        RateCase{"DownMinSelect",
                 100,
                 2,
                 1,
                 1000,
                 kDefaultUp,
                 Rules({Pods(20, 60), Percent(1, 60)}, SelectPolicy::kMin),
                 {},
                 {},
                 99,
                 LimitReason::kScaleDownLimit},
        // start = 10 - 2 + 4 = 12, trunc(12 * 0.5) = 6.
        RateCase{"DownWithBothEvents", 10, 1, 1, 1000, kDefaultUp, Rules({Percent(50, 180)}),
                 Events({{2, 60}}), Events({{4, 60}}), 6, LimitReason::kScaleDownLimit},
        // start = 100 + 12, 112 * 0.5 = 56.
        RateCase{"DownPercentEvents",
                 100,
                 0,
                 1,
                 1000,
                 kDefaultUp,
                 Rules({Percent(50, 120)}),
                 {},
                 Events({{2, 100}, {4, 60}, {6, 20}}),
                 56,
                 LimitReason::kScaleDownLimit},
        RateCase{"DownMinBinds",
                 10,
                 0,
                 1,
                 1000,
                 kDefaultUp,
                 Rules({Pods(100, 60)}),
                 {},
                 {},
                 1,
                 LimitReason::kTooFewReplicas},
        RateCase{"DownDisabled",
                 10,
                 1,
                 1,
                 1000,
                 kDefaultUp,
                 Rules({Pods(100, 60)}, SelectPolicy::kDisabled),
                 {},
                 {},
                 10,
                 LimitReason::kScaleDownLimit},
        RateCase{"NoChange",
                 10,
                 10,
                 1,
                 1000,
                 kDefaultUp,
                 kDefaultDown,
                 {},
                 {},
                 10,
                 LimitReason::kDesiredWithinRange}),
    [](const testing::TestParamInfo<RateCase>& info) { return info.param.name; });

TEST(RateLimitTest, ReportsTheBindingPolicy) {
  const HpaBehavior b{Rules({Pods(4, 15), Percent(100, 15)}), kDefaultDown};
  // From 2: Pods gives 6, Percent 4; Max picks Pods (index 0).
  Limited l = ApplyRateLimits(2, 50, 1, 100, b, {}, {}, kNow);
  EXPECT_EQ(l.replicas, 6);
  EXPECT_EQ(l.policy_index, 0);
  // From 10: Pods 14, Percent 20; Max picks Percent (index 1).
  l = ApplyRateLimits(10, 50, 1, 100, b, {}, {}, kNow);
  EXPECT_EQ(l.replicas, 20);
  EXPECT_EQ(l.policy_index, 1);
}

// ---- Scale events ----

TEST(ScaleEventTest, ChangeInPeriodExcludesTheEdge) {
  const std::vector<ScaleEvent> events = Events({{7, 60}, {6, 59}, {1, 0}});
  EXPECT_EQ(ReplicasChangeInPeriod(absl::Seconds(60), events, kNow), 7);
}

TEST(ScaleEventTest, StoreReusesTheLastOutdatedSlot) {
  std::vector<ScaleEvent> events = Events({{7, 61}, {8, 90}, {6, 59}});
  StoreScaleEvent(Rules({Pods(10, 60)}), events, 5, kNow);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(events[0].outdated);
  EXPECT_EQ(events[1].change, 5);
  EXPECT_FALSE(events[1].outdated);
  EXPECT_EQ(events[2].change, 6);
  // The outdated mark sticks even when a longer period would keep the event: the slot is
  // reused.
  StoreScaleEvent(Rules({Pods(10, 600)}), events, 2, kNow);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].change, 2);
  // Nothing outdated: appended.
  StoreScaleEvent(Rules({Pods(10, 600)}), events, 1, kNow);
  EXPECT_EQ(events.size(), 4u);
}

TEST(ScaleEventTest, RecordNeedsABehaviorAndAChange) {
  std::vector<ScaleEvent> up, down;
  RecordScaleEvent(nullptr, up, down, 3, 5, kNow);
  EXPECT_TRUE(up.empty());
  const HpaBehavior b = DefaultBehavior({});
  RecordScaleEvent(&b, up, down, 3, 3, kNow);
  EXPECT_TRUE(up.empty() && down.empty());
  RecordScaleEvent(&b, up, down, 3, 5, kNow);
  RecordScaleEvent(&b, up, down, 5, 1, kNow);
  ASSERT_EQ(up.size(), 1u);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(up[0].change, 2);
  EXPECT_EQ(down[0].change, 4);
}

// ---- Defaults ----

TEST(BehaviorDefaultsTest, FillsPerField) {
  const ScalingRules up = DefaultScaleUpRules(std::nullopt);
  EXPECT_EQ(up.stabilization_window, absl::ZeroDuration());
  ASSERT_EQ(up.policies.size(), 2u);
  EXPECT_EQ(up.policies[0].type, RatePolicyType::kPods);
  EXPECT_EQ(up.policies[0].value, 4);
  const ScalingRules down = DefaultScaleDownRules(std::nullopt);
  EXPECT_FALSE(down.stabilization_window.has_value());  // the controller flag decides
  ASSERT_EQ(down.policies.size(), 1u);
  EXPECT_EQ(down.policies[0].type, RatePolicyType::kPercent);

  ScalingRulesSpec spec;
  spec.select_policy = SelectPolicy::kMin;
  spec.policies = std::vector<RatePolicy>{Pods(1, 2)};
  const ScalingRules custom = DefaultScaleUpRules(spec);
  EXPECT_EQ(custom.select_policy, SelectPolicy::kMin);
  EXPECT_EQ(custom.stabilization_window, absl::ZeroDuration());
  ASSERT_EQ(custom.policies.size(), 1u);
  EXPECT_EQ(custom.policies[0].period, absl::Seconds(2));
  EXPECT_EQ(ScaleDownWindow(down, absl::Seconds(300)), absl::Seconds(300));
}

}  // namespace
}  // namespace limiar::policy::hpa
