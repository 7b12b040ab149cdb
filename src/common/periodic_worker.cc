#include "src/common/periodic_worker.h"

namespace limiar {

void PeriodicWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    while (true) {
      fn_();
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, absl::ToChronoNanoseconds(period_), [this] { return stop_; })) {
        return;
      }
    }
  });
}

void PeriodicWorker::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  thread.join();
}

}  // namespace limiar
