// The running maximum behind Knative's scale-down delay (knative/serving
// pkg/autoscaler/aggregation/max: TimeWindow over a descending-maxima window).
#ifndef LIMIAR_POLICY_KPA_MAX_TIME_WINDOW_H_
#define LIMIAR_POLICY_KPA_MAX_TIME_WINDOW_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace limiar::policy::kpa {

// Maximum of the values recorded in the last `duration` of virtual time:
//
//   bucket(t) = floor(unix_seconds(t) / granularity_s)
//   size      = ceil(duration / granularity)
//   Current() = max { v recorded in bucket b : last_bucket - b < size }
//
// The window is a ring of (bucket, value) entries whose values strictly descend from the
// oldest to the newest: a new value evicts every newer-or-equal entry it is not smaller
// than (it is at least as large and more recent, so they can never be the maximum again),
// entries `size` or more buckets older than the new one fall off the front, and two
// records in one bucket keep the larger. The oldest entry is therefore the maximum.
// Record is amortized O(1), Current O(1), and nothing is allocated after construction.
//
// Like upstream, expiry happens on Record: Current() is the maximum over the window that
// ends at the most recent record, which is what the decider asks right after recording.
// Not thread-safe.
class MaxTimeWindow {
 public:
  // `granularity` is whole seconds (Knative's 2 s tick); anything below 1 s counts as 1 s.
  MaxTimeWindow(absl::Duration duration, absl::Duration granularity);

  void Record(absl::Time now, int32_t value);
  // 0 before the first record.
  int32_t Current() const;
  // The live entries, oldest first, as (start of bucket, value): recording them again in
  // order into a fresh window of the same shape rebuilds this one (state files).
  std::vector<std::pair<absl::Time, int32_t>> Entries() const;
  // Number of buckets the window spans.
  int size() const { return static_cast<int>(ring_.size()); }

 private:
  struct Entry {
    int64_t bucket = 0;
    int32_t value = 0;
  };
  int Slot(int i) const { return i % size(); }

  std::vector<Entry> ring_;
  int64_t granularity_s_;
  int first_ = 0;
  int length_ = 0;
};

}  // namespace limiar::policy::kpa

#endif  // LIMIAR_POLICY_KPA_MAX_TIME_WINDOW_H_
