#include "src/common/periodic_worker.h"

namespace limiar {

void PeriodicWorker::Start() {
  MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    while (true) {
      fn_();
      MutexLock lock(&mu_);
      // Waits out the period unless Stop() comes first.
      const CondVar::Deadline next = CondVar::After(period_);
      while (!stop_) {
        if (wake_.WaitUntil(&mu_, next)) break;
      }
      if (stop_) return;
    }
  });
}

void PeriodicWorker::Stop() {
  std::thread thread;
  {
    MutexLock lock(&mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
    thread = std::move(thread_);
  }
  wake_.SignalAll();
  thread.join();
}

}  // namespace limiar
