#include "src/controller/decision_broadcaster.h"

#include <algorithm>

namespace limiar::controller {

std::optional<Decision> DecisionBroadcaster::Subscription::Next(absl::Duration timeout) {
  MutexLock lock(&mu_);
  const CondVar::Deadline deadline = CondVar::After(timeout);
  while (queue_.empty() && !closed_) {
    if (cv_.WaitUntil(&mu_, deadline)) break;
  }
  if (queue_.empty()) return std::nullopt;
  Decision d = std::move(queue_.front());
  queue_.pop_front();
  return d;
}

uint64_t DecisionBroadcaster::Subscription::dropped() const {
  MutexLock lock(&mu_);
  return dropped_;
}

DecisionBroadcaster::~DecisionBroadcaster() { Close(); }

std::shared_ptr<DecisionBroadcaster::Subscription> DecisionBroadcaster::Subscribe(
    const std::string& target) {
  auto s = std::make_shared<Subscription>();
  s->target_ = target;
  s->capacity_ = capacity_;
  MutexLock lock(&mu_);
  subscriptions_.push_back(s);
  subscribed_.SignalAll();
  return s;
}

bool DecisionBroadcaster::WaitForSubscribers(size_t n, absl::Duration timeout) {
  MutexLock lock(&mu_);
  const CondVar::Deadline deadline = CondVar::After(timeout);
  while (subscriptions_.size() < n) {
    if (subscribed_.WaitUntil(&mu_, deadline)) return subscriptions_.size() >= n;
  }
  return true;
}

void DecisionBroadcaster::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  MutexLock lock(&mu_);
  subscriptions_.erase(std::remove(subscriptions_.begin(), subscriptions_.end(), subscription),
                       subscriptions_.end());
}

void DecisionBroadcaster::Close() {
  MutexLock lock(&mu_);
  for (const auto& s : subscriptions_) {
    MutexLock sub_lock(&s->mu_);
    s->closed_ = true;
    s->cv_.SignalAll();
  }
}

void DecisionBroadcaster::OnDecision(const Decision& decision) {
  MutexLock lock(&mu_);
  for (const auto& s : subscriptions_) {
    if (!s->target_.empty() && s->target_ != decision.target) continue;
    MutexLock sub_lock(&s->mu_);
    if (s->queue_.size() >= s->capacity_) {
      s->queue_.pop_front();
      ++s->dropped_;
    }
    s->queue_.push_back(decision);
    s->cv_.Signal();
  }
}

}  // namespace limiar::controller
