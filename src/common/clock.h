// The only way code in Limiar learns the time. Decision code never holds a Clock: it takes
// `now` as an argument. Only runners (the live loop, the simulator) own one.
#ifndef LIMIAR_COMMON_CLOCK_H_
#define LIMIAR_COMMON_CLOCK_H_

#include "absl/time/time.h"
#include "src/common/mutex.h"

namespace limiar {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current time. Thread-safe.
  virtual absl::Time Now() = 0;
  // Blocks the calling thread until Now() >= deadline. Thread-safe.
  virtual void SleepUntil(absl::Time deadline) = 0;
};

// Wall-clock time.
class RealClock final : public Clock {
 public:
  absl::Time Now() override;
  void SleepUntil(absl::Time deadline) override;
};

// Virtual time for tests and the simulator: time moves only when told to. SleepUntil
// advances the clock to the deadline instead of blocking, so nothing ever waits for real.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}
  absl::Time Now() override;
  void SleepUntil(absl::Time deadline) override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar

#endif  // LIMIAR_COMMON_CLOCK_H_
