// A fixed set of threads that share out the iterations of one loop at a time. The control
// loop decides its targets on it (they are independent, and 10,000 of them one after
// another outlast a one-second tick's budget), and the Kubernetes poller polls its sources.
// The threads live as long as the pool: a pass hands work over instead of starting threads.
#ifndef LIMIAR_COMMON_WORKER_POOL_H_
#define LIMIAR_COMMON_WORKER_POOL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "src/common/mutex.h"

namespace limiar {

class WorkerPool {
 public:
  // `threads` in all, the caller of ParallelFor included (so threads - 1 are started);
  // at least 1.
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Calls fn(index, worker) once for every index in [0, n) and returns when all calls have
  // returned. `worker` (in [0, size())) names the thread, so that each can keep scratch
  // space of its own; the caller is worker 0. Indexes are handed out in chunks, in no set
  // order across threads, `chunk` at a time (0: about an eighth of a thread's share; 1 when
  // calls may block on I/O, so that one slow call does not hold others back). One loop at
  // a time: concurrent calls wait their turn.
  void ParallelFor(size_t n, absl::FunctionRef<void(size_t index, size_t worker)> fn,
                   size_t chunk = 0);

  size_t size() const { return helpers_.size() + 1; }
  // A size for a pool on this machine: its cores, at most `at_most`, at least 1.
  static size_t SizeForMachine(size_t at_most);

 private:
  struct Loop {
    absl::FunctionRef<void(size_t, size_t)> fn;
    size_t n;
    size_t chunk;
  };
  void Help(size_t worker);
  // Takes chunks of `loop` until none is left.
  void Work(const Loop& loop, size_t worker);

  Mutex run_mu_;  // one ParallelFor at a time
  Mutex mu_;
  CondVar wake_;  // a loop was posted, or stop
  CondVar done_;  // a helper finished its part
  const Loop* loop_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t round_ ABSL_GUARDED_BY(mu_) = 0;  // loops posted so far
  size_t busy_ ABSL_GUARDED_BY(mu_) = 0;     // helpers still in the current loop
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<size_t> next_{0};  // the next index to hand out of the current loop
  std::vector<std::thread> helpers_;
};

}  // namespace limiar

#endif  // LIMIAR_COMMON_WORKER_POOL_H_
