#include "src/policy/kpa/kpa_policy.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/common/plural.h"
#include "src/policy/kpa/explain.h"
#include "src/policy/kpa/metric_window.h"

namespace limiar::policy::kpa {
namespace {

constexpr double kTargetMin = 0.01;  // Knative's config.TargetMin

class KpaPolicy final : public Policy {
 public:
  explicit KpaPolicy(const TargetPolicy& config);

  absl::StatusOr<Recommendation> Recommend(const PolicyInput& in) override;

  // Nothing to record: Knative's decider keeps no memory of actuations. Its rate limits are
  // relative to the ready pods it observes on each tick, and its panic hold and scale-down
  // delay remember its own decisions, which Recommend already records.
  void RecordScale(absl::Time now, int32_t from, int32_t to) override {}

  void SaveState(PolicyState& out) const override;
  // A restored decider keeps its saved panic state instead of deciding afresh from the
  // ready count at creation.
  void RestoreState(const PolicyState& state) override;

 private:
  struct PerMetric {
    PerMetric(const MetricTarget& t, const DeciderSpec& s, absl::Duration panic_window)
        : target(t), spec(s), window(s.stable_window, panic_window) {}
    MetricTarget target;
    DeciderSpec spec;
    MetricWindow window;
    std::optional<Decider> decider;
    std::optional<PolicyState::KpaMetric> restored;  // applied when the decider is created
    ScaleResult result;                              // this tick's
    absl::Status error;                              // this tick's reason for an invalid result
  };

  absl::StatusOr<Observed> Observe(const MetricObservation& obs, absl::Time now, PerMetric& m);
  // "no usable metric (cpu: <error>; requests: <error>)" over this tick's invalid metrics.
  void AppendErrors(std::string* out) const;
  static void ApplyBounds(const PolicyInput& in, Recommendation& rec);

  absl::Duration panic_window_;
  std::vector<PerMetric> metrics_;
};

KpaPolicy::KpaPolicy(const TargetPolicy& config) : panic_window_(PanicWindow(config.kpa)) {
  metrics_.reserve(config.metrics.size());
  for (const MetricTarget& t : config.metrics) {
    metrics_.emplace_back(t, MakeDeciderSpec(config.kpa, t), panic_window_);
  }
}

absl::StatusOr<Observed> KpaPolicy::Observe(const MetricObservation& obs, absl::Time now,
                                            PerMetric& m) {
  if (!obs.error.ok()) return obs.error;
  double total = 0;
  bool any = false;
  for (const ReplicaSample& s : obs.replicas) {
    if (s.value) {
      total += *s.value;
      any = true;
    }
  }
  // A whole-target value (a PromQL result) is already the total across replicas.
  if (!any && obs.whole_target_value) {
    total = *obs.whole_target_value;
    any = true;
  }
  if (any) m.window.Record(now, total);
  if (obs.stable_total && obs.panic_total) return Observed{*obs.stable_total, *obs.panic_total};
  Observed o;
  if (!m.window.Averages(now, &o.stable, &o.panic)) {
    return absl::UnavailableError(
        absl::StrCat("no data in the last ", absl::ToDoubleSeconds(m.spec.stable_window), "s"));
  }
  if (obs.stable_total) o.stable = *obs.stable_total;
  if (obs.panic_total) o.panic = *obs.panic_total;
  return o;
}

void KpaPolicy::SaveState(PolicyState& out) const {
  out.kpa.clear();
  for (const PerMetric& m : metrics_) {
    PolicyState::KpaMetric& k = out.kpa.emplace_back();
    if (!m.decider) {
      if (m.restored) k = *m.restored;  // restored but not yet evaluated: pass it on
      continue;
    }
    k.started = true;
    k.panic_time = m.decider->state().panic_time;
    k.max_panic_pods = m.decider->state().max_panic_pods;
    for (const auto& [time, value] : m.decider->DelayEntries()) {
      k.delay_window.push_back({time, value});
    }
  }
}

void KpaPolicy::RestoreState(const PolicyState& state) {
  for (size_t i = 0; i < metrics_.size(); ++i) {
    PerMetric& m = metrics_[i];
    m.decider.reset();
    m.restored.reset();
    if (i < state.kpa.size() && state.kpa[i].started) m.restored = state.kpa[i];
  }
}

absl::StatusOr<Recommendation> KpaPolicy::Recommend(const PolicyInput& in) {
  if (in.metrics.size() != metrics_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("kpa: ", in.metrics.size(),
                                                   " metric observations for ", metrics_.size(),
                                                   " metric targets"));
  }
  Recommendation rec;
  rec.metrics.reserve(metrics_.size());
  const PerMetric* winner = nullptr;
  bool any_invalid = false;
  for (size_t i = 0; i < metrics_.size(); ++i) {
    PerMetric& m = metrics_[i];
    if (!m.decider) {
      m.decider.emplace(m.spec, in.now, in.ready_replicas);
      if (m.restored) {
        m.decider->set_state(PanicState{m.restored->panic_time, m.restored->max_panic_pods});
        std::vector<std::pair<absl::Time, int32_t>> delay;
        for (const PolicyState::Point& p : m.restored->delay_window)
          delay.push_back({p.time, p.value});
        m.decider->RestoreDelay(delay);
        m.restored.reset();
      }
    }
    absl::StatusOr<Observed> observed = Observe(in.metrics[i], in.now, m);
    m.error = observed.status();
    m.result = m.decider->Scale(in.now, in.ready_replicas, observed);
    MetricProposal& p = rec.metrics.emplace_back();
    p.metric = m.target.metric;
    p.valid = m.result.valid;
    p.replicas = m.result.desired_pods;
    if (!m.result.valid) {
      any_invalid = true;
      if (m.error.ok()) m.error = absl::InvalidArgumentError("not a finite value");
      p.error = std::string(m.error.message());
      continue;
    }
    const double capacity = std::max(1, m.result.ready_pods) * m.spec.total_value;
    if (capacity > 0) p.utilization_percent = 100 * m.result.observed_stable / capacity;
    rec.panic_mode = rec.panic_mode || m.result.panic_mode;
    // One target burst capacity for all metrics, so the smallest keeps -1 and 0 meaningful.
    rec.excess_burst_capacity =
        winner == nullptr ? m.result.excess_burst_capacity
                          : std::min(rec.excess_burst_capacity, m.result.excess_burst_capacity);
    if (winner == nullptr || m.result.desired_pods > winner->result.desired_pods) winner = &m;
  }

