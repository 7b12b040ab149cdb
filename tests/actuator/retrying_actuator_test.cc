#include "src/actuator/retrying_actuator.h"

#include <deque>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/common/clock.h"

namespace limiar::actuator {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

// Answers SetReplicas from a script of statuses (then OK) and notes when each call came.
class ScriptedActuator final : public Actuator {
 public:
  ScriptedActuator(Clock* clock, std::deque<absl::Status> script)
      : clock_(clock), script_(std::move(script)) {}

  absl::StatusOr<ScaleState> Observe(const std::string& target) override {
    if (!observe_status.ok()) return observe_status;
    return ScaleState{3, 2};
  }
  absl::Status SetReplicas(const ScaleRequest& request) override {
    requests.push_back(request);
    times.push_back(clock_->Now());
    if (script_.empty()) return absl::OkStatus();
    absl::Status next = script_.front();
    script_.pop_front();
    return next;
  }

  absl::Status observe_status = absl::OkStatus();
  std::vector<ScaleRequest> requests;
  std::vector<absl::Time> times;

 private:
  Clock* clock_;
  std::deque<absl::Status> script_;
};

ScaleRequest Request(int32_t replicas) {
  return {"storefront", replicas, 3, "scale_up", "requests 92% of 65%", kStart};
}

RetryPolicy Policy(int max_attempts) {
  return {max_attempts, absl::Milliseconds(100), absl::Seconds(1)};
}

struct Harness {
  explicit Harness(std::deque<absl::Status> script, int max_attempts = 5, uint64_t seed = 42)
      : clock(kStart) {
    auto inner = std::make_unique<ScriptedActuator>(&clock, std::move(script));
    scripted = inner.get();
    retrying = std::make_unique<RetryingActuator>(std::move(inner), "test", Policy(max_attempts),
                                                  &clock, std::mt19937_64(seed), &stats);
  }
  ManualClock clock;
  ActuatorStats stats;
  ScriptedActuator* scripted;
  std::unique_ptr<RetryingActuator> retrying;
};

TEST(BackoffCeilingTest, DoublesFromInitialUpToTheCap) {
  const RetryPolicy p = Policy(10);
  EXPECT_EQ(BackoffCeiling(p, 1), absl::Milliseconds(100));
  EXPECT_EQ(BackoffCeiling(p, 2), absl::Milliseconds(200));
  EXPECT_EQ(BackoffCeiling(p, 3), absl::Milliseconds(400));
  EXPECT_EQ(BackoffCeiling(p, 4), absl::Milliseconds(800));
  EXPECT_EQ(BackoffCeiling(p, 5), absl::Seconds(1));
  EXPECT_EQ(BackoffCeiling(p, 1000), absl::Seconds(1));  // no overflow
}

TEST(IsRetryableTest, TransientCodesOnly) {
  EXPECT_TRUE(IsRetryable(absl::UnavailableError("")));
  EXPECT_TRUE(IsRetryable(absl::DeadlineExceededError("")));
  EXPECT_TRUE(IsRetryable(absl::InternalError("")));
  EXPECT_TRUE(IsRetryable(absl::ResourceExhaustedError("")));  // HTTP 429
  EXPECT_FALSE(IsRetryable(absl::InvalidArgumentError("")));
  EXPECT_FALSE(IsRetryable(absl::PermissionDeniedError("")));
  EXPECT_FALSE(IsRetryable(absl::UnauthenticatedError("")));
  EXPECT_FALSE(IsRetryable(absl::NotFoundError("")));
  EXPECT_FALSE(IsRetryable(absl::FailedPreconditionError("")));
  EXPECT_FALSE(IsRetryable(absl::UnknownError("")));
}

TEST(RetryingActuatorTest, RetriesTransientErrorsResendingTheSameCount) {
  Harness h({absl::UnavailableError("down"), absl::DeadlineExceededError("slow"),
             absl::InternalError("500")});
  ASSERT_TRUE(h.retrying->SetReplicas(Request(7)).ok());
  ASSERT_EQ(h.scripted->requests.size(), 4u);
  for (const ScaleRequest& r : h.scripted->requests) {
    EXPECT_EQ(r.target, "storefront");
    EXPECT_EQ(r.replicas, 7);  // desired state each time, never summed or a delta
    EXPECT_EQ(r.previous_replicas, 3);
    EXPECT_EQ(r.reason, "scale_up");
  }
  const ActuatorStatsSnapshot s = h.stats.Snapshot();
  EXPECT_EQ(s.successes, 1);
  EXPECT_EQ(s.failures, 0);
  EXPECT_EQ(s.retries, 3);
}

TEST(RetryingActuatorTest, WaitsAreFullJitterWithinTheCappedExponentialCeiling) {
  const int kAttempts = 8;
  std::deque<absl::Status> script(kAttempts, absl::UnavailableError("down"));
  Harness h(script, kAttempts);
  const absl::Status status = h.retrying->SetReplicas(Request(5));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("after 8 attempts"));
  ASSERT_EQ(h.scripted->times.size(), static_cast<size_t>(kAttempts));
  EXPECT_EQ(h.scripted->times[0], kStart);  // the first try is immediate
  absl::Duration total;
  for (int retry = 1; retry < kAttempts; ++retry) {
    const absl::Duration wait = h.scripted->times[retry] - h.scripted->times[retry - 1];
    EXPECT_GE(wait, absl::ZeroDuration()) << "retry " << retry;
    EXPECT_LT(wait, BackoffCeiling(Policy(kAttempts), retry)) << "retry " << retry;
    total += wait;
  }
  // Jitter is drawn, not zero: seven waits from [0, ceiling) do not all vanish.
  EXPECT_GT(total, absl::Milliseconds(50));
  const ActuatorStatsSnapshot s = h.stats.Snapshot();
  EXPECT_EQ(s.successes, 0);
  EXPECT_EQ(s.failures, 1);
  EXPECT_EQ(s.retries, 7);
}

