// A builder for the metrics::Sample that store and control-loop tests add by the dozen.
#ifndef LIMIAR_TESTS_SUPPORT_SAMPLE_BUILDERS_H_
#define LIMIAR_TESTS_SUPPORT_SAMPLE_BUILDERS_H_

#include <string>

#include "absl/time/time.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"

namespace limiar::testing {

// `replica` of `target` reporting `value` of `metric` at `time`; ready, start unknown.
inline metrics::Sample MakeSample(const std::string& target, const std::string& replica,
                                  double value, absl::Time time,
                                  policy::MetricType metric = policy::MetricType::kRequests) {
  metrics::Sample s;
  s.target = target;
  s.metric = metric;
  s.replica_id = replica;
  s.value = value;
  s.time = time;
  return s;
}

// The same, for a replica started and ready since `started` (past HPA's cpu-initialization
// rules).
inline metrics::Sample MakeStartedSample(const std::string& target, const std::string& replica,
                                         double value, absl::Time time, absl::Time started) {
  metrics::Sample s = MakeSample(target, replica, value, time);
  s.start_time = started;
  s.ready_transition = started;
  return s;
}

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_SAMPLE_BUILDERS_H_
