// The live sample store: every ingest path (gRPC push, scrape, PromQL) writes here and the
// control loop reads windowed views of it through MetricSource.
//
// Per series (target, metric, replica) it keeps a time-ordered run of points, bounded in
// count and in age, plus the replica's readiness. Reads:
//   - per replica, the mean of its points in (now - metric_window, now], as metrics-server
//     reports an average over its window; a replica whose newest point is older than
//     `metric_window` has no value (missing, never zero);
//   - per target, Knative's stable and panic totals, as its collector computes them (see
//     collector_window.h): per scrape, the mean per ready replica times the ready count.
// Replica lifecycle: a replica is a series that reports. One that has not reported for
// `max_age` stops being a replica and its memory goes (checked as samples arrive, at every
// read of its target, and by Compact for targets nobody reads); one reported gone (push,
// a scrape endpoint that left, a simulated scale-down) goes at once.
// Memory is bounded: `max_points_per_series` per series, `max_replicas_per_target` per target
// and metric, `max_series` in all (a new series beyond a limit is refused, with a reason),
// and points older than `retention` are dropped as new ones arrive. Thread-safe: ingest from
// many threads while the loop reads; the lock is sharded by target so that one hot target
// does not stall the rest.
#ifndef LIMIAR_METRICS_STORE_SAMPLE_STORE_H_
#define LIMIAR_METRICS_STORE_SAMPLE_STORE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "src/common/mutex.h"
#include "src/metrics/metric_source.h"
#include "src/metrics/store/collector_window.h"

namespace limiar::metrics {

struct SampleStoreOptions {
  absl::Duration metric_window = absl::Seconds(60);
  absl::Duration max_age = absl::Minutes(2);
  absl::Duration retention = absl::Minutes(10);
  size_t max_points_per_series = 512;
  // Replica ids are chosen by senders: a cap per target and metric keeps invented ones from
  // pinning a target (HPA counts every replica it knows).
  size_t max_replicas_per_target = 10'000;
  size_t max_series = 1'000'000;
};

// How a sample reached the store, so that a message about missing samples names what
// Limiar really looked at.
enum class Ingest : uint8_t { kPush, kScrape, kPromQl, kPodMetrics };

// One observation of one replica. Validation of values and timestamps belongs to the
// ingest path (it knows the sample's index in its batch); the store takes what it is given.
struct Sample {
  std::string target;
  policy::MetricType metric = policy::MetricType::kCpu;
  // Empty: a value of the whole target (a load balancer's total), kept as AddWholeTarget
  // keeps it.
  std::string replica_id;
  // The replica has stopped (scale-down, eviction): its series are forgotten now, in every
  // metric, instead of after `max_age`. The value is not used.
  bool gone = false;
  double value = 0;
  absl::Time time;
  bool ready = true;
  // When known: replica start and last readiness change (HPA's cpu-initialization rules).
  absl::Time start_time = absl::InfinitePast();
  absl::Time ready_transition = absl::InfinitePast();
  Ingest ingest = Ingest::kPush;
};

class SampleStore final : public MetricSource {
 public:
  explicit SampleStore(SampleStoreOptions options = {});

  // Adds one point (or, for a `gone` sample, forgets the replica). ResourceExhausted when it
  // would open a series beyond `max_replicas_per_target` or `max_series`.
  absl::Status Add(const Sample& sample);
  // Adds every point, as Add one by one would, taking the lock and finding the target once
  // per run of consecutive samples of one target (one scrape's worth). A point refused
  // does not stop the rest; the first error is returned.
  absl::Status AddAll(absl::Span<const Sample> samples);
  // Records a value of the whole target (a PromQL result). The newest one within `max_age`
  // is what the policy sees; the replicas' own series are unaffected.
  absl::Status AddWholeTarget(const std::string& target, policy::MetricType metric, double value,
                              absl::Time time);
  // Removes every series of a replica (it is gone), across metrics.
  void RemoveReplica(const std::string& target, const std::string& replica_id);
  // Forgets replicas without a sample for `max_age` before `now` and targets left empty,
  // in every target (reads forget only in the target they read). O(series): call it about
  // once a minute.
  void Compact(absl::Time now);
  // Compact, when a minute of `now` has passed since the last one. Thread-safe.
  void CompactIfDue(absl::Time now);

  absl::Status Observe(const policy::TargetPolicy& target, absl::Time now,
                       std::vector<policy::MetricObservation>* out) override;

  size_t series_count() const { return series_count_.load(std::memory_order_relaxed); }

