// A thread that calls a function about once per `period` until stopped. The cadence is real
// time, not a Clock's: Stop() must be able to wake the thread, which Clock::SleepUntil
// cannot do; what the function measures (intervals, due times) stays on its own Clock.
#ifndef LIMIAR_COMMON_PERIODIC_WORKER_H_
#define LIMIAR_COMMON_PERIODIC_WORKER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

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
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace limiar

#endif  // LIMIAR_COMMON_PERIODIC_WORKER_H_
