#include "src/metrics/store/collector_window.h"

#include <algorithm>
#include <cmath>

namespace limiar::metrics {
namespace {

// The whole second `t` falls in (ToUnixSeconds rounds toward the infinite past).
int64_t SecondOf(absl::Time t) { return absl::ToUnixSeconds(t); }

}  // namespace

void CollectorWindow::Record(absl::Time time, double value, int ready_replicas) {
  const int64_t second = SecondOf(time);
  // Nearly always the newest bucket or a new one after it; a late sample finds its own.
  auto it = buckets_.end();
  if (buckets_.empty() || buckets_.back().second < second) {
    buckets_.push_back({second});
    it = buckets_.end() - 1;
  } else if (buckets_.back().second == second) {
    it = buckets_.end() - 1;  // the scrape's other replicas: no search
  } else {
    it = std::lower_bound(buckets_.begin(), buckets_.end(), second,
                          [](const Bucket& b, int64_t s) { return b.second < s; });
    if (it == buckets_.end() || it->second != second) it = buckets_.insert(it, {second});
  }
  it->sum += value;
  ++it->count;
  it->ready = ready_replicas;
}

std::optional<double> CollectorWindow::Average(absl::Time from, absl::Time now) const {
  // A bucket belongs to the window when its second does: (from, now] in whole seconds, as
  // the per-point windows of the store count a point at `from` out and one at `now` in.
  double sum = 0;
  int n = 0;
  for (auto b = buckets_.rbegin(); b != buckets_.rend(); ++b) {
    const absl::Time start = absl::FromUnixSeconds(b->second);
    if (start > now) continue;
    if (start <= from) break;
    sum += b->sum / b->count * b->ready;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

void CollectorWindow::TrimBefore(absl::Time cutoff) {
  while (!buckets_.empty() && absl::FromUnixSeconds(buckets_.front().second) <= cutoff) {
    buckets_.pop_front();
  }
}

}  // namespace limiar::metrics
