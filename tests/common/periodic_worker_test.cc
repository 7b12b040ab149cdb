#include "src/common/periodic_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace limiar {
namespace {

// Counts the worker's calls (on its thread) for the test thread, which waits for a count
// on a condition variable rather than sleeping; 30 s bounds a broken worker.
class CallCounter {
 public:
  void Call() {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    cv_.notify_all();
  }
  bool WaitFor(int calls) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return calls_ >= calls; });
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
};

TEST(PeriodicWorkerTest, CallsAtOnceAndStopsPromptly) {
  CallCounter counter;
  // An hour-long period: only the immediate first call can happen, and Stop must not wait
  // for the next one.
  PeriodicWorker worker(absl::Hours(1), [&] { counter.Call(); });
  worker.Start();
  worker.Start();  // no second thread
  ASSERT_TRUE(counter.WaitFor(1));
  worker.Stop();
  worker.Stop();  // idempotent
  EXPECT_EQ(counter.calls(), 1);
}

TEST(PeriodicWorkerTest, RestartsAfterStop) {
  CallCounter counter;
  PeriodicWorker worker(absl::Hours(1), [&] { counter.Call(); });
  for (int round = 1; round <= 2; ++round) {
    worker.Start();
    ASSERT_TRUE(counter.WaitFor(round));
    worker.Stop();
  }
  EXPECT_EQ(counter.calls(), 2);  // one immediate call per start
}

}  // namespace
}  // namespace limiar
