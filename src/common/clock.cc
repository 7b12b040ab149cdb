#include "src/common/clock.h"

#include "absl/time/clock.h"

namespace limiar {

absl::Time RealClock::Now() { return absl::Now(); }

void RealClock::SleepUntil(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left > absl::ZeroDuration()) absl::SleepFor(left);
}

absl::Time ManualClock::Now() {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void ManualClock::SleepUntil(absl::Time deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  if (deadline > now_) now_ = deadline;
}

void ManualClock::Advance(absl::Duration d) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d;
}

void ManualClock::Set(absl::Time t) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = t;
}

}  // namespace limiar
