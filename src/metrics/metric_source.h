// Where the control loop's observations come from. The live service implements it over
// the sample store (push, scrape, PromQL); the simulator over its cluster model; tests over
// a table.
#ifndef LIMIAR_METRICS_METRIC_SOURCE_H_
#define LIMIAR_METRICS_METRIC_SOURCE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::metrics {

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // Fills `out` with one observation per `target.metrics` entry, in that order, as known
  // at `now`. A metric that cannot be fetched gets a non-OK `error` in its observation; a
  // non-OK return means nothing could be observed for the target. Reuses `out`'s storage.
  // Called from the control loop's thread only; implementations that also ingest from
  // other threads synchronise internally. Must not block on the network.
  virtual absl::Status Observe(const policy::TargetPolicy& target, absl::Time now,
                               std::vector<policy::MetricObservation>* out) = 0;
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_METRIC_SOURCE_H_
