#include "src/policy/cron.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/plural.h"

namespace limiar::policy {
namespace {

struct Field {
  const char* name;
  int lo;
  int hi;
  std::vector<const char*> names;  // names[i] stands for lo + i
};

const Field kMinute{"minute", 0, 59, {}};
const Field kHour{"hour", 0, 23, {}};
const Field kDay{"day-of-month", 1, 31, {}};
const Field kMonth{
    "month",
    1,
    12,
    {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}};
// 7 is Sunday too, as in cron; folded onto 0 below.
const Field kWeekday{"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}};

absl::StatusOr<int> ValueOf(const Field& f, absl::string_view word) {
  const std::string upper = absl::AsciiStrToUpper(word);
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (upper == f.names[i]) return f.lo + static_cast<int>(i);
  }
  int v;
  if (!absl::SimpleAtoi(word, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(f.name, " \"", word, "\" is not a number",
                                                   f.names.empty() ? "" : " or a name"));
  }
  if (v < f.lo || v > f.hi) {
    return absl::InvalidArgumentError(
        absl::StrCat(f.name, " ", v, " is out of range ", f.lo, "-", f.hi));
  }
  return v;
}

// Sets the bits of `field` that `text` names; `any` tells whether it was a plain `*`.
template <size_t N>
absl::Status ParseField(const Field& f, absl::string_view text, std::bitset<N>& bits, bool& any) {
  any = text == "*";
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    if (part.empty()) return absl::InvalidArgumentError(absl::StrCat(f.name, ": an empty item"));
    int step = 1;
    if (const size_t slash = part.find('/'); slash != absl::string_view::npos) {
      if (!absl::SimpleAtoi(part.substr(slash + 1), &step) || step < 1 || step > f.hi + 1) {
        return absl::InvalidArgumentError(absl::StrCat(f.name, " step \"", part.substr(slash + 1),
                                                       "\" is not a number from 1 to ", f.hi + 1));
      }
      part = part.substr(0, slash);
    }
    int lo, hi;
    if (part == "*") {
      lo = f.lo;
      hi = f.hi;
    } else if (const size_t dash = part.find('-'); dash != absl::string_view::npos) {
      absl::StatusOr<int> a = ValueOf(f, part.substr(0, dash));
      if (!a.ok()) return a.status();
      absl::StatusOr<int> b = ValueOf(f, part.substr(dash + 1));
      if (!b.ok()) return b.status();
      if (*a > *b) {
        return absl::InvalidArgumentError(
            absl::StrCat(f.name, " range \"", part, "\" runs backwards; write it low-high"));
      }
      lo = *a;
      hi = *b;
    } else {
      absl::StatusOr<int> a = ValueOf(f, part);
      if (!a.ok()) return a.status();
      lo = *a;
      // "5/15" means from 5 to the end, every 15 (as robfig/cron reads it).
      hi = step > 1 ? f.hi : *a;
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v % static_cast<int>(N)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CronSpec> ParseCron(absl::string_view text) {
  CronSpec spec;
  spec.text = std::string(text);
  absl::string_view expr = absl::StripAsciiWhitespace(text);
  if (expr == "@yearly" || expr == "@annually") expr = "0 0 1 1 *";
  if (expr == "@monthly") expr = "0 0 1 * *";
  if (expr == "@weekly") expr = "0 0 * * 0";
  if (expr == "@daily" || expr == "@midnight") expr = "0 0 * * *";
  if (expr == "@hourly") expr = "0 * * * *";
  const std::vector<absl::string_view> fields = absl::StrSplit(expr, ' ', absl::SkipEmpty());
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" has ", Counted(static_cast<int64_t>(fields.size()), "field"),
                     "; a cron expression has five: minute hour day-of-month month "
                     "day-of-week, e.g. \"0 8 * * 1-5\" (or @daily, @hourly, ...)"));
  }
  bool unused;
  if (absl::Status s = ParseField(kMinute, fields[0], spec.minutes, unused); !s.ok()) return s;
  if (absl::Status s = ParseField(kHour, fields[1], spec.hours, unused); !s.ok()) return s;
  if (absl::Status s = ParseField(kDay, fields[2], spec.days, spec.any_day); !s.ok()) return s;
  if (absl::Status s = ParseField(kMonth, fields[3], spec.months, unused); !s.ok()) return s;
  if (absl::Status s = ParseField(kWeekday, fields[4], spec.weekdays, spec.any_weekday); !s.ok()) {
    return s;
  }
  return spec;
}

bool CronMatches(const CronSpec& spec, absl::CivilMinute local) {
  if (!spec.minutes[local.minute()] || !spec.hours[local.hour()] || !spec.months[local.month()]) {
    return false;
  }
  const bool day = spec.days[local.day()];
  // absl numbers the week from Monday (0) to Sunday (6); cron from Sunday (0).
  const int weekday = (static_cast<int>(absl::GetWeekday(absl::CivilDay(local))) + 1) % 7;
  const bool weekday_ok = spec.weekdays[static_cast<size_t>(weekday)];
  if (spec.any_day && spec.any_weekday) return true;
  if (spec.any_day) return weekday_ok;
  if (spec.any_weekday) return day;
  return day || weekday_ok;
}

absl::Time MinuteOf(absl::Time t) {
  return absl::UnixEpoch() + absl::Floor(t - absl::UnixEpoch(), absl::Minutes(1));
}

namespace {

// The latest matching minute in (after, now], newest first.
std::optional<absl::Time> LatestMatch(const CronSpec& spec, const absl::TimeZone& tz,
                                      absl::Time after, absl::Time now) {
  for (absl::Time t = MinuteOf(now); t > after; t -= absl::Minutes(1)) {
    if (CronMatches(spec, absl::ToCivilMinute(t, tz))) return t;
  }
  return std::nullopt;
}

}  // namespace

std::optional<absl::Time> CronWindowStart(const CronSpec& spec, const absl::TimeZone& tz,
                                          absl::Duration duration, absl::Time now) {
  return LatestMatch(spec, tz, now - duration, now);
}

std::optional<absl::Time> CronWindowStartSince(const CronSpec& spec, const absl::TimeZone& tz,
                                               absl::Duration duration, absl::Time now,
                                               absl::Time then, std::optional<absl::Time> before) {
  if (now < then) return CronWindowStart(spec, tz, duration, now);
  // At `then`, every minute up to then's own was looked at, and `before` was the latest
  // match (within its window). A newer match is among the minutes since; else `before`
  // still is the latest, if its window still covers `now`.
  if (std::optional<absl::Time> newer =
          LatestMatch(spec, tz, std::max(now - duration, MinuteOf(then)), now)) {
    return newer;
  }
  if (before && *before > now - duration) return before;
  return std::nullopt;
}

}  // namespace limiar::policy
