#include "src/policy/schedule_bounds.h"

#include <gtest/gtest.h>

namespace limiar::policy {
namespace {

const absl::Time kSale = absl::FromUnixSeconds(1795766400);  // 2026-11-27T08:00:00Z

TargetPolicy WithSchedules(std::vector<Schedule> schedules) {
  TargetPolicy t;
  t.target = "storefront";
  t.min_replicas = 2;
  t.max_replicas = 30;
  t.schedules = std::move(schedules);
  return t;
}

TEST(ScheduleBoundsTest, NoScheduleGivesConfigBounds) {
  const EffectiveBounds b = BoundsAt(WithSchedules({}), kSale);
  EXPECT_EQ(b.min_replicas, 2);
  EXPECT_EQ(b.max_replicas, 30);
  EXPECT_EQ(b.floor_schedule, nullptr);
}

TEST(ScheduleBoundsTest, FloorAppliesOnHalfOpenWindow) {
  const TargetPolicy t = WithSchedules({{"black-friday", kSale, absl::Hours(6), 20, {}}});
  EXPECT_EQ(BoundsAt(t, kSale - absl::Seconds(1)).min_replicas, 2);
  EXPECT_EQ(BoundsAt(t, kSale).min_replicas, 20);
  EXPECT_EQ(BoundsAt(t, kSale).floor_schedule->name, "black-friday");
  EXPECT_EQ(BoundsAt(t, kSale + absl::Hours(6) - absl::Seconds(1)).min_replicas, 20);
  EXPECT_EQ(BoundsAt(t, kSale + absl::Hours(6)).min_replicas, 2);
}

TEST(ScheduleBoundsTest, HighestFloorAndLowestCeilingWin) {
  const TargetPolicy t = WithSchedules({{"a", kSale, absl::Hours(2), 10, 25},
                                        {"b", kSale, absl::Hours(1), 15, 28},
                                        {"night", kSale, absl::Hours(3), {}, 22}});
  const EffectiveBounds b = BoundsAt(t, kSale + absl::Minutes(30));
  EXPECT_EQ(b.min_replicas, 15);
  EXPECT_EQ(b.floor_schedule->name, "b");
  EXPECT_EQ(b.max_replicas, 22);
  EXPECT_EQ(b.ceiling_schedule->name, "night");
}

TEST(ScheduleBoundsTest, FloorBeatsConflictingCeiling) {
  const TargetPolicy t = WithSchedules(
      {{"sale", kSale, absl::Hours(1), 20, {}}, {"cap", kSale, absl::Hours(1), {}, 5}});
  const EffectiveBounds b = BoundsAt(t, kSale);
  EXPECT_EQ(b.min_replicas, 20);
  EXPECT_EQ(b.max_replicas, 20);
  EXPECT_EQ(b.ceiling_schedule, nullptr);
}

// A recurring schedule: weekday mornings in Sao Paulo (UTC-3), its floor until the end of
// the current window.
TEST(ScheduleBoundsTest, ACronScheduleOpensAWindowAtEachMatch) {
  Schedule s{"weekday-mornings", absl::InfinitePast(), absl::Hours(4), 12, {}};
  s.cron = *ParseCron("0 8 * * 1-5");
  s.time_zone_name = "America/Sao_Paulo";
  ASSERT_TRUE(absl::LoadTimeZone(s.time_zone_name, &s.time_zone));
  // The fixed window keeps working beside it.
  const TargetPolicy t = WithSchedules({s, {"black-friday", kSale, absl::Hours(6), 20, {}}});
  // Monday 2026-12-07: 08:00 local is 11:00Z.
  const absl::Time monday_8 = absl::FromUnixSeconds(1796641200);
  EXPECT_EQ(BoundsAt(t, monday_8 - absl::Minutes(1)).min_replicas, 2);
  const EffectiveBounds b = BoundsAt(t, monday_8 + absl::Hours(1));
  EXPECT_EQ(b.min_replicas, 12);
  EXPECT_EQ(b.floor_schedule->name, "weekday-mornings");
  EXPECT_EQ(b.floor_until, monday_8 + absl::Hours(4));
  EXPECT_EQ(BoundsAt(t, monday_8 + absl::Hours(4)).min_replicas, 2);
  EXPECT_EQ(BoundsAt(t, monday_8 + absl::Hours(24) + absl::Minutes(5)).min_replicas, 12);
  EXPECT_EQ(BoundsAt(t, monday_8 + absl::Hours(24 * 5) + absl::Minutes(5)).min_replicas,
            2);  // Saturday
  EXPECT_EQ(BoundsAt(t, kSale + absl::Hours(1)).min_replicas, 20);
}

// What a policy remembers between evaluations (RecurringWindows) changes no bound: a week
// of evaluations every 7 minutes, each compared with the stateless answer.
TEST(ScheduleBoundsTest, RememberedWindowsGiveTheSameBounds) {
  Schedule s{"weekday-mornings", absl::InfinitePast(), absl::Hours(4), 12, {}};
  s.cron = *ParseCron("0 8 * * 1-5");
  s.time_zone_name = "America/Sao_Paulo";
  ASSERT_TRUE(absl::LoadTimeZone(s.time_zone_name, &s.time_zone));
  Schedule cap{"night-cap", absl::InfinitePast(), absl::Hours(6), {}, 3};
  cap.cron = *ParseCron("0 0 * * *");
  cap.time_zone = absl::UTCTimeZone();
  const TargetPolicy t = WithSchedules({s, cap});
  RecurringWindows windows;
  const absl::Time monday_8 = absl::FromUnixSeconds(1796641200);
  int in_window = 0;
  for (absl::Time now = monday_8 - absl::Hours(1); now < monday_8 + absl::Hours(24 * 6);
       now += absl::Minutes(7)) {
    const EffectiveBounds remembered = BoundsAt(t, now, &windows);
    const EffectiveBounds fresh = BoundsAt(t, now);
    ASSERT_EQ(remembered.min_replicas, fresh.min_replicas) << now;
    ASSERT_EQ(remembered.max_replicas, fresh.max_replicas) << now;
    ASSERT_EQ(remembered.floor_until, fresh.floor_until) << now;
    ASSERT_EQ(remembered.ceiling_until, fresh.ceiling_until) << now;
    in_window += fresh.min_replicas == 12 ? 1 : 0;
  }
  EXPECT_GT(in_window, 4 * 30);  // the mornings were in it
}

}  // namespace
}  // namespace limiar::policy
