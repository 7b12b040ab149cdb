#include "src/sim/engine/run_summary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "src/common/mix64.h"
#include "src/sim/model/memo_table.h"

namespace limiar::sim {
namespace {

constexpr double kMinMs = 0.01;
constexpr double kGrowth = 1.01;
const double kLogGrowth = std::log(kGrowth);
constexpr int kBuckets = 1852;  // 0.01 ms x 1.01^1852 ~ 1e6 ms

int BucketOf(double ms) {
  if (ms <= kMinMs) return 0;
  const int b = static_cast<int>(std::log(ms / kMinMs) / kLogGrowth) + 1;
  return std::min(b, kBuckets - 1);
}

// BucketOf's logarithm, remembered per thread: a replay's latencies repeat (they are a
// function of load and replicas) and each step adds three.
int CachedBucketOf(double ms) {
  thread_local MemoTable<double, int, 13> memo;
  return memo.Get(ms, Mix64(std::bit_cast<uint64_t>(ms)), BucketOf);
}

double BucketValue(int b) { return b == 0 ? 0.0 : kMinMs * std::pow(kGrowth, b); }

}  // namespace

LatencyHistogram::LatencyHistogram() : weight_(kBuckets, 0.0) {}

void LatencyHistogram::Add(double ms, double weight) {
  if (weight <= 0) return;
  if (ms != last_ms_) {
    last_ms_ = ms;
    last_bucket_ = CachedBucketOf(ms);
  }
  weight_[last_bucket_] += weight;
  total_ += weight;
}

double LatencyHistogram::Quantile(double q) const {
  if (total_ <= 0) return 0;
  const double want = q * total_;
  double seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += weight_[b];
    if (seen >= want && weight_[b] > 0) return BucketValue(b);
  }
  return BucketValue(kBuckets - 1);
}

RunSummary::RunSummary(const SloSpec& slo, double step_s, double merge_gap_s, double price_per_hour,
                       std::optional<SpikeWindow> spike)
    : slo_(slo),
      step_s_(step_s),
      merge_gap_s_(merge_gap_s),
      price_(price_per_hour),
      spike_(spike) {}

void RunSummary::Add(TimelineRow& row, double arrived, double served, int32_t billed_replicas) {
  const double slo_ms = slo_.latency_percentile == 50   ? row.p50_ms
                        : slo_.latency_percentile == 99 ? row.p99_ms
                                                        : row.p95_ms;
  row.slo_violated =
      slo_ms > slo_.latency_ms || (arrived > 0 && row.dropped / arrived > slo_.max_drop_rate);
  if (row.slo_violated) s_.slo_violation_s += step_s_;
  p50_.Add(row.p50_ms, served);
  p95_.Add(row.p95_ms, served);
  p99_.Add(row.p99_ms, served);
  s_.requests += arrived;
  s_.dropped += row.dropped;
  replica_seconds_ += billed_replicas * step_s_;
  s_.max_replicas = std::max(s_.max_replicas, row.spec);
  s_.peak_demand_rps = std::max(s_.peak_demand_rps, row.demand_rps);

  const bool under = row.demand_rps > row.capacity_rps;
  if (episode_start_ >= 0 && row.t_s - episode_last_ > merge_gap_s_) CloseEpisode(false);
  if (under) {
    if (episode_start_ < 0) episode_start_ = row.t_s;
    episode_last_ = row.t_s;
  }
  last_t_ = row.t_s;
}

void RunSummary::CloseEpisode(bool at_end) {
  const double end = episode_last_ + step_s_;
  const double length = end - episode_start_;
  if (length > longest_episode_) {
    longest_episode_ = length;
    longest_open_at_end_ = at_end;
  }
  if (spike_ && episode_start_ >= spike_->start_s && episode_start_ <= spike_->peak_s) {
    spike_episode_end_ = end;
    // Short until the peak's end or the run's: capacity never caught up with it.
    spike_episode_open_at_end_ = at_end || end >= spike_->end_s;
  }
  episode_start_ = -1;
}

ResourceSummary RunSummary::Finish() {
  if (episode_start_ >= 0) CloseEpisode(true);
  ResourceSummary s = s_;
  s.p50_ms = p50_.Quantile(0.50);
  s.p95_ms = p95_.Quantile(0.95);
  s.p99_ms = p99_.Quantile(0.99);
  s.slo_latency_ms = slo_.latency_percentile == 50   ? s.p50_ms
                     : slo_.latency_percentile == 99 ? s.p99_ms
                                                     : s.p95_ms;
  s.drop_rate = s.requests > 0 ? s.dropped / s.requests : 0;
  s.replica_hours = replica_seconds_ / 3600;
  s.cost = s.replica_hours * price_;
  if (spike_) {
    if (spike_episode_end_ >= 0) {
      s.time_to_capacity_s = spike_episode_end_ - spike_->start_s;
      s.capacity_reached = !spike_episode_open_at_end_;
    }
  } else if (longest_episode_ > 0) {
    s.time_to_capacity_s = longest_episode_;
    s.capacity_reached = !longest_open_at_end_;
  }
  s.meets_slo = s.slo_latency_ms <= slo_.latency_ms && s.drop_rate <= slo_.max_drop_rate &&
                (!slo_.max_violation_s || s.slo_violation_s <= *slo_.max_violation_s);
  return s;
}

}  // namespace limiar::sim
