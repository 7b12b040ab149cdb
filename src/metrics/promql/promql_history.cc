#include "src/metrics/promql/promql_history.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace limiar::metrics {
namespace {

constexpr absl::Duration kMinute = absl::Minutes(1);

}  // namespace

MinuteLoads ReadMinuteLoads(PromQlRangeQuerier& querier, const PromQlQuery& query, absl::Time from,
                            absl::Time to) {
  MinuteLoads out;
  out.first_minute = from;
  if (to <= from) return out;
  const int64_t minutes = (to - from) / kMinute;
  out.values.reserve(static_cast<size_t>(minutes));
  for (int64_t begin = 0; begin < minutes; begin += kPromQlMaxRangePoints) {
    const int64_t end = std::min(minutes, begin + kPromQlMaxRangePoints);
    // Minute k's value is the one at its end: points at from + (k + 1) minutes.
    absl::StatusOr<std::vector<PromQlPoint>> points =
        querier.QueryRange(query, from + (begin + 1) * kMinute, from + end * kMinute, kMinute);
    if (!points.ok()) {
      out.error = points.status();
      return out;
    }
    out.values.resize(static_cast<size_t>(end), std::numeric_limits<double>::quiet_NaN());
    for (const PromQlPoint& p : *points) {
      // Points off the minute grid, or outside the range asked for, are not this history's.
      if (p.time < from + kMinute || (p.time - from) % kMinute != absl::ZeroDuration()) continue;
      const int64_t k = (p.time - from) / kMinute - 1;
      if (k >= begin && k < end) out.values[static_cast<size_t>(k)] = p.value;
    }
  }
  return out;
}

}  // namespace limiar::metrics
