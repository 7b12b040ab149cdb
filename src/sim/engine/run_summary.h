// Folds a run's steps into its summary figures as they happen, so that a sweep needs no
// timeline: SLO violation time, request-weighted latency percentiles, drops, replica-hours,
// the largest replica count, and time to capacity.
#ifndef LIMIAR_SIM_ENGINE_RUN_SUMMARY_H_
#define LIMIAR_SIM_ENGINE_RUN_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "src/sim/model/sim_result.h"

namespace limiar::sim {

// Request-weighted quantiles of per-step latencies, in 1 % wide logarithmic buckets from
// 0.01 ms to 1,000 s (beyond: clamped), O(1) per step.
class LatencyHistogram {
 public:
  LatencyHistogram();
  void Add(double ms, double weight);
  // The smallest bucket value below which `q` (0..1) of the weight lies; 0 when empty.
  double Quantile(double q) const;

 private:
  std::vector<double> weight_;
  double total_ = 0;
  // Most steps repeat the previous latency (an idle service answers in its service time):
  // remembering the last bucket saves a logarithm per step.
  double last_ms_ = -1;
  int last_bucket_ = 0;
};

// A known spike: its ramp starts at `start_s` and reaches the peak at `peak_s`, which is
// held until `end_s`. Time to capacity runs from `start_s` to the end of the last stretch
// of demand above ready capacity that began during the ramp (later shortfalls, such as a
// zone outage during the hold, are not the spike's).
struct SpikeWindow {
  double start_s = 0;
  double peak_s = 0;
  double end_s = 0;
};

class RunSummary {
 public:
  RunSummary(const SloSpec& slo, double step_s, double merge_gap_s, double price_per_hour,
             std::optional<SpikeWindow> spike);
  // One step: its timeline row (SLO flag is set here), the requests that arrived and were
  // served in it, and the replicas that cost money in it (ready + starting + draining).
  void Add(TimelineRow& row, double arrived, double served, int32_t billed_replicas);
  ResourceSummary Finish();

 private:
  SloSpec slo_;
  double step_s_;
  double merge_gap_s_;
  double price_;
  std::optional<SpikeWindow> spike_;
  LatencyHistogram p50_, p95_, p99_;
  ResourceSummary s_;
  double replica_seconds_ = 0;
  // Stretches of demand above ready capacity; gaps up to `merge_gap_s` do not end one.
  void CloseEpisode(bool at_end);
  double episode_start_ = -1, episode_last_ = -1;
  double longest_episode_ = 0;
  bool longest_open_at_end_ = false;
  double spike_episode_end_ = -1;  // end of the last stretch that began in the ramp
  bool spike_episode_open_at_end_ = false;
  double last_t_ = 0;
};

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_RUN_SUMMARY_H_
