#include "src/policy/guarded_policy.h"

#include <gtest/gtest.h>

#include "tests/fakes/scripted_policy.h"
#include "tests/policy/owned_input.h"
#include "tests/support/policy_builders.h"

namespace limiar::policy {
namespace {

using ::limiar::testing::ScriptedPolicy;

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

class GuardedPolicyTest : public ::testing::Test {
 protected:
  GuardedPolicy Make() {
    return GuardedPolicy(config_, std::make_unique<ScriptedPolicy>(&script_));
  }
  // The algorithm proposes `desired` (as proposal and result), with usable metrics or not.
  void Propose(int32_t desired, bool active = true) {
    script_.next = Recommendation{};
    script_.next.desired_replicas = desired;
    script_.next.proposed_replicas = desired;
    script_.next.reason = "DesiredWithinRange";
    script_.next.scaling_active = active;
  }
  static OwnedInput At(absl::Time now, int32_t current) {
    OwnedInput in;
    in.now = now;
    in.current_replicas = current;
    in.ready_replicas = current;
    return in;
  }

  TargetPolicy config_ = testing::RequestsPolicy(2, 10);
  ScriptedPolicy::Shared script_;
};

TEST_F(GuardedPolicyTest, PassesThroughWhenNothingIsConfigured) {
  GuardedPolicy p = Make();
  Propose(7);
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 7);
  EXPECT_EQ(r->reason, "DesiredWithinRange");
  ASSERT_EQ(script_.seen.size(), 1u);
  EXPECT_EQ(script_.seen[0].min_replicas, 2);
  EXPECT_EQ(script_.seen[0].max_replicas, 10);
}

TEST_F(GuardedPolicyTest, ScheduleNarrowsBoundsAndExplainsTheFloor) {
  config_.schedules.push_back({"black-friday", kT0, absl::Hours(6), 8, {}});
  GuardedPolicy p = Make();
  Propose(8);
  script_.next.proposed_replicas = 3;  // the metric alone wanted 3
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Hours(1), 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(script_.seen[0].min_replicas, 8);
  EXPECT_EQ(r->reason, "ScheduleFloor");
  EXPECT_NE(r->message.find("black-friday"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("2026-11-27T14:00:00Z"), std::string::npos) << r->message;
}

// A recurring window's decision names the end of the window it is in, not of the first.
TEST_F(GuardedPolicyTest, ARecurringScheduleNamesTheEndOfItsCurrentWindow) {
  Schedule s{"weekday-mornings", absl::InfinitePast(), absl::Hours(4), 8, {}};
  s.cron = *ParseCron("0 8 * * 1-5");
  s.time_zone_name = "America/Sao_Paulo";
  ASSERT_TRUE(absl::LoadTimeZone(s.time_zone_name, &s.time_zone));
  config_.schedules.push_back(s);
  GuardedPolicy p = Make();
  Propose(8);
  script_.next.proposed_replicas = 3;
  // Tuesday 2026-12-08, 09:00 in Sao Paulo (12:00Z).
  absl::StatusOr<Recommendation> r = p.Recommend(At(absl::FromUnixSeconds(1796731200), 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, "ScheduleFloor");
  EXPECT_EQ(r->message,
            "schedule \"weekday-mornings\" holds at least 8 replicas until 2026-12-08T15:00:00Z");
}

TEST_F(GuardedPolicyTest, MissingMetricsNeverScaleDown) {
  GuardedPolicy p = Make();
  Propose(2, /*active=*/false);
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0, 6));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 6);
  EXPECT_EQ(r->reason, "MetricsUnavailable");
}

TEST_F(GuardedPolicyTest, MissingMetricsStillObeyTheCeiling) {
  GuardedPolicy p = Make();
  Propose(10, /*active=*/false);
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0, 12));  // above max 10
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 10);
}

// Counts agree with their nouns: "holding 1 replica", not "1 replicas".
TEST_F(GuardedPolicyTest, OneReplicaIsOneReplica) {
  config_.min_replicas = 1;
  config_.fallback = Fallback{2, 1, FallbackBehavior::kStatic};
  config_.schedules.push_back({"night", kT0, absl::Hours(6), {}, 1});
  GuardedPolicy p = Make();
  Propose(0, /*active=*/false);
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message, "no usable metric; holding 1 replica (missing metrics never scale down)");
  Propose(1, /*active=*/false);
  r = p.Recommend(At(kT0 + absl::Seconds(15), 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, "Fallback");
  EXPECT_EQ(r->message,
            "2 consecutive evaluations without a usable metric (threshold 2); fallback static -> "
            "1 replica");
  Propose(1);
  script_.next.proposed_replicas = 4;
  r = p.Recommend(At(kT0 + absl::Seconds(30), 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, "ScheduleCeiling");
  EXPECT_EQ(r->message,
            "schedule \"night\" caps the count at 1 replica until 2026-11-27T14:00:00Z");
}

TEST_F(GuardedPolicyTest, FallbackAfterThresholdThenRecovers) {
  config_.fallback = Fallback{3, 6, FallbackBehavior::kStatic};
  GuardedPolicy p = Make();
  Propose(4, /*active=*/false);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Seconds(15 * i), 4));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->desired_replicas, 4) << i;
    EXPECT_NE(r->reason, "Fallback");
  }
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Seconds(30), 4));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 6);
  EXPECT_EQ(r->reason, "Fallback");
  EXPECT_EQ(p.consecutive_failures(), 3);

  Propose(5, /*active=*/true);
  r = p.Recommend(At(kT0 + absl::Seconds(45), 6));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 5);
  EXPECT_EQ(p.consecutive_failures(), 0);
}

