#include "src/common/worker_pool.h"

#include <algorithm>

namespace limiar {

WorkerPool::WorkerPool(size_t threads) {
  const size_t helpers = std::max<size_t>(threads, 1) - 1;
  helpers_.reserve(helpers);
  for (size_t i = 0; i < helpers; ++i) helpers_.emplace_back([this, i] { Help(i + 1); });
}

WorkerPool::~WorkerPool() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  wake_.SignalAll();
  for (std::thread& t : helpers_) t.join();
}

size_t WorkerPool::SizeForMachine(size_t at_most) {
  const size_t cores = std::thread::hardware_concurrency();  // 0 when unknown
  return std::clamp<size_t>(cores, 1, std::max<size_t>(at_most, 1));
}

void WorkerPool::ParallelFor(size_t n, absl::FunctionRef<void(size_t, size_t)> fn, size_t chunk) {
  if (n == 0) return;
  // By default, chunks small enough that the threads finish together and big enough that
  // they rarely meet on the counter.
  if (chunk == 0) chunk = std::max<size_t>(1, n / (size() * 8));
  const Loop loop{fn, n, chunk};
  if (helpers_.empty() || n <= loop.chunk) {
    for (size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  MutexLock run(&run_mu_);
  next_.store(0);
  {
    MutexLock lock(&mu_);
    loop_ = &loop;
    ++round_;
    busy_ = helpers_.size();
  }
  wake_.SignalAll();
  Work(loop, 0);
  MutexLock lock(&mu_);
  while (busy_ > 0) done_.Wait(&mu_);
  loop_ = nullptr;
}

void WorkerPool::Help(size_t worker) {
  uint64_t seen = 0;
  while (true) {
    const Loop* loop = nullptr;
    {
      MutexLock lock(&mu_);
      while (!stop_ && round_ == seen) wake_.Wait(&mu_);
      if (stop_) return;
      seen = round_;
      loop = loop_;
    }
    Work(*loop, worker);
    MutexLock lock(&mu_);
    if (--busy_ == 0) done_.Signal();
  }
}

void WorkerPool::Work(const Loop& loop, size_t worker) {
  while (true) {
    const size_t begin = next_.fetch_add(loop.chunk);
    if (begin >= loop.n) return;
    const size_t end = std::min(loop.n, begin + loop.chunk);
    for (size_t i = begin; i < end; ++i) loop.fn(i, worker);
  }
}

}  // namespace limiar
