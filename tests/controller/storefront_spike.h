// The load spike the controller tests push: two storefront replicas at 260 req/s each, 4x
// the 65 req/s target their TargetPolicy sets, so the next evaluation scales up.
#ifndef LIMIAR_TESTS_CONTROLLER_STOREFRONT_SPIKE_H_
#define LIMIAR_TESTS_CONTROLLER_STOREFRONT_SPIKE_H_

#include <gtest/gtest.h>

#include "src/metrics/store/sample_store.h"
#include "tests/support/sample_builders.h"

namespace limiar::controller {

inline void AddStorefrontSpike(metrics::SampleStore& store, absl::Time now) {
  for (const char* replica : {"r0", "r1"}) {
    ASSERT_TRUE(store.Add(testing::MakeSample("storefront", replica, 260, now)).ok());
  }
}

}  // namespace limiar::controller

#endif  // LIMIAR_TESTS_CONTROLLER_STOREFRONT_SPIKE_H_
