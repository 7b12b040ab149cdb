#include "src/policy/hpa/hpa_policy.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/policy/hpa/behavior_defaults.h"
#include "src/policy/hpa/normalization.h"
#include "src/policy/hpa/reconcile.h"
#include "src/policy/hpa/replica_calculator.h"

namespace limiar::policy::hpa {
namespace {

// Histories are compacted once they pass this size (and then at twice the compacted size),
// so a caller evaluating many times at one instant cannot grow them without bound.
constexpr size_t kCompactAbove = 64;

// Rounds half away from zero like std::round, inline: this runs once per replica per
// evaluation.
std::optional<int64_t> ToMilli(double v) {
  if (!std::isfinite(v)) return std::nullopt;  // no usable sample
  const double m = v * 1000.0;
  if (m >= 9.2e18) return kMaxMilli;
  if (m <= -9.2e18) return -kMaxMilli;
  return static_cast<int64_t>(m >= 0 ? m + 0.5 : m - 0.5);
}

MetricInput MakeMetricInput(const MetricTarget& t) {
  MetricInput m;
  if (t.metric == MetricType::kCpu) {
    m.source = MetricSourceType::kResource;
    m.name = "cpu";
    m.target_type = TargetType::kUtilization;
    m.target_utilization = static_cast<int32_t>(std::lround(t.target_percent));
  } else {
    m.source = MetricSourceType::kPods;
    m.name = MetricTypeName(t.metric);
    m.target_type = TargetType::kAverageValue;
    m.target_milli = ToMilli(t.capacity_per_replica * t.target_percent / 100.0).value_or(0);
  }
  return m;
}

// Drops recommendations outside every window (upstream would only ever overwrite them) and
// keeps, per timestamp, only the lowest and the highest: stabilization reads nothing else.
void CompactRecommendations(std::vector<TimestampedRecommendation>& recs, absl::Time cutoff) {
  recs.erase(std::remove_if(
                 recs.begin(), recs.end(),
                 [cutoff](const TimestampedRecommendation& r) { return r.timestamp <= cutoff; }),
             recs.end());
  std::sort(recs.begin(), recs.end(),
            [](const TimestampedRecommendation& a, const TimestampedRecommendation& b) {
              return a.timestamp < b.timestamp ||
                     (a.timestamp == b.timestamp && a.replicas < b.replicas);
            });
  size_t out = 0;
  for (size_t i = 0; i < recs.size();) {
    size_t j = i;
    while (j + 1 < recs.size() && recs[j + 1].timestamp == recs[i].timestamp) ++j;
    recs[out++] = recs[i];
    if (j != i) recs[out++] = recs[j];
    i = j + 1;
  }
  recs.resize(out);
}

// Drops events outside every period and sums events of one instant: rate limits only read
// the sum of changes within a period.
void CompactEvents(std::vector<ScaleEvent>& events, absl::Time cutoff) {
  events.erase(std::remove_if(events.begin(), events.end(),
                              [cutoff](const ScaleEvent& e) { return e.timestamp <= cutoff; }),
               events.end());
  std::sort(events.begin(), events.end(),
            [](const ScaleEvent& a, const ScaleEvent& b) { return a.timestamp < b.timestamp; });
  size_t out = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (out > 0 && events[out - 1].timestamp == events[i].timestamp) {
      events[out - 1].change += events[i].change;
    } else {
      events[out++] = {events[i].change, events[i].timestamp, false};
    }
  }
  events.resize(out);
}

class HpaPolicy final : public Policy {
 public:
  explicit HpaPolicy(const TargetPolicy& config) : targets_(config.metrics), hpa_(config.hpa) {
    in_.tolerances = {hpa_.tolerance_down, hpa_.tolerance_up};
    in_.behavior = hpa_.behavior;
    in_.downscale_stabilization = hpa_.downscale_stabilization;
    in_.legacy_scale_up_limit_factor = hpa_.legacy_scale_up_limit_factor;
    in_.legacy_scale_up_limit_minimum = hpa_.legacy_scale_up_limit_minimum;
    for (const MetricTarget& t : targets_) {
      in_.metrics.push_back(MakeMetricInput(t));
      base_.push_back(in_.metrics.back());
      request_milli_.push_back(ToMilli(t.capacity_per_replica).value_or(0));
      per_replica_target_milli_.push_back(
          ToMilli(t.capacity_per_replica * t.target_percent / 100.0).value_or(0));
    }
  }

