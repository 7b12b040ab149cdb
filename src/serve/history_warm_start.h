// Warm-starts the forecasting policy (`previsao`) from Prometheus: for each target that
// forecasts a metric read by a PromQL source, reads that query's past minutes with
// query_range, as far back as the history the target keeps (`historico_dias`), and merges
// them into the history it has (the state file's, or none), so that a new install
// forecasts on its first day and a restart after an outage has no hole. Minutes Limiar
// observed itself win over the ones read.
//
// It runs on a thread of its own, one source after another, while the control loop runs: a
// slow or absent Prometheus delays the forecast (which says "not yet"), never a decision.
#ifndef LIMIAR_SERVE_HISTORY_WARM_START_H_
#define LIMIAR_SERVE_HISTORY_WARM_START_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/common/periodic_worker.h"
#include "src/controller/runner.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/promql/promql_poller.h"
#include "src/policy/policy_config.h"

namespace limiar::serve {

// One forecast metric and the query its history is read with.
struct WarmStartSource {
  std::string target;
  size_t metric_index = 0;  // in the target's `metrics`, as PolicyState::load_history
  policy::MetricType metric = policy::MetricType::kRequests;
  size_t history_minutes = 0;
  metrics::PromQlQuery query;
};

// The sources of the targets that forecast, in the targets' order.
std::vector<WarmStartSource> WarmStartSources(const std::vector<policy::TargetPolicy>& targets,
                                              const std::vector<metrics::PromQlSource>& promql);

class HistoryWarmStart {
 public:
  // Called with one line per source, on the warm start's thread; `failed` for a warning.
  using Log = std::function<void(const std::string& line, bool failed)>;

  // `querier`, `runner` and `clock` must outlive this.
  HistoryWarmStart(metrics::PromQlRangeQuerier* querier, controller::Runner* runner, Clock* clock,
                   Log log);
  ~HistoryWarmStart();  // Stop
  HistoryWarmStart(const HistoryWarmStart&) = delete;
  HistoryWarmStart& operator=(const HistoryWarmStart&) = delete;

  // Queues `sources` (at start, and after a reload, which may have turned a forecast on).
  // Thread-safe, non-blocking.
  void Add(std::vector<WarmStartSource> sources);
  // Reads no other source; returns once the one being read is done. Idempotent.
  void Stop();

  // What one source's warm start did, as logged. Public for tests.
  struct Outcome {
    std::string line;
    bool failed = false;
  };
  Outcome WarmStart(const WarmStartSource& source, absl::Time now);

 private:
  void Drain();

  metrics::PromQlRangeQuerier* const querier_;
  controller::Runner* const runner_;
  Clock* const clock_;
  const Log log_;
  std::atomic<bool> stopping_{false};
  Mutex mu_;
  std::deque<WarmStartSource> queue_ ABSL_GUARDED_BY(mu_);
  PeriodicWorker worker_{absl::Seconds(1), [this] { Drain(); }};
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_HISTORY_WARM_START_H_
