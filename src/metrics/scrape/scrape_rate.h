// The pure part of scraping: which series of one exposition a mapping takes, and how the
// series of a counter become one rate. No I/O, no clock: times are arguments.
//
// Rates follow Prometheus' `sum(rate(x[...]))` over two scrapes, computed per series and
// summed, rather than the rate of the summed value:
//
//   rate = sum over series s seen at both scrapes of  increase(s) / (t(s) - t_prev(s))
//   increase(s) = v(s) - v_prev(s)   when v(s) >= v_prev(s)
//               = v(s)               otherwise: a counter reset (the process restarted), so
//                                    the increase is what it counted since, never negative
//
// Per series because the set of series changes: a series that drops out of one scrape (a
// collector that failed, a line the lenient parser refused) would make a summed value fall
// and read as a reset of everything, and its return as a jump of its whole lifetime count;
// here it just sits out. A series seen for the first time has no rate yet, as in
// Prometheus, and neither has the mapping until at least one of its series has two points.
// t(s) is the sample's own timestamp when the exposition gives one, else the scrape time; a
// series whose timestamp has not moved (an exporter republishing a cached value) keeps
// contributing its last rate, and a scrape in which no series moved yields nothing.
// Series not seen for `kCounterStaleness` are forgotten, so that after a long outage the
// first scrape starts afresh rather than averaging over the gap.
#ifndef LIMIAR_METRICS_SCRAPE_SCRAPE_RATE_H_
#define LIMIAR_METRICS_SCRAPE_SCRAPE_RATE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/metrics/prometheus/prometheus_text.h"
#include "src/metrics/scrape/scrape_config.h"

namespace limiar::metrics {

// Prometheus' staleness period: five minutes.
inline constexpr absl::Duration kCounterStaleness = absl::Minutes(5);

// One matched series at one scrape.
struct SeriesPoint {
  std::string key;  // name and labels: unique within an exposition
  double value = 0;
  absl::Time time;
};

// What a mapping matched in one exposition.
struct MatchedSeries {
  ScrapeKind kind = ScrapeKind::kGauge;  // resolved: kCounter or kGauge
  std::vector<SeriesPoint> points;       // finite values only
  int non_finite = 0;                    // NaN / Inf values left out
};

// The kind a sample has under `auto`: counter for counter families and the cumulative lines
// of histograms and summaries (_bucket, _sum, _count), gauge otherwise.
ScrapeKind AutoKind(const ExpositionSample& sample);

// The series of `exposition` that `mapping` selects, with their kind and times (`scrape_time`
// for samples without a timestamp). InvalidArgument when, under `auto`, the matched series
// mix counters and gauges: a rate and a level do not add up (set `kind` or narrow the
// selector). No points is not an error: the caller decides what nothing means.
absl::StatusOr<MatchedSeries> MatchScrapeMapping(const ParsedExposition& exposition,
                                                 const ScrapeMapping& mapping,
                                                 absl::Time scrape_time);

// What a scrape of `config` keeps while parsing (ParsePrometheusTextLenient's filter): the
// samples some mapping selects, at most config.max_series of them. A line's name passes
// when every `__name__` matcher of some mapping accepts it, so that the lines of other
// families are skipped unread. Safe to call from several threads at once.
SampleFilter MappedSeriesFilter(const ScrapeConfig& config);

// A gauge mapping's value: the sum of its points, at the newest point's time. nullopt when
// there are no points.
struct TimedValue {
  double value = 0;
  absl::Time time;
  friend bool operator==(const TimedValue&, const TimedValue&) = default;
};
std::optional<TimedValue> SumGauge(const std::vector<SeriesPoint>& points);

// One (replica, mapping)'s counter history. Not thread-safe; one scraper thread owns it.
class CounterRates {
 public:
  // Feeds one scrape's points (`now` is the scrape time, for forgetting stale series).
  // Returns the rate per second at the newest point's time, or nullopt when there is none
  // yet (first scrape, only new series, or nothing moved).
  std::optional<TimedValue> Update(const std::vector<SeriesPoint>& points, absl::Time now);

  size_t tracked_series() const { return last_.size(); }

 private:
  struct Last {
    double value = 0;
    absl::Time time;
    std::optional<double> rate;
    absl::Time seen;  // scrape time it was last seen at
  };
  absl::flat_hash_map<std::string, Last> last_;
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_SCRAPE_SCRAPE_RATE_H_
