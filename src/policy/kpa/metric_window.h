// The KPA's own metric windowing, for metric sources that do not average over Knative's
// stable and panic windows themselves (MetricObservation without stable_total/panic_total).
#ifndef LIMIAR_POLICY_KPA_METRIC_WINDOW_H_
#define LIMIAR_POLICY_KPA_METRIC_WINDOW_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace limiar::policy::kpa {

// Averages of a per-tick total (the sum over the replicas that reported a value) over the
// stable and the panic window, in one-second buckets like Knative's metric collector:
//
//   bucket(t)    = floor(unix_seconds(t))
//   value(b)     = mean of the totals recorded during second b
//   avg(W, now)  = mean { value(b) : bucket(now) - W < b <= bucket(now), b recorded }
//   stable       = avg(stable_window_s, now)      panic = avg(panic_window_s, now)
//
// One deliberate difference: Knative scrapes every second and divides by every second
// since its first write, so a second without a scrape counts as zero. Here a total only
// arrives when the policy is evaluated (every 2 s by default, 15 s in some loops), so
// seconds without a record are skipped rather than counted as zero; otherwise a 2 s tick
// would halve the observed load. A tick where no replica reported is not recorded either:
// a missing sample is not a zero.
//
// As in Knative, the panic average is 0 when the panic window holds no record, and there
// is no data at all (upstream's ErrNoData) when the stable window holds none.
// Record and Averages are O(records in the stable window) with no allocation after
// construction. Not thread-safe. Its ring looks like MaxTimeWindow's, but each follows its own
// upstream (the collector's averaging buckets, aggregation/max's descending maxima).
class MetricWindow {
 public:
  MetricWindow(absl::Duration stable_window, absl::Duration panic_window);

  // Adds one tick's total. Virtual time running backwards (a replayed trace restarting)
  // clears the window: the history no longer precedes `now`.
  void Record(absl::Time now, double total);
  // False when the stable window holds no record.
  bool Averages(absl::Time now, double* stable, double* panic) const;

  int64_t stable_buckets() const { return stable_buckets_; }
  int64_t panic_buckets() const { return panic_buckets_; }

 private:
  struct Bucket {
    int64_t second = 0;
    double sum = 0;
    double mean = 0;
    int32_t count = 0;
  };
  Bucket& At(int i) { return ring_[static_cast<size_t>((first_ + i) % ring_.size())]; }
  const Bucket& At(int i) const { return ring_[static_cast<size_t>((first_ + i) % ring_.size())]; }

  int64_t stable_buckets_;
  int64_t panic_buckets_;
  std::vector<Bucket> ring_;  // records in ascending seconds, oldest at first_
  int first_ = 0;
  int length_ = 0;
};

}  // namespace limiar::policy::kpa

#endif  // LIMIAR_POLICY_KPA_METRIC_WINDOW_H_
