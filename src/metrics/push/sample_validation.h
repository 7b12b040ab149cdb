// Checks one pushed sample before it reaches the store, with a reason a sender can act on.
// Pure: `now` is an argument.
#ifndef LIMIAR_METRICS_PUSH_SAMPLE_VALIDATION_H_
#define LIMIAR_METRICS_PUSH_SAMPLE_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy_config.h"

namespace limiar::metrics {

struct IngestLimits {
  absl::Duration max_future = absl::Seconds(10);  // clock skew allowed
  absl::Duration max_past = absl::Minutes(5);     // older points cannot change a decision
  size_t max_batch_samples = 10'000;
  // Rejections a reply lists per stream; the rest are counted. A stream of bad samples
  // must not make a reply larger than the stream.
  size_t max_rejections_listed = 100;
};

// Resolves the names a sample may use for its resource (the target compute or one of its
// autoscale resources) to the target, and knows which metrics each target scales on.
class ResourceIndex {
 public:
  explicit ResourceIndex(const std::vector<policy::TargetPolicy>& targets);

  struct Entry {
    std::string target;
    std::vector<policy::MetricType> metrics;
  };
  // Null when unknown.
  const Entry* Find(absl::string_view resource) const;
  // The first known names in order, comma-separated, and how many more there are: for
  // error messages, which must stay short however many targets there are.
  std::string KnownNames() const;

 private:
  absl::flat_hash_map<std::string, Entry> by_name_;
  std::string known_names_;  // rendered once: a flood of unknown names costs no sort each
};

// The fields of a pushed sample, already decoded from the wire.
struct PushedSample {
  std::string resource;
  int metric = 0;            // limiar.v1.Metric number
  bool has_replica = false;  // false: a value of the whole resource
  std::string replica_id;
  bool gone = false;
  bool ready = true;
  absl::Time start_time = absl::InfinitePast();
  double value = 0;
  absl::Time time;  // already defaulted to the receive time when absent
};

// limiar.v1.Metric numbers (proto/limiar/v1/samples.proto) <-> MetricType, both ways here
// so that the push client and the push service cannot disagree. 0 is METRIC_UNSPECIFIED.
bool MetricFromWire(int wire, policy::MetricType* out);
int MetricToWire(policy::MetricType m);

// The store's sample, or InvalidArgument with the reason (no index: the caller adds it). A
// sample without a replica is a value of the whole resource (empty replica_id); a `gone`
// one needs only its resource and replica id.
absl::StatusOr<Sample> ValidatePushedSample(const PushedSample& in, const ResourceIndex& index,
                                            const IngestLimits& limits, absl::Time now);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PUSH_SAMPLE_VALIDATION_H_
