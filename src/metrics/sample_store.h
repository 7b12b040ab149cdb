// The live sample store: every ingest path (gRPC push, scrape, PromQL) writes here and the
// control loop reads windowed views of it through MetricSource.
//
// Per series (target, metric, replica) it keeps a time-ordered run of points, bounded in
// count and in age, plus the replica's readiness. Reads:
//   - per replica, the mean of its points in (now - metric_window, now], as metrics-server
//     reports an average over its window; a replica whose newest point is older than
//     `max_age` is missing (never zero);
//   - per target, Knative's stable and panic totals: the sum over replicas of each one's
//     mean over the stable / panic window of the target's KPA config.
// Memory is bounded: `max_points_per_series` per series, `max_series` in all (a new series
// beyond it is refused), and points older than `retention` are dropped as new ones arrive
// and by Compact(). Thread-safe: ingest from many threads while the loop reads; the lock is
// sharded by target so that one hot target does not stall the rest.
#ifndef LIMIAR_METRICS_SAMPLE_STORE_H_
#define LIMIAR_METRICS_SAMPLE_STORE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "src/metrics/metric_source.h"

namespace limiar::metrics {

struct SampleStoreOptions {
  absl::Duration metric_window = absl::Seconds(60);
  absl::Duration max_age = absl::Minutes(2);
  absl::Duration retention = absl::Minutes(10);
  size_t max_points_per_series = 512;
  size_t max_series = 1'000'000;
};

// One observation of one replica. Validation of values and timestamps belongs to the
// ingest path (it knows the sample's index in its batch); the store takes what it is given.
struct Sample {
  std::string target;
  policy::MetricType metric = policy::MetricType::kCpu;
  std::string replica_id;
  double value = 0;
  absl::Time time;
  bool ready = true;
  // When known: replica start and last readiness change (HPA's cpu-initialization rules).
  absl::Time start_time = absl::InfinitePast();
  absl::Time ready_transition = absl::InfinitePast();
};

class SampleStore final : public MetricSource {
 public:
  explicit SampleStore(SampleStoreOptions options = {});

  // Adds one point. ResourceExhausted when it would open a series beyond `max_series`.
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
  // Drops points older than `retention` before `now`, and series left empty.
  void Compact(absl::Time now);

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
  };
  // metric -> replica -> series, per target.
  struct TargetSeries {
    std::array<absl::flat_hash_map<std::string, Series>, 3> by_metric;
    std::array<std::optional<Point>, 3> whole_target;  // newest whole-target value
  };
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    absl::flat_hash_map<std::string, TargetSeries> targets;
  };

  Shard& ShardFor(const std::string& target);
  // Add's work once the target's series are found; the shard's lock is held.
  absl::Status AddTo(TargetSeries& target, const Sample& sample);
  // The mean of the points in (from[k], now] for each k; nullopt where there are none.
  struct WindowMeans {
    std::array<std::optional<double>, 3> mean;
  };
  static WindowMeans MeansOver(const Series& s, absl::Time now,
                               const std::array<absl::Time, 3>& from);
  void Trim(Series& s, absl::Time newest) const;

  const SampleStoreOptions options_;
  std::array<Shard, kShards> shards_;
  std::atomic<size_t> series_count_{0};
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_SAMPLE_STORE_H_
