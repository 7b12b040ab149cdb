// The load spike the controller tests push: two storefront replicas at 260 req/s each, 4x
// the 65 req/s target their TargetPolicy sets, so the next evaluation scales up.
#ifndef LIMIAR_TESTS_CONTROLLER_STOREFRONT_SPIKE_H_
#define LIMIAR_TESTS_CONTROLLER_STOREFRONT_SPIKE_H_

#include <gtest/gtest.h>

#include <string>

#include "src/metrics/store/sample_store.h"

namespace limiar::controller {

inline void AddStorefrontSpike(metrics::SampleStore& store, absl::Time now) {
  for (int i = 0; i < 2; ++i) {
    metrics::Sample s;
    s.target = "storefront";
    s.metric = policy::MetricType::kRequests;
    s.replica_id = "r" + std::to_string(i);
    s.value = 260;
    s.time = now;
    ASSERT_TRUE(store.Add(s).ok());
  }
}

}  // namespace limiar::controller

#endif  // LIMIAR_TESTS_CONTROLLER_STOREFRONT_SPIKE_H_
