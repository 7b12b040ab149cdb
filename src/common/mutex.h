// A std::mutex that clang's -Wthread-safety can reason about, with a scoped lock and a
// condition variable. Why not absl::Mutex (house rule 9): Debian's Abseil is not built with
// ThreadSanitizer, which then cannot see that an absl::Mutex orders anything and reports
// every access it guards; std::mutex is intercepted. The annotations are the same, so
// `ABSL_GUARDED_BY(mu_)` on a member makes the compiler reject an unlocked access in clang
// builds (asan/tsan presets; -Werror=thread-safety in CMakeLists.txt); under GCC they are
// no-ops.
//
// Usage: members `Mutex mu_; int x_ ABSL_GUARDED_BY(mu_);`, then `MutexLock lock(&mu_);`.
// Waiting: `while (!ready_) cv_.Wait(&mu_);` with mu_ held, so the condition is read in
// code the analysis checks (a predicate lambda would hide it).
#ifndef LIMIAR_COMMON_MUTEX_H_
#define LIMIAR_COMMON_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace limiar {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to the end of the scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable over Mutex. Waits may wake spuriously: callers loop on their
// condition.
class CondVar {
 public:
  // Releases `mu` while blocked; holds it again on return.
  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // Deadlines are on the steady clock, so a wall-clock step does not stretch a wait.
  using Deadline = std::chrono::steady_clock::time_point;
  static Deadline After(absl::Duration timeout) {
    return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  }
  // As Wait, giving up at `deadline`; true when it has passed. A bounded wait on a
  // condition: `const auto d = CondVar::After(t); while (!cond) if (cv.WaitUntil(&mu, d)) break;`
  bool WaitUntil(Mutex* mu, Deadline deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const std::cv_status status = cv_.wait_until(lock, deadline);
    lock.release();
    return status == std::cv_status::timeout;
  }
  // As Wait, for at most `timeout`; true when it ran out.
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const std::cv_status status = cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout));
    lock.release();
    return status == std::cv_status::timeout;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace limiar

#endif  // LIMIAR_COMMON_MUTEX_H_