TEST_F(GuardedPolicyTest, FallbackBehaviours) {
  struct Case {
    FallbackBehavior behavior;
    int32_t current;
    int32_t want;
  };
  for (const Case& c :
       {Case{FallbackBehavior::kStatic, 4, 6}, Case{FallbackBehavior::kCurrentReplicas, 4, 4},
        Case{FallbackBehavior::kIfHigher, 8, 8}, Case{FallbackBehavior::kIfHigher, 4, 6},
        Case{FallbackBehavior::kIfLower, 8, 6}, Case{FallbackBehavior::kIfLower, 4, 4}}) {
    config_.fallback = Fallback{1, 6, c.behavior};
    GuardedPolicy p = Make();
    Propose(c.current, /*active=*/false);
    absl::StatusOr<Recommendation> r = p.Recommend(At(kT0, c.current));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->desired_replicas, c.want) << FallbackBehaviorName(c.behavior) << " " << c.current;
  }
}

TEST_F(GuardedPolicyTest, ScaleUpCooldownHoldsThenReleases) {
  config_.cooldown_up = absl::Seconds(60);
  GuardedPolicy p = Make();
  p.RecordScale(kT0, 2, 4);
  EXPECT_EQ(script_.scales.size(), 1u);  // forwarded to the algorithm
  Propose(6);
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Seconds(45), 4));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 4);
  EXPECT_EQ(r->reason, "CooldownUp");
  EXPECT_NE(r->message.find("60s scale-up cooldown"), std::string::npos) << r->message;
  r = p.Recommend(At(kT0 + absl::Seconds(60), 4));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 6);
}

TEST_F(GuardedPolicyTest, CooldownsArePerDirection) {
  config_.cooldown_up = absl::Seconds(60);
  config_.cooldown_down = absl::Seconds(600);
  GuardedPolicy p = Make();
  p.RecordScale(kT0, 2, 6);
  Propose(3);  // a scale-down right after a scale-up is not held by the up cooldown
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Seconds(15), 6));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 3);
  p.RecordScale(kT0 + absl::Seconds(15), 6, 3);
  Propose(2);
  r = p.Recommend(At(kT0 + absl::Seconds(300), 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 3);
  EXPECT_EQ(r->reason, "CooldownDown");
}

TEST_F(GuardedPolicyTest, CooldownNeverKeepsTheTargetBelowAScheduleFloor) {
  config_.cooldown_up = absl::Seconds(600);
  config_.schedules.push_back({"sale", kT0 + absl::Seconds(30), absl::Hours(1), 8, {}});
  GuardedPolicy p = Make();
  p.RecordScale(kT0, 2, 3);
  Propose(8);
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Seconds(30), 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 8);
}

}  // namespace
}  // namespace limiar::policy

namespace limiar::policy {
namespace {

TEST_F(GuardedPolicyTest, FloorIsTheReasonWhenTheTargetWasBelowIt) {
  config_.schedules.push_back({"black-friday", kT0, absl::Hours(6), 8, {}});
  GuardedPolicy p = Make();
  Propose(8);
  script_.next.reason = "TooFewReplicas";
  script_.next.proposed_replicas = 12;  // the metrics want more, but the jump is the floor's
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, "ScheduleFloor");
}

}  // namespace
}  // namespace limiar::policy

namespace limiar::policy {
namespace {

TEST_F(GuardedPolicyTest, CeilingIsTheReasonWhenItCapsTheMetrics) {
  config_.schedules.push_back({"night", kT0, absl::Hours(8), {}, 4});
  GuardedPolicy p = Make();
  Propose(4);
  script_.next.proposed_replicas = 9;  // the metrics want more than the night allows
  absl::StatusOr<Recommendation> r = p.Recommend(At(kT0 + absl::Hours(1), 4));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(script_.seen[0].max_replicas, 4);
  EXPECT_EQ(r->reason, "ScheduleCeiling");
  EXPECT_EQ(r->message,
            "schedule \"night\" caps the count at 4 replicas until 2026-11-27T16:00:00Z");
}

}  // namespace
}  // namespace limiar::policy
