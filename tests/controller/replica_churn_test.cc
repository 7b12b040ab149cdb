// Replicas come and go: the live sample store and the control loop together must follow.
// A replica that stopped reporting stops being a replica after `max_age`; until then HPA
// counts it as missing (HPA's conservative fill), after it, it is gone and its memory with it.
#include <gtest/gtest.h>

#include "src/controller/control_loop.h"
#include "src/metrics/store/sample_store.h"
#include "tests/fakes/fake_actuator.h"
#include "tests/support/policy_builders.h"
#include "tests/support/sample_builders.h"

namespace limiar::controller {
namespace {

using ::limiar::testing::FakeActuator;
using policy::MetricType;

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

class LastDecision final : public DecisionSink {
 public:
  Decision last;
  void OnDecision(const Decision& d) override { last = d; }
};

class ReplicaChurnTest : public ::testing::Test {
 protected:
  void Push(int first, int last, double value, absl::Time now) {
    for (int i = first; i <= last; ++i) {
      ASSERT_TRUE(
          store_
              .Add(testing::MakeStartedSample("storefront", "storefront-" + std::to_string(i),
                                              value, now, kT0 - absl::Hours(1)))
              .ok());
    }
  }

  policy::TargetPolicy target_ = testing::RequestsPolicy(2, 8);
  metrics::SampleStoreOptions options_;  // metric window 60 s, max age 2 min
  metrics::SampleStore store_{options_};
  FakeActuator actuator_;
  LastDecision sink_;
};

TEST_F(ReplicaChurnTest, ReplicasGoneForMaxAgeNoLongerHoldAScaleUp) {
  std::unique_ptr<ControlLoop> loop = *ControlLoop::Create({target_}, &store_, &actuator_, &sink_);
  // Eight replicas at 50 requests/s, then the platform takes six away: the two left carry
  // 3x the 65 requests/s target.
  actuator_.state["storefront"] = {8, 8};
  Push(0, 7, 50, kT0);
  actuator_.state["storefront"] = {2, 2};
  absl::Time now = kT0;
  for (int tick = 1; tick <= 10; ++tick) {
    now = kT0 + absl::Seconds(15 * tick);
    Push(0, 1, 195, now);
    ASSERT_TRUE(loop->Tick(now).ok());
    if (now - kT0 > options_.max_age) {
      // 2 x 195 / 65 asks 6 (the six that left are forgotten, not idle); HPA's legacy
      // scale-up limit, max(2 x 2, 4), allows 4 on the first tick.
      EXPECT_GE(sink_.last.recommendation.desired_replicas, 4)
          << "at +" << absl::FormatDuration(now - kT0) << ": " << sink_.last.recommendation.message;
    }
  }
  std::vector<policy::MetricObservation> seen;
  ASSERT_TRUE(store_.Observe(target_, now, &seen).ok());
  EXPECT_EQ(seen[0].replicas.size(), 2u);
  EXPECT_EQ(store_.series_count(), 2u);  // their memory went too
}

}  // namespace
}  // namespace limiar::controller
