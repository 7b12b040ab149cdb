#include "src/policy/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace limiar::policy {
namespace {

using ::testing::HasSubstr;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name << ": is tzdata installed?";
  return tz;
}

absl::Time Utc(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

TEST(CronTest, MinuteOfCutsToTheMinuteStart) {
  const absl::Time t0 = Utc("2026-12-07T11:00:00Z");
  EXPECT_EQ(MinuteOf(t0 + absl::Seconds(59.9)), t0);
  EXPECT_EQ(MinuteOf(t0), t0);
  EXPECT_EQ(MinuteOf(t0 - absl::Milliseconds(1)), t0 - absl::Minutes(1));
}

TEST(CronTest, FieldsListsRangesStepsAndNames) {
  absl::StatusOr<CronSpec> c = ParseCron("0,30 8-18/2 * JAN-mar,12 MON-FRI");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->minutes[0] && c->minutes[30] && !c->minutes[15]);
  EXPECT_TRUE(c->hours[8] && c->hours[10] && c->hours[18] && !c->hours[9] && !c->hours[20]);
  EXPECT_TRUE(c->months[1] && c->months[3] && c->months[12] && !c->months[4]);
  EXPECT_TRUE(c->weekdays[1] && c->weekdays[5] && !c->weekdays[0] && !c->weekdays[6]);
  // 2026-12-07 is a Monday.
  EXPECT_TRUE(CronMatches(*c, absl::CivilMinute(2026, 12, 7, 10, 30)));
  EXPECT_FALSE(CronMatches(*c, absl::CivilMinute(2026, 12, 6, 10, 30)));  // Sunday
  EXPECT_FALSE(CronMatches(*c, absl::CivilMinute(2026, 11, 9, 10, 30)));  // November
  // 7 is Sunday, as 0; "5/20" runs from 5 to the end of the field.
  c = ParseCron("5/20 0 * * 7");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->weekdays[0]);
  EXPECT_TRUE(c->minutes[5] && c->minutes[25] && c->minutes[45] && !c->minutes[0]);
  EXPECT_TRUE(CronMatches(*ParseCron("@daily"), absl::CivilMinute(2026, 1, 1, 0, 0)));
  EXPECT_FALSE(CronMatches(*ParseCron("@hourly"), absl::CivilMinute(2026, 1, 1, 3, 1)));
}

// Both day fields restricted: a day matching either matches (cron's rule).
TEST(CronTest, DayOfMonthOrDayOfWeek) {
  const CronSpec c = *ParseCron("0 9 1 * MON");
  EXPECT_TRUE(CronMatches(c, absl::CivilMinute(2026, 12, 1, 9, 0)));   // the 1st, a Tuesday
  EXPECT_TRUE(CronMatches(c, absl::CivilMinute(2026, 12, 14, 9, 0)));  // a Monday
  EXPECT_FALSE(CronMatches(c, absl::CivilMinute(2026, 12, 15, 9, 0)));
}

TEST(CronTest, MistakesNameTheFieldAndWhatItHolds) {
  const struct {
    const char* text;
    const char* error;
  } cases[] = {
      {"0 8 * *", "has 4 fields; a cron expression has five"},
      {"0 25 * * *", "hour 25 is out of range 0-23"},
      {"60 * * * *", "minute 60 is out of range 0-59"},
      {"0 8 0 * *", "day-of-month 0 is out of range 1-31"},
      {"0 8 * 13 *", "month 13 is out of range 1-12"},
      {"0 8 * * 8", "day-of-week 8 is out of range 0-7"},
      {"0 8 * * FUN", "day-of-week \"FUN\" is not a number or a name"},
      {"0 18-8 * * *", "hour range \"18-8\" runs backwards"},
      {"*/0 * * * *", "minute step \"0\" is not a number from 1 to 60"},
      {"0,,5 * * * *", "minute: an empty item"},
      {"@sometimes", "has 1 field;"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<CronSpec> r = ParseCron(c.text);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.error));
  }
}

TEST(CronTest, WindowsFollowTheLocalTime) {
  const CronSpec weekdays_at_8 = *ParseCron("0 8 * * 1-5");
  const absl::TimeZone sp = Zone("America/Sao_Paulo");  // UTC-3, no DST since 2019
  // Monday 2026-12-07 08:00 in Sao Paulo is 11:00Z; a 6 h window.
  EXPECT_EQ(CronWindowStart(weekdays_at_8, sp, absl::Hours(6), Utc("2026-12-07T13:30:00Z")),
            Utc("2026-12-07T11:00:00Z"));
  EXPECT_EQ(CronWindowStart(weekdays_at_8, sp, absl::Hours(6), Utc("2026-12-07T10:59:00Z")),
            std::nullopt);
  EXPECT_EQ(CronWindowStart(weekdays_at_8, sp, absl::Hours(6), Utc("2026-12-07T17:00:00Z")),
            std::nullopt);  // the window is half-open
  // Saturday: no window.
  EXPECT_EQ(CronWindowStart(weekdays_at_8, sp, absl::Hours(6), Utc("2026-12-12T12:00:00Z")),
            std::nullopt);
}

