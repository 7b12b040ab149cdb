#include "src/policy/kpa/max_time_window.h"

#include <algorithm>

namespace limiar::policy::kpa {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

MaxTimeWindow::MaxTimeWindow(absl::Duration duration, absl::Duration granularity)
    : granularity_s_(std::max<int64_t>(1, absl::ToInt64Seconds(granularity))) {
  // ceil(duration / granularity), at least one bucket so Record always has a slot.
  const absl::Duration g = absl::Seconds(granularity_s_);
  int64_t buckets = absl::IDivDuration(duration, g, &duration);
  if (duration > absl::ZeroDuration()) ++buckets;
  ring_.resize(static_cast<size_t>(std::max<int64_t>(1, buckets)));
}

void MaxTimeWindow::Record(absl::Time now, int32_t value) {
  const int64_t bucket = FloorDiv(absl::ToUnixSeconds(now), granularity_s_);
  // Newer entries that are not larger than `value` can never be the maximum again.
  while (length_ > 0 && value >= ring_[Slot(first_ + length_ - 1)].value) --length_;
  // Entries `size` or more buckets older than this one have left the window.
  while (length_ > 0 && bucket - ring_[first_].bucket >= size()) {
    --length_;
    first_ = Slot(first_ + 1);
  }
  // A second record in the same bucket keeps the larger value.
  if (length_ > 0) {
    const Entry& last = ring_[Slot(first_ + length_ - 1)];
    if (last.bucket == bucket) {
      value = std::max(value, last.value);
      --length_;
    }
  }
  // Only reachable when virtual time runs backwards: keep the ring's bound regardless.
  if (length_ == size()) {
    --length_;
    first_ = Slot(first_ + 1);
  }
  ring_[Slot(first_ + length_)] = Entry{bucket, value};
  ++length_;
}

int32_t MaxTimeWindow::Current() const { return ring_[first_].value; }

std::vector<std::pair<absl::Time, int32_t>> MaxTimeWindow::Entries() const {
  std::vector<std::pair<absl::Time, int32_t>> out;
  out.reserve(length_);
  for (int i = 0; i < length_; ++i) {
    const Entry& e = ring_[Slot(first_ + i)];
    out.emplace_back(absl::FromUnixSeconds(e.bucket * granularity_s_), e.value);
  }
  return out;
}

}  // namespace limiar::policy::kpa
