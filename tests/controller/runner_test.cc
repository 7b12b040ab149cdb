#include "src/controller/runner.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "src/metrics/store/sample_store.h"
#include "tests/controller/storefront_spike.h"
#include "tests/fakes/fake_actuator.h"
#include "tests/support/policy_builders.h"
#include "tests/support/sample_builders.h"

namespace limiar::controller {
namespace {

using policy::MetricType;

// Collects decisions from the runner thread and lets the test wait for a count of them:
// a wait on a condition with a generous bound, never a sleep.
class WaitableSink final : public DecisionSink {
 public:
  void OnDecision(const Decision& d) override {
    std::lock_guard<std::mutex> lock(mu_);
    decisions_.push_back(d);
    cv_.notify_all();
  }
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return decisions_.size() >= n; });
  }
  std::vector<Decision> decisions() {
    std::lock_guard<std::mutex> lock(mu_);
    return decisions_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Decision> decisions_;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { actuator_.state["storefront"] = {2, 2}; }
  std::unique_ptr<Runner> Make(RunnerOptions options) {
    auto loop = ControlLoop::Create({testing::RequestsPolicy(2, 8)}, &store_, &actuator_, &sink_);
    EXPECT_TRUE(loop.ok()) << loop.status();
    return std::make_unique<Runner>(*std::move(loop), &clock_, options,
                                    [this](absl::Duration, const absl::Status&) { ++ticks_; });
  }
  void Spike() { AddStorefrontSpike(store_, clock_.Now()); }

  RealClock clock_;
  metrics::SampleStore store_;
  testing::FakeActuator actuator_;
  WaitableSink sink_;
  std::atomic<int> ticks_{0};
};

TEST_F(RunnerTest, FirstTickRunsAtOnceAndStopJoins) {
  std::unique_ptr<Runner> runner = Make({absl::Hours(1), absl::Milliseconds(1)});
  runner->Start();
  ASSERT_TRUE(sink_.WaitFor(1));
  runner->Stop();
  EXPECT_EQ(ticks_.load(), 1);
  EXPECT_FALSE(sink_.decisions()[0].recommendation.scaling_active);  // no samples yet
  EXPECT_EQ(sink_.decisions()[0].desired_replicas, 2);
}

TEST_F(RunnerTest, FastPathEvaluatesASpikeWithoutWaitingForTheTick) {
  std::unique_ptr<Runner> runner = Make({absl::Hours(1), absl::Milliseconds(1)});
  runner->Start();
  ASSERT_TRUE(sink_.WaitFor(1));  // the first, empty tick
  Spike();
  runner->RequestEvaluation("storefront");
  ASSERT_TRUE(sink_.WaitFor(2));
  runner->Stop();
  const Decision d = sink_.decisions()[1];
  EXPECT_EQ(d.desired_replicas, 4);  // legacy clamp: max(2 * 2, 4)
  EXPECT_TRUE(d.actuated);
  EXPECT_EQ(ticks_.load(), 1);  // answered between ticks
}

TEST_F(RunnerTest, FastPathRequestsAreDebouncedPerTarget) {
  std::unique_ptr<Runner> runner = Make({absl::Hours(1), absl::Hours(1)});
  runner->Start();
  ASSERT_TRUE(sink_.WaitFor(1));
  runner->RequestEvaluation("storefront");
  ASSERT_TRUE(sink_.WaitFor(2));
  for (int i = 0; i < 100; ++i) runner->RequestEvaluation("storefront");  // within the gap
  runner->RequestEvaluation("unknown-target");  // ignored by the loop, harmless
  runner->Stop();
  EXPECT_EQ(sink_.decisions().size(), 2u);
}

TEST_F(RunnerTest, WithLoopSerialisesAdminAccess) {
  std::unique_ptr<Runner> runner = Make({absl::Hours(1), absl::Milliseconds(1)});
  runner->Start();
  ASSERT_TRUE(sink_.WaitFor(1));
  runner->WithLoop([](ControlLoop& loop) {
    ASSERT_TRUE(loop.SetMode("storefront", policy::Mode::kPaused).ok());
  });
  Spike();
  runner->RequestEvaluation("storefront");
  ASSERT_TRUE(sink_.WaitFor(2));
  runner->Stop();
  EXPECT_EQ(sink_.decisions()[1].recommendation.reason, "Paused");
  EXPECT_TRUE(actuator_.calls.empty());
}

}  // namespace
}  // namespace limiar::controller
