// A thread that calls a function about once per `period` until stopped. The cadence is real
// time, not a Clock's: Stop() must be able to wake the thread, which Clock::SleepUntil
// cannot do; what the function measures (intervals, due times) stays on its own Clock.
#ifndef LIMIAR_COMMON_PERIODIC_WORKER_H_
#define LIMIAR_COMMON_PERIODIC_WORKER_H_

#include <functional>
#include <thread>

#include "absl/time/time.h"
#include "src/common/mutex.h"

namespace limiar {

class PeriodicWorker {
 public:
  PeriodicWorker(absl::Duration period, std::function<void()> fn)
      : period_(period), fn_(std::move(fn)) {}
  ~PeriodicWorker() { Stop(); }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // Calls the function at once, then every period. No-op if running. Thread-safe.
  void Start();
  // Returns once the thread has ended (after a call in progress). No-op if not running.
  void Stop();

 private:
  const absl::Duration period_;
  const std::function<void()> fn_;
  Mutex mu_;
  CondVar wake_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar

#endif  // LIMIAR_COMMON_PERIODIC_WORKER_H_
