// Small builders for the policies and observations that tests of the policies, the store
// and the control loop make again and again; a test sets whatever else it needs on the
// result.
#ifndef LIMIAR_TESTS_SUPPORT_POLICY_BUILDERS_H_
#define LIMIAR_TESTS_SUPPORT_POLICY_BUILDERS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "src/policy/policy.h"

namespace limiar::testing {

// `target` scaled on requests/s through the autoscale resource `resource`, at 65 % of
// 100 requests/s per replica, between `min_replicas` and `max_replicas` (HPA).
inline policy::TargetPolicy RequestsPolicy(int32_t min_replicas, int32_t max_replicas,
                                           const std::string& target = "storefront",
                                           const std::string& resource = "scale-store") {
  policy::TargetPolicy t;
  t.target = target;
  t.min_replicas = min_replicas;
  t.max_replicas = max_replicas;
  t.metrics.push_back({resource, policy::MetricType::kRequests, 65, 100});
  return t;
}

// `n` replicas "r0".."r{n-1}" of `metric`, started and ready since `started`, each
// reporting `value` at `now`.
inline policy::MetricObservation ReadyReplicas(policy::MetricType metric, int n, double value,
                                               absl::Time now, absl::Time started) {
  policy::MetricObservation obs;
  obs.metric = metric;
  for (int i = 0; i < n; ++i) {
    policy::ReplicaSample s;
    s.replica_id = "r" + std::to_string(i);
    s.start_time = started;
    s.ready_transition = started;
    s.value = value;
    s.sample_time = now;
    obs.replicas.push_back(s);
  }
  return obs;
}

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_POLICY_BUILDERS_H_
