#include "src/policy/load_history.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace limiar::policy {
namespace {

constexpr absl::Duration kMinute = absl::Minutes(1);
constexpr size_t kMinutesPerDay = 24 * 60;

// The start of a kept history's oldest minute (it has at least one).
absl::Time FirstMinute(const PolicyState::LoadHistory& h) {
  return h.last_minute - static_cast<int64_t>(h.minutes.size() - 1) * kMinute;
}

}  // namespace

MinuteSpan MinutesToRead(const PolicyState::LoadHistory& kept, absl::Time now, size_t cap) {
  const absl::Time to = MinuteOf(now);
  MinuteSpan span{to - static_cast<int64_t>(cap) * kMinute, to};
  if (kept.minutes.empty() || kept.last_minute == absl::InfinitePast()) return span;
  if (FirstMinute(kept) <= span.from) span.from = std::max(span.from, kept.last_minute + kMinute);
  return span;
}

size_t LoadHistoryCap(const Forecasting& config) {
  return std::max<size_t>(1, static_cast<size_t>(config.history / kMinute));
}

double GapFill(std::span<const double> before) {
  const size_t n = before.size();
  return n >= kMinutesPerDay ? before[n - kMinutesPerDay] : before.back();
}

PolicyState::LoadHistory MergeLoadHistory(const PolicyState::LoadHistory& kept,
                                          absl::Time first_minute, std::span<const double> read,
                                          size_t cap) {
  const bool has_kept = !kept.minutes.empty() && kept.last_minute != absl::InfinitePast();
  const absl::Time kept_first = has_kept ? FirstMinute(kept) : absl::InfiniteFuture();
  const auto valid = [](double v) { return std::isfinite(v) && v >= 0; };
  const auto first_read = std::find_if(read.begin(), read.end(), valid);
  if (first_read == read.end()) return kept;
  const auto last_read = std::find_if(read.rbegin(), read.rend(), valid);
  const absl::Time read_first = first_minute + (first_read - read.begin()) * kMinute;
  const absl::Time read_last = first_minute + (read.rend() - last_read - 1) * kMinute;

  const absl::Time end = has_kept ? std::max(kept.last_minute, read_last) : read_last;
  const int64_t span_cap = static_cast<int64_t>(std::max<size_t>(cap, 1)) - 1;
  const absl::Time start = std::max(std::min(kept_first, read_first), end - span_cap * kMinute);
  std::vector<double> out;
  out.reserve(static_cast<size_t>((end - start) / kMinute) + 1);
  for (absl::Time m = start; m <= end; m += kMinute) {
    std::optional<double> v;
    if (has_kept && m >= kept_first && m <= kept.last_minute) {
      v = kept.minutes[static_cast<size_t>((m - kept_first) / kMinute)];
    } else if (m >= first_minute) {
      const auto i = static_cast<size_t>((m - first_minute) / kMinute);
      if (i < read.size() && valid(read[i])) v = read[i];
    }
    if (!v && out.empty()) continue;
    out.push_back(v ? *v : GapFill(out));
  }
  return {.last_minute = end, .minutes = std::move(out)};
}

}  // namespace limiar::policy
