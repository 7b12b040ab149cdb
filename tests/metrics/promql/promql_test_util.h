// The store's whole-target value, which the PromQL poller tests and the live test both read
// back (temp folders come from tests/support/test_dir.h).
#ifndef LIMIAR_TESTS_METRICS_PROMQL_PROMQL_TEST_UTIL_H_
#define LIMIAR_TESTS_METRICS_PROMQL_PROMQL_TEST_UTIL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"

namespace limiar::metrics::promql_test {

// The whole-target value the store gives `target`'s `metric` at `now`, if any.
inline std::optional<double> StoredValue(SampleStore& store, const std::string& target,
                                         policy::MetricType metric, absl::Time now) {
  policy::TargetPolicy p;
  p.target = target;
  policy::MetricTarget m;
  m.metric = metric;
  p.metrics.push_back(m);
  std::vector<policy::MetricObservation> out;
  if (!store.Observe(p, now, &out).ok() || out.size() != 1) return std::nullopt;
  return out[0].whole_target_value;
}

}  // namespace limiar::metrics::promql_test

#endif  // LIMIAR_TESTS_METRICS_PROMQL_PROMQL_TEST_UTIL_H_
