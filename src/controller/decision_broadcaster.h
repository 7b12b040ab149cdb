// Fans decisions out to any number of watchers (the admin WatchDecisions stream). Each
// watcher has a bounded queue: a watcher that does not keep up loses its oldest decisions
// (counted), never slows the control loop.
#ifndef LIMIAR_CONTROLLER_DECISION_BROADCASTER_H_
#define LIMIAR_CONTROLLER_DECISION_BROADCASTER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/common/mutex.h"
#include "src/controller/decision.h"

namespace limiar::controller {

class DecisionBroadcaster final : public DecisionSink {
 public:
  class Subscription {
   public:
    // The next decision, or nullopt after `timeout` without one or once closed.
    std::optional<Decision> Next(absl::Duration timeout);
    bool closed() const {
      MutexLock lock(&mu_);
      return closed_;
    }
    uint64_t dropped() const;

   private:
    friend class DecisionBroadcaster;
    mutable Mutex mu_;
    CondVar cv_;
    std::deque<Decision> queue_ ABSL_GUARDED_BY(mu_);
    // Set before the subscription is shared, read-only after.
    std::string target_;  // empty: all
    size_t capacity_ = 0;
    uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
    bool closed_ ABSL_GUARDED_BY(mu_) = false;
  };

  explicit DecisionBroadcaster(size_t queue_capacity = 1024) : capacity_(queue_capacity) {}
  ~DecisionBroadcaster() override;

  // Subscribes to decisions of `target` (empty: every target). Thread-safe.
  std::shared_ptr<Subscription> Subscribe(const std::string& target);
  void Unsubscribe(const std::shared_ptr<Subscription>& subscription);
  size_t subscriber_count() {
    MutexLock lock(&mu_);
    return subscriptions_.size();
  }
  // Waits until at least `n` watchers are subscribed; false after `timeout` without.
  bool WaitForSubscribers(size_t n, absl::Duration timeout);
  // Wakes every watcher for good (shutdown).
  void Close();

  void OnDecision(const Decision& decision) override;

 private:
  const size_t capacity_;
  Mutex mu_;
  CondVar subscribed_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_ ABSL_GUARDED_BY(mu_);
};

// Passes each decision to several sinks in order.
class FanoutSink final : public DecisionSink {
 public:
  explicit FanoutSink(std::vector<DecisionSink*> sinks) : sinks_(std::move(sinks)) {}
  void OnDecision(const Decision& decision) override {
    for (DecisionSink* s : sinks_) s->OnDecision(decision);
  }

 private:
  std::vector<DecisionSink*> sinks_;
};

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_DECISION_BROADCASTER_H_