  const int32_t current = in.current_replicas;
  if (winner == nullptr) {
    rec.scaling_active = false;
    rec.proposed_replicas = current;
    rec.desired_replicas = current;
    rec.reason = "MetricsUnavailable";
    AppendErrors(&rec.message);
    absl::StrAppend(&rec.message, "; keeping ", Counted(current, "replica"));
  } else if (any_invalid && winner->result.desired_pods < current) {
    // HPA's rule on partial data: scale up on what is known, never down.
    rec.scaling_active = false;
    rec.proposed_replicas = winner->result.desired_pods;
    rec.desired_replicas = current;
    rec.reason = "MetricsPartiallyUnavailable";
    AppendErrors(&rec.message);
    absl::StrAppend(&rec.message, "; keeping ", Counted(current, "replica"),
                    ": a missing metric never scales down (the others propose ",
                    rec.proposed_replicas, ")");
  } else {
    rec.proposed_replicas = winner->result.desired_pods;
    rec.desired_replicas = rec.proposed_replicas;
    rec.reason = DecisionReason(winner->result);
    if (in.explain) {
      if (metrics_.size() > 1)
        absl::StrAppend(&rec.message, MetricTypeName(winner->target.metric), ": ");
      ExplainContext ctx{winner->target.metric,    winner->spec, panic_window_,
                         winner->decider->state(), in.now,       in.min_replicas,
                         in.max_replicas};
      AppendExplanation(ctx, winner->result, &rec.message);
    }
  }
  ApplyBounds(in, rec);
  if (!in.explain) rec.message.clear();
  return rec;
}

void KpaPolicy::AppendErrors(std::string* out) const {
  absl::StrAppend(out, "no usable metric");
  bool first = true;
  for (const PerMetric& m : metrics_) {
    if (m.result.valid) continue;
    absl::StrAppend(out, first ? " (" : "; ", MetricTypeName(m.target.metric), ": ",
                    m.error.message());
    first = false;
  }
  if (!first) out->push_back(')');
}

// Knative's min/max scale, applied after the decider.
void KpaPolicy::ApplyBounds(const PolicyInput& in, Recommendation& rec) {
  if (rec.desired_replicas > in.max_replicas) {
    rec.desired_replicas = in.max_replicas;
    rec.reason = "TooManyReplicas";
    absl::StrAppend(&rec.message, "; capped at the maximum of ",
                    Counted(in.max_replicas, "replica"));
  }
  if (rec.desired_replicas < in.min_replicas) {
    rec.desired_replicas = in.min_replicas;
    rec.reason = "TooFewReplicas";
    absl::StrAppend(&rec.message, "; raised to the minimum of ",
                    Counted(in.min_replicas, "replica"));
  }
}

}  // namespace

absl::Duration PanicWindow(const KpaConfig& kpa) {
  const double seconds =
      absl::ToDoubleSeconds(kpa.stable_window) * kpa.panic_window_percentage / 100.0;
  // Go's Duration.Round(time.Second): halves away from zero.
  return std::max(absl::Seconds(1), absl::Seconds(std::round(seconds)));
}

DeciderSpec MakeDeciderSpec(const KpaConfig& kpa, const MetricTarget& target) {
  DeciderSpec s;
  s.total_value = target.capacity_per_replica;
  s.target_value = std::max(kTargetMin, target.capacity_per_replica * target.target_percent / 100);
  s.target_burst_capacity = kpa.target_burst_capacity;
  s.panic_threshold = kpa.panic_threshold_percentage / 100;
  s.max_scale_up_rate = kpa.max_scale_up_rate;
  s.max_scale_down_rate = kpa.max_scale_down_rate;
  s.stable_window = kpa.stable_window;
  s.scale_down_delay = kpa.scale_down_delay;
  s.reachable = true;
  s.activation_scale = kpa.activation_scale;
  return s;
}

std::unique_ptr<Policy> MakeKpaPolicy(const TargetPolicy& config) {
  return std::make_unique<KpaPolicy>(config);
}

}  // namespace limiar::policy::kpa