  absl::StatusOr<Recommendation> Recommend(const PolicyInput& in) override {
    if (in.metrics.size() != targets_.size()) {
      return absl::InvalidArgumentError(absl::StrCat("hpa: ", in.metrics.size(),
                                                     " metric observations for ", targets_.size(),
                                                     " metric targets"));
    }
    if (in.min_replicas > in.max_replicas) {
      return absl::InvalidArgumentError(
          absl::StrCat("hpa: min_replicas ", in.min_replicas, " > max_replicas ", in.max_replicas));
    }
    Translate(in);
    Reconcile(in_, state_, out_);
    MaybeCompact(in.now);
    return MakeRecommendation(in);
  }

  void RecordScale(absl::Time now, int32_t from, int32_t to) override {
    RecordScaleEvent(in_.behavior ? &*in_.behavior : nullptr, state_.scale_up_events,
                     state_.scale_down_events, from, to, now);
    MaybeCompact(now);
  }

  void SaveState(PolicyState& out) const override {
    out.hpa_history_started = state_.recommendations_initialized;
    out.recommendations.clear();
    for (const TimestampedRecommendation& r : state_.recommendations) {
      out.recommendations.push_back({r.timestamp, r.replicas});
    }
    auto save_events = [](const std::vector<ScaleEvent>& from,
                          std::vector<PolicyState::Point>& to) {
      to.clear();
      for (const ScaleEvent& e : from) {
        if (!e.outdated) to.push_back({e.timestamp, e.change});
      }
    };
    save_events(state_.scale_up_events, out.scale_up_events);
    save_events(state_.scale_down_events, out.scale_down_events);
  }

  void RestoreState(const PolicyState& saved) override {
    state_.recommendations_initialized = saved.hpa_history_started;
    state_.recommendations.clear();
    for (const PolicyState::Point& p : saved.recommendations) {
      state_.recommendations.push_back({p.value, p.time});
    }
    auto restore_events = [](const std::vector<PolicyState::Point>& from,
                             std::vector<ScaleEvent>& to) {
      to.clear();
      for (const PolicyState::Point& p : from) to.push_back({p.value, p.time, false});
    };
    restore_events(saved.scale_up_events, state_.scale_up_events);
    restore_events(saved.scale_down_events, state_.scale_down_events);
  }

 private:
  // PolicyInput -> ReconcileInput, reusing every buffer of the previous call. Pod names
  // point into `in`: they are read only during this Recommend().
  void Translate(const PolicyInput& in) {
    in_.now = in.now;
    in_.explain = in.explain;
    in_.min_replicas = in.min_replicas;
    in_.max_replicas = in.max_replicas;
    in_.spec_replicas = in.current_replicas;
    in_.status_replicas = in.current_replicas;
    for (size_t i = 0; i < targets_.size(); ++i) {
      const MetricObservation& obs = in.metrics[i];
      MetricInput& m = in_.metrics[i];
      m.error = obs.error;
      // Not one replica's sample to use: the source says what it holds. (Upstream's words
      // here name its custom metrics API, which Limiar does not use.)
      if (m.error.ok() && !obs.none_in_window.empty()) {
        m.error = absl::UnavailableError(obs.none_in_window);
      }
      if (obs.error.ok() && obs.replicas.empty() && obs.whole_target_value) {
        // One number for the whole target (PromQL, as KEDA feeds HPA): an External metric
        // with an AverageValue target, desired = ceil(total / per-replica target).
        m.source = MetricSourceType::kExternal;
        m.target_type = TargetType::kAverageValue;
        m.target_milli = per_replica_target_milli_[i];
        m.external_samples_milli.assign(1, ToMilli(*obs.whole_target_value).value_or(0));
        m.pods.clear();
        continue;
      }
      m.source = base_[i].source;
      m.target_type = base_[i].target_type;
      m.target_milli = base_[i].target_milli;
      m.pods.resize(obs.error.ok() ? obs.replicas.size() : 0);
      const bool cpu = targets_[i].metric == MetricType::kCpu;
      const CpuReadinessRule readiness(in.now, hpa_.cpu_initialization_period,
                                       hpa_.initial_readiness_delay);
      for (size_t r = 0; r < m.pods.size(); ++r) {
        const ReplicaSample& s = obs.replicas[r];
        Pod& pod = m.pods[r];
        pod.name = s.replica_id;
        pod.phase = PodPhase::kRunning;
        pod.deleting = false;
        pod.ready = s.ready;
        pod.metric_milli = s.value ? ToMilli(*s.value) : std::nullopt;
        pod.request_milli = request_milli_[i];
        pod.cpu_unready =
            cpu && pod.metric_milli &&
            readiness.IsUnready(
                PodReadiness{s.start_time, ReadyCondition{s.ready, s.ready_transition}},
                s.sample_time, s.sample_window);
      }
    }
  }

