#include "src/common/periodic_worker.h"

#include <gtest/gtest.h>

#include "src/common/mutex.h"

namespace limiar {
namespace {

// Counts the worker's calls; the test waits for a count, with a bound.
class Calls {
 public:
  void Add() {
    MutexLock lock(&mu_);
    ++count_;
    changed_.SignalAll();
  }
  // False if `n` calls have not happened within 30 s.
  bool WaitFor(int n) {
    MutexLock lock(&mu_);
    const CondVar::Deadline deadline = CondVar::After(absl::Seconds(30));
    while (count_ < n) {
      if (changed_.WaitUntil(&mu_, deadline)) return count_ >= n;
    }
    return true;
  }
  int count() {
    MutexLock lock(&mu_);
    return count_;
  }

 private:
  Mutex mu_;
  CondVar changed_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(PeriodicWorkerTest, CallsAtOnceAndStopsPromptly) {
  Calls calls;
  // An hour-long period: only the immediate first call can happen, and Stop must not wait
  // for the next one.
  PeriodicWorker worker(absl::Hours(1), [&] { calls.Add(); });
  worker.Start();
  worker.Start();  // no second thread
  ASSERT_TRUE(calls.WaitFor(1));
  worker.Stop();
  worker.Stop();  // idempotent
  EXPECT_EQ(calls.count(), 1);
}

TEST(PeriodicWorkerTest, RestartsAfterStop) {
  Calls calls;
  PeriodicWorker worker(absl::Hours(1), [&] { calls.Add(); });
  for (int round = 1; round <= 2; ++round) {
    worker.Start();
    ASSERT_TRUE(calls.WaitFor(round));
    worker.Stop();
  }
  EXPECT_EQ(calls.count(), 2);  // one immediate call per start
}

}  // namespace
}  // namespace limiar
