#include "src/policy/kpa/metric_window.h"

#include <algorithm>

namespace limiar::policy::kpa {
namespace {

// Whole seconds, rounded up, at least one bucket.
int64_t Buckets(absl::Duration window) {
  return std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(window, absl::Seconds(1))));
}

}  // namespace

MetricWindow::MetricWindow(absl::Duration stable_window, absl::Duration panic_window)
    : stable_buckets_(Buckets(stable_window)),
      panic_buckets_(std::min(stable_buckets_, Buckets(panic_window))),
      ring_(static_cast<size_t>(stable_buckets_)) {}

void MetricWindow::Record(absl::Time now, double total) {
  const int64_t second = absl::ToUnixSeconds(now);
  if (length_ > 0) {
    Bucket& last = At(length_ - 1);
    if (second == last.second) {
      last.sum += total;
      ++last.count;
      last.mean = last.sum / last.count;
      return;
    }
    if (second < last.second) length_ = 0;
  }
  // Records that have left the stable window; the ring holds exactly one window of
  // seconds, so a full ring always frees its oldest slot here.
  while (length_ > 0 && At(0).second <= second - stable_buckets_) {
    first_ = (first_ + 1) % static_cast<int>(ring_.size());
    --length_;
  }
  At(length_) = Bucket{second, total, total, 1};
  ++length_;
}

bool MetricWindow::Averages(absl::Time now, double* stable, double* panic) const {
  const int64_t second = absl::ToUnixSeconds(now);
  double stable_sum = 0, panic_sum = 0;
  int stable_n = 0, panic_n = 0;
  // Newest first, so the loop stops at the first record outside the stable window. The
  // index steps down by hand: a modulo per record would cost more than the sums.
  const int capacity = static_cast<int>(ring_.size());
  int slot = (first_ + length_ - 1) % capacity;
  for (int i = 0; i < length_; ++i, slot = slot == 0 ? capacity - 1 : slot - 1) {
    const Bucket& b = ring_[static_cast<size_t>(slot)];
    if (b.second > second) continue;  // recorded after `now`: not part of this window
    if (b.second <= second - stable_buckets_) break;
    stable_sum += b.mean;
    ++stable_n;
    if (b.second > second - panic_buckets_) {
      panic_sum += b.mean;
      ++panic_n;
    }
  }
  if (stable_n == 0) return false;
  *stable = stable_sum / stable_n;
  *panic = panic_n > 0 ? panic_sum / panic_n : 0.0;
  return true;
}

}  // namespace limiar::policy::kpa
