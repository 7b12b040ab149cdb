// Cron expressions for recurring schedules (`agendamentos` with `cron` and `fuso`), read as
// KEDA's cron scaler reads them (robfig/cron's standard parser): five fields, minute hour
// day-of-month month day-of-week, each `*`, a value, a range `a-b`, a step `*/n` or `a-b/n`,
// or a list of those; month and weekday names (JAN, MON); 7 is Sunday too; and the
// descriptors @yearly, @monthly, @weekly, @daily (@midnight) and @hourly. When both
// day-of-month and day-of-week are restricted, a day matching either matches (cron's rule).
// Pure: matching takes a local civil minute; the time zone is the caller's.
#ifndef LIMIAR_POLICY_CRON_H_
#define LIMIAR_POLICY_CRON_H_

#include <bitset>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace limiar::policy {

struct CronSpec {
  std::string text;  // as written, for messages and the canonical blueprint
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     // 1..31
  std::bitset<13> months;   // 1..12
  std::bitset<7> weekdays;  // 0 = Sunday
  bool any_day = true;      // day-of-month was `*`
  bool any_weekday = true;  // day-of-week was `*`
};

// Errors name the field and say what it may hold: "hour 25 is out of range 0-23".
absl::StatusOr<CronSpec> ParseCron(absl::string_view text);

bool CronMatches(const CronSpec& spec, absl::CivilMinute local);

// The start of the minute `t` falls in: cron windows and the forecast history
// (load_history.h) both work in whole minutes.
absl::Time MinuteOf(absl::Time t);

// The latest start of a window of `duration` that covers `now`: the latest minute in
// (now - duration, now] whose local time in `tz` matches. Minutes are absolute, so across a
// DST change a local time skipped (spring forward) starts nothing that day and one repeated
// (fall back) starts twice. nullopt when no window covers `now`.
std::optional<absl::Time> CronWindowStart(const CronSpec& spec, const absl::TimeZone& tz,
                                          absl::Duration duration, absl::Time now);

// The same answer, given CronWindowStart's answer `before` at an earlier `then` <= now: only
// the minutes after `then`'s are looked at (one time zone conversion each), where a full
// look at a week-long window converts 10,080. A `now` before `then` looks at them all.
std::optional<absl::Time> CronWindowStartSince(const CronSpec& spec, const absl::TimeZone& tz,
                                               absl::Duration duration, absl::Time now,
                                               absl::Time then, std::optional<absl::Time> before);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_CRON_H_
