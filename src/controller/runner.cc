#include "src/controller/runner.h"

#include <chrono>

namespace limiar::controller {

Runner::Runner(std::unique_ptr<ControlLoop> loop, Clock* clock, RunnerOptions options,
               TickObserver on_tick)
    : clock_(clock), options_(options), on_tick_(std::move(on_tick)), loop_(std::move(loop)) {}

Runner::~Runner() { Stop(); }

void Runner::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void Runner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Runner::RequestEvaluation(const std::string& target) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queued_.contains(target)) return;
    const absl::Time now = clock_->Now();
    auto last = last_fast_.find(target);
    if (last != last_fast_.end() && now - last->second < options_.fast_path_min_gap) return;
    last_fast_[target] = now;
    queued_.insert(target);
    fast_queue_.push_back(target);
  }
  wake_.notify_all();
}

void Runner::WithLoop(const std::function<void(ControlLoop&)>& fn) {
  std::lock_guard<std::mutex> lock(loop_mu_);
  fn(*loop_);
}

void Runner::ReplaceLoop(std::unique_ptr<ControlLoop> loop) {
  std::lock_guard<std::mutex> lock(loop_mu_);
  loop->InheritFrom(*loop_);
  loop_ = std::move(loop);
}

void Runner::Run() {
  absl::Time next_tick = clock_->Now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (fast_queue_.empty() && clock_->Now() < next_tick) {
      // The condition variable waits in real time; the clock says how long.
      const absl::Duration left = next_tick - clock_->Now();
      wake_.wait_for(lock, absl::ToChronoNanoseconds(left),
                     [this] { return stopping_ || !fast_queue_.empty(); });
      continue;
    }
    if (!fast_queue_.empty()) {
      const std::string target = fast_queue_.front();
      fast_queue_.pop_front();
      queued_.erase(target);
      lock.unlock();
      {
        std::lock_guard<std::mutex> loop_lock(loop_mu_);
        // An unknown target (removed by a reload) is simply skipped.
        const absl::Time now = clock_->Now();
        if (loop_->TickTarget(now, target).code() != absl::StatusCode::kNotFound && after_pass_) {
          after_pass_(*loop_, now);
        }
      }
      lock.lock();
      continue;
    }
    lock.unlock();
    const absl::Time start = clock_->Now();
    absl::Status status;
    {
      std::lock_guard<std::mutex> loop_lock(loop_mu_);
      status = loop_->Tick(start);
      if (after_pass_) after_pass_(*loop_, start);
    }
    if (on_tick_) on_tick_(clock_->Now() - start, status);
    // Ticks keep their cadence; after a long stall the next one runs at once, not a burst.
    next_tick += options_.tick_interval;
    if (next_tick < clock_->Now()) next_tick = clock_->Now();
    lock.lock();
  }
}

}  // namespace limiar::controller