  Recommendation MakeRecommendation(const PolicyInput& in) const {
    Recommendation rec;
    rec.desired_replicas = out_.desired_replicas;
    rec.reason = out_.reason;
    rec.message = out_.message;
    if (out_.decision == Decision::kNormalized) {
      rec.proposed_replicas = out_.prenormalized_replicas;
    } else if (out_.decision != Decision::kMetricsInvalid && out_.metric_replicas >= 0) {
      rec.proposed_replicas = out_.metric_replicas;  // computed for explanation only
    } else {
      rec.proposed_replicas = in.current_replicas;
    }
    rec.scaling_active = out_.scaling_active;
    rec.metrics.resize(targets_.size());
    for (size_t i = 0; i < targets_.size(); ++i) {
      const MetricOutcome& o = out_.metrics[i];
      MetricProposal& p = rec.metrics[i];
      p.metric = targets_[i].metric;
      p.valid = o.valid;
      p.replicas = o.replicas;
      if (!o.valid) {
        p.error = o.error;
      } else if (targets_[i].metric == MetricType::kCpu) {
        p.utilization_percent = o.utilization_percent;
      } else if (request_milli_[i] != 0) {
        // Percent of the replica's capacity, like cpu's percent of its request (for a
        // whole-target value HPA reports the per-replica share too).
        p.utilization_percent = 100.0 * static_cast<double>(o.usage_milli) / request_milli_[i];
      }
    }
    return rec;
  }

  void MaybeCompact(absl::Time now) {
    if (state_.recommendations.size() > compact_recommendations_at_) {
      absl::Duration horizon = in_.downscale_stabilization;
      if (in_.behavior) {
        horizon = std::max(ScaleUpWindow(in_.behavior->scale_up),
                           ScaleDownWindow(in_.behavior->scale_down, horizon));
      }
      CompactRecommendations(state_.recommendations, now - horizon);
      compact_recommendations_at_ = std::max(kCompactAbove, 2 * state_.recommendations.size());
    }
    if (!in_.behavior) return;
    if (state_.scale_up_events.size() > compact_up_at_) {
      CompactEvents(state_.scale_up_events, now - LongestPolicyPeriod(in_.behavior->scale_up));
      compact_up_at_ = std::max(kCompactAbove, 2 * state_.scale_up_events.size());
    }
    if (state_.scale_down_events.size() > compact_down_at_) {
      CompactEvents(state_.scale_down_events, now - LongestPolicyPeriod(in_.behavior->scale_down));
      compact_down_at_ = std::max(kCompactAbove, 2 * state_.scale_down_events.size());
    }
  }

  const std::vector<MetricTarget> targets_;
  const HpaConfig hpa_;
  std::vector<int64_t> request_milli_;             // per target: capacity in milli-units
  std::vector<int64_t> per_replica_target_milli_;  // capacity x limiar, milli-units
  std::vector<MetricInput> base_;  // each target's metric as configured (not whole-target)
  ReconcileInput in_;
  HpaState state_;
  ReconcileResult out_;
  size_t compact_recommendations_at_ = kCompactAbove;
  size_t compact_up_at_ = kCompactAbove;
  size_t compact_down_at_ = kCompactAbove;
};

}  // namespace

std::unique_ptr<Policy> MakeHpaPolicy(const TargetPolicy& config) {
  return std::make_unique<HpaPolicy>(config);
}

}  // namespace limiar::policy::hpa
