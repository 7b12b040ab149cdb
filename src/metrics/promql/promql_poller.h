// Runs each target's PromQL query on its interval and records the result in the sample
// store as the target's whole-target value, stamped with the time the query was evaluated
// at. A query that fails records nothing: the value goes missing (and, after the store's
// max_age, stale), never zero. The one exception is KEDA's: with ignore_null_values an
// empty result counts as 0 (see promql_client.h).
//
// PollDue is the whole logic and takes `now`, so tests drive it with a ManualClock and no
// threads; Start() merely calls it once a second on the poller's own thread.
#ifndef LIMIAR_METRICS_PROMQL_PROMQL_POLLER_H_
#define LIMIAR_METRICS_PROMQL_PROMQL_POLLER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/common/periodic_worker.h"
#include "src/common/said_once.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy_config.h"

namespace limiar::metrics {

// One target metric observed through one query.
struct PromQlSource {
  std::string target;  // the target compute's `nome`, as the store keys it
  policy::MetricType metric = policy::MetricType::kRequests;
  PromQlQuery query;
};

// What the poller knows about one source, for status pages and `explain`.
struct PromQlSourceStatus {
  std::string target;
  policy::MetricType metric = policy::MetricType::kRequests;
  std::string server_address;
  std::string query;
  absl::Time next_due = absl::InfinitePast();
  absl::Time last_attempt = absl::InfinitePast();
  absl::Time last_success = absl::InfinitePast();
  // The value recorded by the last success.
  std::optional<double> last_value;
  // Set when that value is KEDA's stand-in 0 (e.g. "empty result", "NaN").
  std::string last_null_replaced;
  // The most recent failure, kept after later successes; OK if there never was one.
  absl::Status last_error;
  absl::Time last_error_time = absl::InfinitePast();
  // Failures since the last success: 0 while the source is healthy. What KEDA's fallback
  // `failureThreshold` counts.
  int64_t consecutive_failures = 0;
  int64_t total_queries = 0;
  int64_t total_errors = 0;
};

// A change in one source's health, for the service's log: a failure unlike the one before
// it (so that a source that fails at every poll is logged once, not every poll), or the
// first success after failures.
struct PromQlHealthChange {
  std::string target;
  policy::MetricType metric = policy::MetricType::kRequests;
  std::string server_address;
  absl::Status error;  // OK: the source answers again
  // Failures in a row: so far (this one included), or before the recovery.
  int64_t consecutive_failures = 0;
};

// One log line for a change, e.g. "promql source web/requests failed: UNAVAILABLE: ...".
std::string DescribeHealthChange(const PromQlHealthChange& change);

// Called on the polling thread, after the source's status is updated, with no lock held.
using PromQlHealthLog = std::function<void(const PromQlHealthChange&)>;

class PromQlPoller {
 public:
  // `querier`, `store` and `clock` must outlive the poller. `clock` is read only by the
  // thread that Start() runs. `log`, if set, hears of each health change.
  PromQlPoller(std::vector<PromQlSource> sources, PromQlQuerier* querier, SampleStore* store,
               Clock* clock, PromQlHealthLog log = nullptr);
  // Stops the thread if it runs.
  ~PromQlPoller();
  PromQlPoller(const PromQlPoller&) = delete;
  PromQlPoller& operator=(const PromQlPoller&) = delete;

  // Runs, one after the other, every query whose interval has elapsed at `now` (all of
  // them on the first call), evaluated at `now`. The next run of each is `interval` after
  // this one: a late tick shifts the schedule rather than firing a burst to catch up.
  // Returns how many queries ran. Blocks while they run (each up to its timeout); calls
  // from several threads are serialised.
  int PollDue(absl::Time now);

  // Calls PollDue(clock->Now()) at once and then about every second on a thread of its
  // own, until Stop(). No-op if already running.
  void Start();
  // Returns once the thread has ended, which may take as long as a query in flight (its
  // timeout). No-op if not running.
  void Stop();

  // One entry per source, in the constructor's order. Thread-safe; never waits for a query.
  std::vector<PromQlSourceStatus> SourceStatus() const;
  // Failed queries since construction, across sources.
  int64_t total_errors() const;

 private:
  static PromQlHealthChange HealthChange(const PromQlSource& source, const absl::Status& error,
                                         const PromQlSourceStatus& status);

  const std::vector<PromQlSource> sources_;
  PromQlQuerier* const querier_;
  SampleStore* const store_;
  Clock* const clock_;
  const PromQlHealthLog log_;

  Mutex poll_mu_;  // serialises PollDue
  // Per source, what was last logged of its health.
  std::vector<SaidOnChange> said_ ABSL_GUARDED_BY(poll_mu_);
  mutable Mutex status_mu_;
  std::vector<PromQlSourceStatus> status_ ABSL_GUARDED_BY(status_mu_);  // parallel to sources_
  int64_t total_errors_ ABSL_GUARDED_BY(status_mu_) = 0;

  PeriodicWorker worker_{absl::Seconds(1), [this] { PollDue(clock_->Now()); }};
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMQL_PROMQL_POLLER_H_
