// Knative's metric collector for one target and metric (knative.dev/serving
// pkg/autoscaler/metrics/collector.go and stats_scraper.go): each scrape yields the average
// per ready pod, and that average times the number of ready pods is the revision's total at
// that moment; totals go into one-second buckets, and the stable and panic values are the
// averages of the buckets' totals over their windows.
//
//   total(b)   = (sum of ready samples in bucket b / their count) x ready pods at b
//   average(w) = mean of total(b) over the buckets b with samples in (now - w, now]
//
// Recording the total as of the scrape is what keeps a window honest through churn: the
// load that replicas removed inside the window carried stays in it, and a replica added a
// few seconds ago counts only from its first scrape. (Knative fills seconds without a scrape
// with zero; buckets here are averaged only where they hold samples, since pushed samples
// need not arrive every second.)
//
// Memory: one bucket per second that had samples, trimmed by the caller. Not thread-safe.
#ifndef LIMIAR_METRICS_STORE_COLLECTOR_WINDOW_H_
#define LIMIAR_METRICS_STORE_COLLECTOR_WINDOW_H_

#include <cstdint>
#include <deque>
#include <optional>

#include "absl/time/time.h"

namespace limiar::metrics {

class CollectorWindow {
 public:
  // One ready replica's sample at `time`, with `ready_replicas` ready at that moment (the
  // sample's own replica included).
  void Record(absl::Time time, double value, int ready_replicas);
  // The mean of the buckets' totals in (from, now]; nullopt when none holds a sample.
  std::optional<double> Average(absl::Time from, absl::Time now) const;
  // Drops the buckets at or before `cutoff`.
  void TrimBefore(absl::Time cutoff);
  bool empty() const { return buckets_.empty(); }

 private:
  struct Bucket {
    int64_t second;  // Unix seconds, floor of the samples' times
    double sum = 0;
    int count = 0;
    int ready = 0;  // as of the bucket's latest sample
  };
  std::deque<Bucket> buckets_;  // ascending `second`
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_STORE_COLLECTOR_WINDOW_H_
