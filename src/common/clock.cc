#include "src/common/clock.h"

#include "absl/time/clock.h"

namespace limiar {

absl::Time RealClock::Now() { return absl::Now(); }

void RealClock::SleepUntil(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left > absl::ZeroDuration()) absl::SleepFor(left);
}

absl::Time ManualClock::Now() {
  MutexLock lock(&mu_);
  return now_;
}

void ManualClock::SleepUntil(absl::Time deadline) {
  MutexLock lock(&mu_);
  if (deadline > now_) now_ = deadline;
}

void ManualClock::Advance(absl::Duration d) {
  MutexLock lock(&mu_);
  now_ += d;
}

void ManualClock::Set(absl::Time t) {
  MutexLock lock(&mu_);
  now_ = t;
}

}  // namespace limiar
