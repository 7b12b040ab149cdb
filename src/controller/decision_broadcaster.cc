#include "src/controller/decision_broadcaster.h"

#include <algorithm>

namespace limiar::controller {

std::optional<Decision> DecisionBroadcaster::Subscription::Next(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
               [this] { return !queue_.empty() || closed_; });
  if (queue_.empty()) return std::nullopt;
  Decision d = std::move(queue_.front());
  queue_.pop_front();
  return d;
}

uint64_t DecisionBroadcaster::Subscription::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

DecisionBroadcaster::~DecisionBroadcaster() { Close(); }

std::shared_ptr<DecisionBroadcaster::Subscription> DecisionBroadcaster::Subscribe(
    const std::string& target) {
  auto s = std::make_shared<Subscription>();
  s->target_ = target;
  s->capacity_ = capacity_;
  std::lock_guard<std::mutex> lock(mu_);
  subscriptions_.push_back(s);
  subscribed_.notify_all();
  return s;
}

bool DecisionBroadcaster::WaitForSubscribers(size_t n, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return subscribed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                              [&] { return subscriptions_.size() >= n; });
}

void DecisionBroadcaster::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard<std::mutex> lock(mu_);
  subscriptions_.erase(std::remove(subscriptions_.begin(), subscriptions_.end(), subscription),
                       subscriptions_.end());
}

void DecisionBroadcaster::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : subscriptions_) {
    std::lock_guard<std::mutex> sub_lock(s->mu_);
    s->closed_ = true;
    s->cv_.notify_all();
  }
}

void DecisionBroadcaster::OnDecision(const Decision& decision) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : subscriptions_) {
    if (!s->target_.empty() && s->target_ != decision.target) continue;
    std::lock_guard<std::mutex> sub_lock(s->mu_);
    if (s->queue_.size() >= s->capacity_) {
      s->queue_.pop_front();
      ++s->dropped_;
    }
    s->queue_.push_back(decision);
    s->cv_.notify_one();
  }
}

}  // namespace limiar::controller
