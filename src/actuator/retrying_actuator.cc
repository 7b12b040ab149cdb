#include "src/actuator/retrying_actuator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace limiar::actuator {

bool IsRetryable(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

absl::Duration BackoffCeiling(const RetryPolicy& policy, int retry) {
  absl::Duration ceiling = policy.initial_backoff;
  // Doubling stops at the cap, so a large retry number cannot overflow.
  for (int i = 1; i < retry && ceiling < policy.max_backoff; ++i) ceiling *= 2;
  return std::min(ceiling, policy.max_backoff);
}

RetryingActuator::RetryingActuator(std::unique_ptr<Actuator> inner, std::string kind,
                                   RetryPolicy policy, Clock* clock, std::mt19937_64 rng,
                                   ActuatorStats* stats)
    : inner_(std::move(inner)),
      kind_(std::move(kind)),
      policy_(policy),
      clock_(clock),
      rng_(rng),
      stats_(stats != nullptr ? stats : &own_stats_) {}

absl::StatusOr<ScaleState> RetryingActuator::Observe(const std::string& target) {
  absl::StatusOr<ScaleState> state = inner_->Observe(target);
  if (!state.ok()) {
    stats_->RecordObserveFailure();
    spdlog::warn("actuator[{}] {}: observe failed: {}", kind_, target, state.status().ToString());
  }
  return state;
}

absl::Duration RetryingActuator::NextBackoff(int retry) {
  uint64_t bits;
  {
    MutexLock lock(&rng_mu_);
    bits = rng_();
  }
  // 53 random bits -> [0, 1) exactly, the same on every standard library (unlike
  // std::uniform_real_distribution, whose algorithm is unspecified).
  const double unit = static_cast<double>(bits >> 11) * 0x1.0p-53;
  return BackoffCeiling(policy_, retry) * unit;
}

absl::Status RetryingActuator::SetReplicas(const ScaleRequest& request) {
  const int max_attempts = std::max(1, policy_.max_attempts);
  for (int attempt = 1;; ++attempt) {
    const absl::Status status = inner_->SetReplicas(request);
    if (status.ok()) {
      stats_->RecordSuccess();
      return status;
    }
    const bool retry = IsRetryable(status) && attempt < max_attempts;
    spdlog::log(retry ? spdlog::level::warn : spdlog::level::err,
                "actuator[{}] {}: set replicas {} ({}) failed, attempt {}/{}{}: {}", kind_,
                request.target, request.replicas, request.reason, attempt, max_attempts,
                retry ? ", will retry" : "", status.ToString());
    if (!retry) {
      stats_->RecordFailure();
      if (attempt == 1) return status;
      return absl::Status(status.code(),
                          absl::StrCat(status.message(), " (after ", attempt, " attempts)"));
    }
    stats_->RecordRetry();
    clock_->SleepUntil(clock_->Now() + NextBackoff(attempt));
  }
}

}  // namespace limiar::actuator
