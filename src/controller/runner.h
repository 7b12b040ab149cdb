// The live driver of a ControlLoop: the only code in Limiar that owns a thread and reads a
// clock. It ticks every `tick_interval` and, between ticks, evaluates a single target at
// once when asked to (the fast path for a spike). Every access to the loop (ticks, admin
// reads, mode switches) goes through this class, which serialises them.
#ifndef LIMIAR_CONTROLLER_RUNNER_H_
#define LIMIAR_CONTROLLER_RUNNER_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/controller/control_loop.h"

namespace limiar::controller {

struct RunnerOptions {
  absl::Duration tick_interval = absl::Seconds(15);  // HPA's sync period
  // At most one fast-path evaluation per target within this span, so that a stream of
  // hot samples cannot turn into a stream of evaluations.
  absl::Duration fast_path_min_gap = absl::Milliseconds(500);
};

class Runner {
 public:
  // Observes every tick's duration and outcome (self-metrics). Called on the runner thread.
  using TickObserver = std::function<void(absl::Duration took, const absl::Status& status)>;

  Runner(std::unique_ptr<ControlLoop> loop, Clock* clock, RunnerOptions options,
         TickObserver on_tick = nullptr);
  ~Runner();  // Stops.

  // Called on the runner thread after every pass (tick or fast-path evaluation), with the
  // loop still held: the place to persist state. Set before Start().
  void SetAfterPass(std::function<void(ControlLoop&, absl::Time now)> fn) {
    after_pass_ = std::move(fn);
  }

  // Starts the thread; the first tick runs at once.
  void Start();
  // Finishes the pass in progress, runs no other, and joins. Idempotent.
  void Stop();

  // Asks for an immediate evaluation of `target` (thread-safe, non-blocking).
  void RequestEvaluation(const std::string& target);

  // Runs `fn` with exclusive access to the loop, between passes. Thread-safe.
  void WithLoop(const std::function<void(ControlLoop&)>& fn);
  // Replaces the loop (blueprint reload), between passes: `loop` first inherits from the
  // running one (ControlLoop::InheritFrom), under the same lock, so that no pass can fall
  // between the two and be lost. Thread-safe.
  void ReplaceLoop(std::unique_ptr<ControlLoop> loop);

 private:
  void Run();

  Clock* clock_;
  const RunnerOptions options_;
  TickObserver on_tick_;
  std::function<void(ControlLoop&, absl::Time now)> after_pass_;

  Mutex loop_mu_;
  std::unique_ptr<ControlLoop> loop_ ABSL_GUARDED_BY(loop_mu_);

  Mutex mu_;
  CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::string> fast_queue_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> queued_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> last_fast_ ABSL_GUARDED_BY(mu_);
  // Not guarded: Start and Stop come from the owner's thread, never at once.
  std::thread thread_;
};

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_RUNNER_H_
