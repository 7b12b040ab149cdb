#include "src/controller/runner.h"

namespace limiar::controller {

Runner::Runner(std::unique_ptr<ControlLoop> loop, Clock* clock, RunnerOptions options,
               TickObserver on_tick)
    : clock_(clock), options_(options), on_tick_(std::move(on_tick)), loop_(std::move(loop)) {}

Runner::~Runner() { Stop(); }

void Runner::Start() {
  MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void Runner::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

void Runner::RequestEvaluation(const std::string& target) {
  {
    MutexLock lock(&mu_);
    if (stopping_ || queued_.contains(target)) return;
    const absl::Time now = clock_->Now();
    auto last = last_fast_.find(target);
    if (last != last_fast_.end() && now - last->second < options_.fast_path_min_gap) return;
    last_fast_[target] = now;
    queued_.insert(target);
    fast_queue_.push_back(target);
  }
  wake_.SignalAll();
}

void Runner::WithLoop(const std::function<void(ControlLoop&)>& fn) {
  MutexLock lock(&loop_mu_);
  fn(*loop_);
}

void Runner::ReplaceLoop(std::unique_ptr<ControlLoop> loop) {
  MutexLock lock(&loop_mu_);
  loop->InheritFrom(*loop_);
  loop_ = std::move(loop);
}

void Runner::Run() {
  absl::Time next_tick = clock_->Now();
  mu_.Lock();
  while (!stopping_) {
    if (fast_queue_.empty() && clock_->Now() < next_tick) {
      // The condition variable waits in real time; the clock says how long.
      const absl::Duration left = next_tick - clock_->Now();
      // A wake-up for a fast target or Stop(), a spurious one or the end of the wait:
      // the loop looks again in every case.
      wake_.WaitWithTimeout(&mu_, left);
      continue;
    }
    if (!fast_queue_.empty()) {
      const std::string target = fast_queue_.front();
      fast_queue_.pop_front();
      queued_.erase(target);
      mu_.Unlock();
      {
        MutexLock loop_lock(&loop_mu_);
        // An unknown target (removed by a reload) is simply skipped.
        const absl::Time now = clock_->Now();
        if (loop_->TickTarget(now, target).code() != absl::StatusCode::kNotFound && after_pass_) {
          after_pass_(*loop_, now);
        }
      }
      mu_.Lock();
      continue;
    }
    mu_.Unlock();
    const absl::Time start = clock_->Now();
    absl::Status status;
    {
      MutexLock loop_lock(&loop_mu_);
      status = loop_->Tick(start);
      if (after_pass_) after_pass_(*loop_, start);
    }
    if (on_tick_) on_tick_(clock_->Now() - start, status);
    // Ticks keep their cadence; after a long stall the next one runs at once, not a burst.
    next_tick += options_.tick_interval;
    if (next_tick < clock_->Now()) next_tick = clock_->Now();
    mu_.Lock();
  }
  mu_.Unlock();
}

}  // namespace limiar::controller