TEST(RetryingActuatorTest, SameSeedSameSchedule) {
  std::deque<absl::Status> script(4, absl::UnavailableError("down"));
  Harness a(script, 4, 7), b(script, 4, 7), c(script, 4, 8);
  (void)a.retrying->SetReplicas(Request(5));
  (void)b.retrying->SetReplicas(Request(5));
  (void)c.retrying->SetReplicas(Request(5));
  EXPECT_EQ(a.scripted->times, b.scripted->times);
  EXPECT_NE(a.scripted->times, c.scripted->times);
}

TEST(RetryingActuatorTest, PermanentErrorsAreNotRetried) {
  for (const absl::Status& error :
       {absl::InvalidArgumentError("HTTP 400"), absl::PermissionDeniedError("HTTP 403"),
        absl::NotFoundError("HTTP 404"), absl::UnknownError("exit 1")}) {
    Harness h({error});
    const absl::Status status = h.retrying->SetReplicas(Request(5));
    EXPECT_EQ(status, error);  // unchanged: no "after N attempts"
    EXPECT_EQ(h.scripted->requests.size(), 1u);
    EXPECT_EQ(h.clock.Now(), kStart);  // no wait
    EXPECT_EQ(h.stats.Snapshot().failures, 1);
    EXPECT_EQ(h.stats.Snapshot().retries, 0);
  }
}

TEST(RetryingActuatorTest, OneAttemptMeansNoRetry) {
  Harness h({absl::UnavailableError("down")}, /*max_attempts=*/1);
  EXPECT_EQ(h.retrying->SetReplicas(Request(5)).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(h.scripted->requests.size(), 1u);
}

TEST(RetryingActuatorTest, ObservePassesThroughAndCountsFailures) {
  Harness h({});
  absl::StatusOr<ScaleState> state = h.retrying->Observe("storefront");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->spec_replicas, 3);
  EXPECT_EQ(state->ready_replicas, 2);
  h.scripted->observe_status = absl::UnavailableError("down");
  EXPECT_EQ(h.retrying->Observe("storefront").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(h.stats.Snapshot().observe_failures, 1);
}

TEST(RetryingActuatorTest, NullStatsCountsInternally) {
  ManualClock clock(kStart);
  RetryingActuator retrying(std::make_unique<ScriptedActuator>(&clock, std::deque<absl::Status>{}),
                            "test", Policy(3), &clock, std::mt19937_64(1), nullptr);
  ASSERT_TRUE(retrying.SetReplicas(Request(2)).ok());
  EXPECT_EQ(retrying.stats().Snapshot().successes, 1);
}

}  // namespace
}  // namespace limiar::actuator
