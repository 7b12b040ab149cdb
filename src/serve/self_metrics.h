// Limiar's own metrics (house rule 6: every loop reports its own health), in a
// prometheus-cpp registry served at /metrics: per target current/desired/ready replicas,
// bounds, mode, panic, fallback, each metric's utilization and its value against its target
// (what KEDA's keda_scaler_metrics_value gives a dashboard), decisions by reason; tick and
// ingest batch durations, ingest accepted/rejected, actuator successes/failures/retries,
// scrape and query failures. The chart's dashboard and alert rules read these
// (charts/limiar/files): a test checks each name they use is here.
#ifndef LIMIAR_SERVE_SELF_METRICS_H_
#define LIMIAR_SERVE_SELF_METRICS_H_

#include <array>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "src/common/mutex.h"
#include "src/controller/decision.h"

namespace limiar::serve {

class SelfMetrics final : public controller::DecisionSink {
 public:
  SelfMetrics();

  // Per decision: replica gauges, utilization per metric, decisions by reason.
  void OnDecision(const controller::Decision& d) override;
  // Per full tick.
  void ObserveTick(absl::Duration took, bool ok);
  // Per push batch, on the gRPC thread that handled it.
  void ObserveIngestBatch(absl::Duration took);

  // Counters that live elsewhere (ingest, actuator, scrape, PromQL) are read at scrape
  // time: each source registers a function returning its current totals.
  struct Totals {
    uint64_t ingest_accepted = 0;
    uint64_t ingest_rejected = 0;
    uint64_t actuator_successes = 0;
    uint64_t actuator_failures = 0;
    uint64_t actuator_retries = 0;
    uint64_t scrape_failures = 0;
    uint64_t query_failures = 0;
    uint64_t state_write_failures = 0;
    // This copy may actuate: it holds the leader election's Lease, or none is configured.
    bool leader = true;
  };
  void SetTotalsSource(std::function<Totals()> source);

  // The exposition text (format 0.0.4) of everything above.
  std::string Render();

 private:
  // One target's series, found once: prometheus-cpp hashes a whole label map on every
  // Family::Add, and five of those per decision were a tenth of a 10,000-target tick.
  // A gauge and the value last set on it: most decisions repeat the last one, and setting
  // a gauge that does not change still reaches into a cold cache line of prometheus-cpp's
  // (a tenth of the tick thread's time over 10,000 targets).
  struct CachedGauge {
    prometheus::Gauge* gauge = nullptr;
    double value = std::numeric_limits<double>::quiet_NaN();
    void Set(double v) {
      if (v == value) return;
      gauge->Set(v);
      value = v;
    }
  };
  struct MetricSeries {  // by MetricType; the gauges made on the metric's first valid value
    CachedGauge utilization;
    CachedGauge value;
    CachedGauge target;
    CachedGauge forecast_load;  // made on the metric's first forecast
  };
  struct ForecastSeries {  // made on the target's first decision with a forecast
    CachedGauge ready;
    CachedGauge floor;
    CachedGauge error_ratio;  // made on the first error known
  };
  struct TargetSeries {
    CachedGauge current;
    CachedGauge desired;
    CachedGauge ready;
    CachedGauge min;
    CachedGauge max;
    CachedGauge panic;
    CachedGauge fallback;
    CachedGauge scaling_active;
    std::array<CachedGauge, 3> mode;  // by policy::Mode: 1 for the target's mode
    std::array<MetricSeries, 3> metrics;
    ForecastSeries forecast;
    std::map<std::string, prometheus::Counter*, std::less<>> decisions;  // by reason
    // The last decision's reason and its counter: the map is searched when it changes.
    std::string last_reason;
    prometheus::Counter* last_reason_counter = nullptr;
    prometheus::Counter* up = nullptr;
    prometheus::Counter* down = nullptr;
  };
  TargetSeries& SeriesOf(const std::string& target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  MetricSeries& MetricSeriesOf(TargetSeries& t, const std::string& target,
                               policy::MetricType metric) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RefreshTotals() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetForecast(TargetSeries& t, const std::string& target, const policy::ForecastNote& f)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& current_;
  prometheus::Family<prometheus::Gauge>& desired_;
  prometheus::Family<prometheus::Gauge>& ready_;
  prometheus::Family<prometheus::Gauge>& min_;
  prometheus::Family<prometheus::Gauge>& max_;
  prometheus::Family<prometheus::Gauge>& mode_;
  prometheus::Family<prometheus::Gauge>& panic_;
  prometheus::Family<prometheus::Gauge>& fallback_;
  prometheus::Family<prometheus::Gauge>& scaling_active_;
  prometheus::Family<prometheus::Gauge>& utilization_;
  prometheus::Family<prometheus::Gauge>& metric_value_;
  prometheus::Family<prometheus::Gauge>& metric_target_;
  prometheus::Family<prometheus::Gauge>& forecast_ready_;
  prometheus::Family<prometheus::Gauge>& forecast_load_;
  prometheus::Family<prometheus::Gauge>& forecast_floor_;
  prometheus::Family<prometheus::Gauge>& forecast_error_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Family<prometheus::Counter>& scale_events_;
  prometheus::Histogram& tick_seconds_;
  prometheus::Histogram& ingest_batch_seconds_;  // thread-safe itself: no mu_
  prometheus::Counter& ticks_failed_;
  // Counters kept elsewhere, mirrored by adding the growth since the last render.
  prometheus::Family<prometheus::Counter>& ingest_;
  prometheus::Family<prometheus::Counter>& actuator_;
  prometheus::Counter& scrape_failures_;
  prometheus::Counter& query_failures_;
  prometheus::Counter& state_failures_;
  prometheus::Gauge& leader_;
  Totals last_ ABSL_GUARDED_BY(mu_);
  // The targets of the configuration (a reload adds to them): bounded by it.
  absl::flat_hash_map<std::string, TargetSeries> targets_ ABSL_GUARDED_BY(mu_);

  Mutex mu_;  // decisions come from the runner, renders from the HTTP thread
  std::function<Totals()> totals_source_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_SELF_METRICS_H_
