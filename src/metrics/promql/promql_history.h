// A PromQL source's past, minute by minute, read with range queries: what the forecasting
// policy is warm-started from, so that a new install forecasts on its first day.
#ifndef LIMIAR_METRICS_PROMQL_PROMQL_HISTORY_H_
#define LIMIAR_METRICS_PROMQL_PROMQL_HISTORY_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/metrics/promql/promql_client.h"

namespace limiar::metrics {

struct MinuteLoads {
  absl::Time first_minute = absl::InfinitePast();  // the start of values[0]
  std::vector<double> values;                      // one per minute; NaN: no value
  // OK, or the failure that stopped the reading: `values` then ends before `to`, and what
  // was read before it is kept.
  absl::Status error;
};

// The query's value at the end of each minute from `from` up to `to` (minute starts; `to`
// excluded): for a `rate(x[1m])` query, that is the minute's mean rate. Read oldest first,
// in range queries of at most kPromQlMaxRangePoints points each (a day of minutes is 1,440,
// so 90 days take 13), stopping at the first error.
MinuteLoads ReadMinuteLoads(PromQlRangeQuerier& querier, const PromQlQuery& query, absl::Time from,
                            absl::Time to);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMQL_PROMQL_HISTORY_H_
