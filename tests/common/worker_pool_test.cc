#include "src/common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <vector>

#include "src/common/mutex.h"

namespace limiar {
namespace {

TEST(WorkerPoolTest, CallsEveryIndexOnceWithAWorkerOfThePool) {
  for (size_t threads : {1, 2, 4}) {
    WorkerPool pool(threads);
    ASSERT_EQ(pool.size(), threads);
    for (size_t n : {0, 1, 7, 64, 10'000}) {
      std::vector<std::atomic<int>> calls(n);
      std::atomic<bool> worker_in_range{true};
      pool.ParallelFor(n, [&](size_t i, size_t worker) {
        calls[i].fetch_add(1);
        if (worker >= threads) worker_in_range = false;
      });
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(calls[i].load(), 1)
            << "index " << i << " of " << n << ", " << threads << " threads";
      }
      EXPECT_TRUE(worker_in_range.load());
    }
  }
}

// Every thread of the pool takes part: each call waits until all of the pool's threads are
// inside one, which can only happen when they run at once. The wait is bounded so that a
// pool that runs them one by one fails instead of hanging.
TEST(WorkerPoolTest, RunsTheCallsOnAllItsThreadsAtOnce) {
  constexpr size_t kThreads = 4;
  WorkerPool pool(kThreads);
  Mutex mu;
  CondVar all_in;
  std::set<size_t> inside;
  bool met = true;
  pool.ParallelFor(kThreads, [&](size_t, size_t worker) {
    MutexLock lock(&mu);
    inside.insert(worker);
    all_in.SignalAll();
    const CondVar::Deadline deadline = CondVar::After(absl::Seconds(30));
    while (inside.size() < kThreads) {
      if (all_in.WaitUntil(&mu, deadline)) {
        met = false;
        return;
      }
    }
  });
  EXPECT_TRUE(met) << "only " << inside.size() << " of " << kThreads << " threads joined in";
  EXPECT_EQ(inside.size(), kThreads);
}

TEST(WorkerPoolTest, ServesLoopsFromSeveralCallersOneAtATime) {
  WorkerPool pool(3);
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        pool.ParallelFor(100, [&](size_t, size_t) { total.fetch_add(1); });
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(total.load(), 4 * 50 * 100);
}

TEST(WorkerPoolTest, SizesForTheMachineWithinItsBound) {
  EXPECT_GE(WorkerPool::SizeForMachine(4), 1u);
  EXPECT_LE(WorkerPool::SizeForMachine(4), 4u);
  EXPECT_EQ(WorkerPool::SizeForMachine(1), 1u);
  EXPECT_EQ(WorkerPool::SizeForMachine(0), 1u);
}

}  // namespace
}  // namespace limiar
