// Per-actuator counters. RetryingActuator writes them; the service reads them for
// /metrics. Atomics rather than a mutex so that a scrape never waits behind an actuation
// that is blocked on the network.
#ifndef LIMIAR_ACTUATOR_ACTUATOR_STATS_H_
#define LIMIAR_ACTUATOR_ACTUATOR_STATS_H_

#include <atomic>
#include <cstdint>

namespace limiar::actuator {

struct ActuatorStatsSnapshot {
  int64_t successes = 0;         // SetReplicas calls that ended OK (retries included)
  int64_t failures = 0;          // SetReplicas calls that ended in an error, after all tries
  int64_t retries = 0;           // extra tries of SetReplicas after a retryable error
  int64_t observe_failures = 0;  // Observe calls that returned an error
};

// Thread-safe: every method may be called from any thread at any time.
class ActuatorStats {
 public:
  void RecordSuccess() { successes_.fetch_add(1, std::memory_order_relaxed); }
  void RecordFailure() { failures_.fetch_add(1, std::memory_order_relaxed); }
  void RecordRetry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void RecordObserveFailure() { observe_failures_.fetch_add(1, std::memory_order_relaxed); }

  // Each counter is read atomically; the four together are not one instant, which is all
  // a monotonic counter export needs.
  ActuatorStatsSnapshot Snapshot() const {
    ActuatorStatsSnapshot s;
    s.successes = successes_.load(std::memory_order_relaxed);
    s.failures = failures_.load(std::memory_order_relaxed);
    s.retries = retries_.load(std::memory_order_relaxed);
    s.observe_failures = observe_failures_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::atomic<int64_t> successes_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> observe_failures_{0};
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_ACTUATOR_STATS_H_