 private:
  struct Point {
    absl::Time time;
    double value;
  };
  struct Series {
    std::deque<Point> points;  // ascending time; trimmed at the front as it grows
    bool ready = true;
    absl::Time start_time = absl::InfinitePast();
    absl::Time ready_transition = absl::InfinitePast();
    Ingest ingest = Ingest::kPush;  // of the newest point
  };
  using ReplicaEntry = std::pair<const std::string, Series>;  // an entry of `replicas`
  // Pointers to entries of a replica map, in an order kept between calls. They are stale
  // once a replica came or went (a new one may move every entry of the map), and a map
  // that is moved may move its entries too (a small one is stored inline in newer Abseil),
  // so a list that is moved is stale.
  struct ReplicaOrder {
    std::vector<ReplicaEntry*> entries;
    bool stale = true;
    ReplicaOrder() = default;
    ReplicaOrder(ReplicaOrder&&) noexcept {}
    ReplicaOrder& operator=(ReplicaOrder&&) noexcept {
      entries.clear();
      stale = true;
      return *this;
    }
  };
  // One metric of one target: its replicas, how many of them are ready, and the
  // collector's per-scrape totals.
  struct MetricSeries {
    absl::flat_hash_map<std::string, Series> replicas;
    int ready = 0;
    CollectorWindow totals;
    // Replicas are checked for expiry at most once a second of sample time on ingest.
    absl::Time next_expiry_check = absl::InfinitePast();
    // No replica's newest point is older than this (exact after an Expire, lowered by each
    // point added): until it is stale, Expire has nothing to look at. Every Observe expires,
    // and reading each replica there was a sixth of a 10,000-target tick.
    absl::Time oldest_newest = absl::InfiniteFuture();
    // The replicas in the order of their ids, as Observe reads them: sorting the names at
    // every read was an eighth of a replay's control loop.
    ReplicaOrder in_order;
    // The replicas in the order the samples of the latest time came, and how far the
    // samples of `arrival_time` have got: see FindReplica.
    ReplicaOrder arrival;
    absl::Time arrival_time = absl::InfinitePast();
    size_t next_arrival = 0;
  };
  struct TargetSeries {
    std::array<MetricSeries, 3> by_metric;
    std::array<std::optional<Point>, 3> whole_target;  // newest whole-target value
    std::array<Ingest, 3> whole_target_ingest{};
  };
  static constexpr size_t kShards = 16;
  struct Shard {
    Mutex mu;
    absl::flat_hash_map<std::string, TargetSeries> targets ABSL_GUARDED_BY(mu);
  };

  // The times a sample is compared against, derived from its own time once per distinct
  // time: absl::Time minus a Duration is an out-of-line call, and the samples of one scrape
  // share their time.
  struct Cutoffs {
    absl::Time time = absl::InfinitePast();
    absl::Time expiry;     // time - max_age: a replica's newest point before it has gone
    absl::Time retention;  // time - retention: points at or before it are dropped
  };
  const Cutoffs& CutoffsAt(absl::Time time, Cutoffs& cache) const;

  Shard& ShardFor(const std::string& target);
  // Add's work once the target's series are found; the shard's lock is held.
  absl::Status AddTo(const std::string& target_name, TargetSeries& target, const Sample& sample,
                     Cutoffs& cutoffs);
  absl::Status AddPoint(const std::string& target_name, MetricSeries& metric, const Sample& sample,
                        const Cutoffs& cutoffs);
  // The entry of the sample's replica in `metric`, or null when it has none yet.
  ReplicaEntry* FindReplica(MetricSeries& metric, const Sample& sample) const;
  // Removes `replica` from `metric` (if there), keeping the counts. The lock is held.
  void Erase(MetricSeries& metric, absl::flat_hash_map<std::string, Series>::iterator replica);
  // Forgets the replicas of `metric` whose newest point is before `stale_before`.
  void Expire(MetricSeries& metric, absl::Time stale_before);
  // Expires every metric of `target` and trims its totals; true when nothing is left.
  bool ExpireTarget(TargetSeries& target, absl::Time now);
  // The mean of the points in (from, now]; nullopt where there are none.
  static std::optional<double> MeanOver(const Series& s, absl::Time from, absl::Time now);
  // Drops the points at or before `cutoff` and those beyond the count limit.
  void Trim(Series& s, absl::Time cutoff) const;

  const SampleStoreOptions options_;
  std::array<Shard, kShards> shards_;
  std::atomic<size_t> series_count_{0};
  Mutex compact_mu_;
  absl::Time next_compact_ ABSL_GUARDED_BY(compact_mu_) = absl::InfinitePast();
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_STORE_SAMPLE_STORE_H_