// New York springs forward on 2026-03-08 (02:00 -> 03:00 EDT) and falls back on 2026-11-01
// (02:00 EDT -> 01:00 EST).
TEST(CronTest, DaylightSavingTransitions) {
  const absl::TimeZone ny = Zone("America/New_York");
  // 02:30 does not exist on the spring-forward day: nothing starts then.
  const CronSpec at_0230 = *ParseCron("30 2 * * *");
  EXPECT_EQ(CronWindowStart(at_0230, ny, absl::Hours(1), Utc("2026-03-07T07:45:00Z")),
            Utc("2026-03-07T07:30:00Z"));  // the day before: 02:30 EST
  for (absl::Time t = Utc("2026-03-08T05:00:00Z"); t < Utc("2026-03-08T09:00:00Z");
       t += absl::Minutes(5)) {
    EXPECT_EQ(CronWindowStart(at_0230, ny, absl::Hours(1), t), std::nullopt) << t;
  }
  EXPECT_EQ(CronWindowStart(at_0230, ny, absl::Hours(1), Utc("2026-03-09T06:45:00Z")),
            Utc("2026-03-09T06:30:00Z"));  // the day after: 02:30 EDT
  // 08:00 local moves from 13:00Z to 12:00Z across spring forward.
  const CronSpec at_8 = *ParseCron("0 8 * * *");
  EXPECT_EQ(CronWindowStart(at_8, ny, absl::Hours(2), Utc("2026-03-07T13:30:00Z")),
            Utc("2026-03-07T13:00:00Z"));
  EXPECT_EQ(CronWindowStart(at_8, ny, absl::Hours(2), Utc("2026-03-08T12:30:00Z")),
            Utc("2026-03-08T12:00:00Z"));
  // 01:30 happens twice on the fall-back day: a window starts at each.
  const CronSpec at_0130 = *ParseCron("30 1 * * *");
  EXPECT_EQ(CronWindowStart(at_0130, ny, absl::Minutes(30), Utc("2026-11-01T05:40:00Z")),
            Utc("2026-11-01T05:30:00Z"));  // 01:30 EDT
  EXPECT_EQ(CronWindowStart(at_0130, ny, absl::Minutes(30), Utc("2026-11-01T06:10:00Z")),
            std::nullopt);  // 01:10 EST, between the two
  EXPECT_EQ(CronWindowStart(at_0130, ny, absl::Minutes(30), Utc("2026-11-01T06:40:00Z")),
            Utc("2026-11-01T06:30:00Z"));  // 01:30 EST
}

// The incremental answer (only the minutes since the call before) equals the full look at
// the window, call after call: evaluations seconds to hours apart, across the spring and
// fall transitions of two zones, with windows of minutes to a week, and a clock set back.
TEST(CronTest, LookingOnlyAtTheMinutesSinceTheLastCallGivesTheSameAnswer) {
  const std::vector<const char*> zones{"America/New_York", "America/Sao_Paulo", "UTC"};
  const std::vector<const char*> exprs{"30 1 * * *", "0 8 * * 1-5", "*/20 9-17 * * *", "0 0 1 * *",
                                       "15 2 * 3,11 0"};
  const std::vector<absl::Duration> durations{absl::Minutes(10), absl::Hours(2), absl::Hours(30),
                                              absl::Hours(24 * 7)};
  uint64_t x = 0x9e3779b97f4a7c15;  // xorshift: a fixed, seeded sequence of steps
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  int compared = 0;
  for (const char* zone : zones) {
    const absl::TimeZone tz = Zone(zone);
    for (const char* expr : exprs) {
      const CronSpec spec = *ParseCron(expr);
      for (const absl::Duration d : durations) {
        absl::Time now = Utc("2026-02-27T00:00:00Z");
        absl::Time then = absl::InfiniteFuture();
        std::optional<absl::Time> before;
        for (int i = 0; i < 120; ++i) {
          // Mostly forward by 1 s to 20 h; now and then back by up to an hour.
          const int64_t r = static_cast<int64_t>(next() % 1000);
          now += r < 30 ? -absl::Seconds(r * 120) : absl::Seconds((r * r * 73) % 72000 + 1);
          const std::optional<absl::Time> full = CronWindowStart(spec, tz, d, now);
          before = CronWindowStartSince(spec, tz, d, now, then, before);
          then = now;
          ASSERT_EQ(before, full) << zone << " " << expr << " " << d << " at " << now;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 3 * 5 * 4 * 120);
}

}  // namespace
}  // namespace limiar::policy
