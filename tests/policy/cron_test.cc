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

}  // namespace
}  // namespace limiar::policy
