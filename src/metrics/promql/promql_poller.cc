#include "src/metrics/promql/promql_poller.h"

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace limiar::metrics {

std::string DescribeHealthChange(const PromQlHealthChange& change) {
  const std::string source =
      absl::StrCat("promql source ", change.target, "/", policy::MetricTypeName(change.metric),
                   " (", change.server_address, ")");
  if (change.error.ok()) {
    return absl::StrCat(source, " answers again after ", change.consecutive_failures,
                        change.consecutive_failures == 1 ? " failed query" : " failed queries");
  }
  return absl::StrCat(source, " failed: ", change.error.ToString(), " (",
                      change.consecutive_failures > 1
                          ? absl::StrCat(change.consecutive_failures, " failed queries in a row; ")
                          : "",
                      "logged again when the error changes or the source recovers)");
}

PromQlPoller::PromQlPoller(std::vector<PromQlSource> sources, PromQlQuerier* querier,
                           SampleStore* store, Clock* clock, PromQlHealthLog log)
    : sources_(std::move(sources)),
      querier_(querier),
      store_(store),
      clock_(clock),
      log_(std::move(log)),
      said_(sources_.size(), SaidOnChange(&ErrorWithDigitsAlike)) {
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
  MutexLock poll_lock(&poll_mu_);
  int ran = 0;
  for (size_t i = 0; i < sources_.size(); ++i) {
    const PromQlSource& source = sources_[i];
    {
      MutexLock lock(&status_mu_);
      if (now < status_[i].next_due) continue;
    }
    // The network call runs without status_mu_, so that SourceStatus() never waits on it.
    absl::StatusOr<PromQlValue> result = querier_->Query(source.query, now);
    absl::Status recorded = result.status();
    if (result.ok()) {
      recorded = store_->AddWholeTarget(source.target, source.metric, result->value, now);
    }
    ++ran;
    std::optional<PromQlHealthChange> change;
    {
      MutexLock lock(&status_mu_);
      PromQlSourceStatus& s = status_[i];
      s.next_due = now + source.query.interval;
      s.last_attempt = now;
      ++s.total_queries;
      // Logged once per kind of failure, and once on recovery (with the failures before it).
      const bool news = said_[i].Note(recorded) != SaidOnChange::Say::kNothing;
      if (news && recorded.ok()) change = HealthChange(source, recorded, s);
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
        if (news) change = HealthChange(source, recorded, s);
      }
    }
    if (change && log_) log_(*change);
  }
  return ran;
}

PromQlHealthChange PromQlPoller::HealthChange(const PromQlSource& source, const absl::Status& error,
                                              const PromQlSourceStatus& status) {
  return {source.target, source.metric, source.query.server_address, error,
          status.consecutive_failures};
}

void PromQlPoller::Start() { worker_.Start(); }

void PromQlPoller::Stop() { worker_.Stop(); }

std::vector<PromQlSourceStatus> PromQlPoller::SourceStatus() const {
  MutexLock lock(&status_mu_);
  return status_;
}

int64_t PromQlPoller::total_errors() const {
  MutexLock lock(&status_mu_);
  return total_errors_;
}

}  // namespace limiar::metrics
