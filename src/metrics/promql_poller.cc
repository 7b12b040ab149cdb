#include "src/metrics/promql_poller.h"

#include <chrono>
#include <utility>

namespace limiar::metrics {

PromQlPoller::PromQlPoller(std::vector<PromQlSource> sources, PromQlQuerier* querier,
                           SampleStore* store, Clock* clock)
    : sources_(std::move(sources)), querier_(querier), store_(store), clock_(clock) {
  status_.reserve(sources_.size());
  for (const PromQlSource& source : sources_) {
    PromQlSourceStatus s;
    s.target = source.target;
    s.metric = source.metric;
    s.server_address = source.query.server_address;
    s.query = source.query.query;
    status_.push_back(std::move(s));
  }
}

PromQlPoller::~PromQlPoller() { Stop(); }

int PromQlPoller::PollDue(absl::Time now) {
  std::lock_guard<std::mutex> poll_lock(poll_mu_);
  int ran = 0;
  for (size_t i = 0; i < sources_.size(); ++i) {
    const PromQlSource& source = sources_[i];
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      if (now < status_[i].next_due) continue;
    }
    // The network call runs without status_mu_, so that SourceStatus() never waits on it.
    absl::StatusOr<PromQlValue> result = querier_->Query(source.query, now);
    absl::Status recorded = result.status();
    if (result.ok()) {
      recorded = store_->AddWholeTarget(source.target, source.metric, result->value, now);
    }
    ++ran;
    std::lock_guard<std::mutex> lock(status_mu_);
    PromQlSourceStatus& s = status_[i];
    s.next_due = now + source.query.interval;
    s.last_attempt = now;
    ++s.total_queries;
    if (recorded.ok()) {
      s.last_success = now;
      s.last_value = result->value;
      s.last_null_replaced = result->null_replaced;
      s.consecutive_failures = 0;
    } else {
      s.last_error = recorded;
      s.last_error_time = now;
      ++s.consecutive_failures;
      ++s.total_errors;
      ++total_errors_;
    }
  }
  return ran;
}

void PromQlPoller::Start() { worker_.Start(); }

void PromQlPoller::Stop() { worker_.Stop(); }

std::vector<PromQlSourceStatus> PromQlPoller::SourceStatus() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

int64_t PromQlPoller::total_errors() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return total_errors_;
}

}  // namespace limiar::metrics
