// A MetricSource over the latest sample of each (target, metric, replica), with staleness:
// a replica whose newest sample is older than `max_age` at `now` counts as missing (HPA's
// rule), never as zero. The seed of the sample store; it holds one value per series.
#ifndef LIMIAR_METRICS_LATEST_SAMPLE_SOURCE_H_
#define LIMIAR_METRICS_LATEST_SAMPLE_SOURCE_H_

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "src/metrics/metric_source.h"

namespace limiar::metrics {

class LatestSampleSource final : public MetricSource {
 public:
  explicit LatestSampleSource(absl::Duration max_age) : max_age_(max_age) {}

  // Records a sample; a newer one for the same series replaces it. Thread-safe.
  void Record(const std::string& target, policy::MetricType metric,
              const policy::ReplicaSample& sample);
  // Forgets a replica (it was removed). Thread-safe.
  void RemoveReplica(const std::string& target, const std::string& replica_id);

  absl::Status Observe(const policy::TargetPolicy& target, absl::Time now,
                       std::vector<policy::MetricObservation>* out) override;

 private:
  using Key = std::tuple<std::string, policy::MetricType>;
  const absl::Duration max_age_;
  std::mutex mu_;
  std::map<Key, std::map<std::string, policy::ReplicaSample>> series_;
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_LATEST_SAMPLE_SOURCE_H_
