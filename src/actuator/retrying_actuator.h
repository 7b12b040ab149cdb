// RetryingActuator: a decorator that re-sends a failed SetReplicas with capped exponential
// backoff and full jitter, counts successes, failures and retries, and logs every failure.
//
// A retry re-sends the very same request: decisions are desired state ("run 5"), so a
// retry after a lost response is harmless, and a delta ("add 2") is never computed here.
#ifndef LIMIAR_ACTUATOR_RETRYING_ACTUATOR_H_
#define LIMIAR_ACTUATOR_RETRYING_ACTUATOR_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/actuator/actuator.h"
#include "src/actuator/actuator_stats.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"

namespace limiar::actuator {

struct RetryPolicy {
  // Tries of one SetReplicas, the first included; 1 disables retries.
  int max_attempts = 3;
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
};

// True for errors that may go away by themselves: the peer was unreachable, too slow,
// overloaded or failed internally. The actuators map connection failures, timeouts, HTTP
// 5xx and HTTP 429 to Unavailable, DeadlineExceeded, Internal and ResourceExhausted. Any
// other code (HTTP 4xx: bad request, unauthorised, forbidden, not found, conflict) would
// fail the same way again, so it is returned at once.
bool IsRetryable(const absl::Status& status);

// The upper bound of the wait before retry number `retry` (1 = the first retry):
//   ceiling(n) = min(max_backoff, initial_backoff * 2^(n-1))
// The actual wait is uniform in [0, ceiling(n)) ("full jitter", as in the AWS architecture
// blog's "Exponential Backoff And Jitter"), so that many Limiar replicas or targets that
// failed together do not retry in lockstep.
absl::Duration BackoffCeiling(const RetryPolicy& policy, int retry);

class RetryingActuator final : public Actuator {
 public:
  // `kind` names the wrapped actuator in logs ("webhook"). `clock` (not owned) is used
  // only to sleep between tries, so tests on ManualClock never wait. `rng` draws the
  // jitter. `stats` (not owned, must outlive this) receives the counts; null keeps them
  // in an internal instance readable through stats().
  RetryingActuator(std::unique_ptr<Actuator> inner, std::string kind, RetryPolicy policy,
                   Clock* clock, std::mt19937_64 rng, ActuatorStats* stats);

  // Passes through, counting and logging failures. Observe is not retried: the control
  // loop observes again on its next tick and skips a tick it cannot observe, whereas a
  // dropped SetReplicas would delay a decision that was already taken.
  absl::StatusOr<ScaleState> Observe(const std::string& target) override;

  // Tries up to max_attempts times while the error is retryable, sleeping a jittered
  // backoff on the clock in between. Blocks for the tries and the sleeps. Thread-safe if
  // the wrapped actuator is.
  absl::Status SetReplicas(const ScaleRequest& request) override;
  // Passes through.
  void AddTargets(const std::map<std::string, TargetStart>& targets) override {
    inner_->AddTargets(targets);
  }

  const ActuatorStats& stats() const { return *stats_; }

 private:
  absl::Duration NextBackoff(int retry);

  std::unique_ptr<Actuator> inner_;
  std::string kind_;
  RetryPolicy policy_;
  Clock* clock_;
  Mutex rng_mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(rng_mu_);
  ActuatorStats own_stats_;
  ActuatorStats* stats_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_RETRYING_ACTUATOR_H_
