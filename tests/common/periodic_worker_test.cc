#include "src/common/periodic_worker.h"

#include <gtest/gtest.h>

#include <condition_variable>

namespace limiar {
namespace {

TEST(PeriodicWorkerTest, CallsAtOnceAndStopsPromptly) {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  // An hour-long period: only the immediate first call can happen, and Stop must not wait
  // for the next one.
  PeriodicWorker worker(absl::Hours(1), [&] {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    cv.notify_all();
  });
  worker.Start();
  worker.Start();  // no second thread
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return calls >= 1; }));
  }
  worker.Stop();
  worker.Stop();  // idempotent
  EXPECT_EQ(calls, 1);
}

TEST(PeriodicWorkerTest, RestartsAfterStop) {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  PeriodicWorker worker(absl::Hours(1), [&] {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    cv.notify_all();
  });
  for (int round = 1; round <= 2; ++round) {
    worker.Start();
    {
      std::unique_lock<std::mutex> lock(mu);
      ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return calls >= round; }));
    }
    worker.Stop();
  }
  EXPECT_EQ(calls, 2);  // one immediate call per start
}

}  // namespace
}  // namespace limiar
