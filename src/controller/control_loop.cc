#include "src/controller/control_loop.h"

#include "absl/strings/str_cat.h"
#include "src/common/plural.h"
#include "src/common/status_macros.h"
#include "src/policy/policy_factory.h"

namespace limiar::controller {

absl::StatusOr<std::unique_ptr<ControlLoop>> ControlLoop::Create(
    std::vector<policy::TargetPolicy> targets, metrics::MetricSource* metrics,
    actuator::Actuator* actuator, DecisionSink* sink) {
  std::vector<Managed> managed;
  managed.reserve(targets.size());
  for (const policy::TargetPolicy& t : targets) {
    ASSIGN_OR_RETURN(std::unique_ptr<policy::Policy> p, policy::CreatePolicy(t));
    Managed m;
    m.policy = std::move(p);
    m.mode = t.mode;
    managed.push_back(std::move(m));
  }
  return std::unique_ptr<ControlLoop>(
      new ControlLoop(std::move(targets), std::move(managed), metrics, actuator, sink));
}

ControlLoop::ControlLoop(std::vector<policy::TargetPolicy> targets, std::vector<Managed> managed,
                         metrics::MetricSource* metrics, actuator::Actuator* actuator,
                         DecisionSink* sink)
    : targets_(std::move(targets)),
      managed_(std::move(managed)),
      metrics_(metrics),
      actuator_(actuator),
      sink_(sink),
      scratch_(1) {
  for (size_t i = 0; i < targets_.size(); ++i) index_[targets_[i].target] = i;
}

void ControlLoop::SetWorkers(WorkerPool* workers) {
  workers_ = workers;
  scratch_.resize(workers == nullptr ? 1 : workers->size());
}

absl::Status ControlLoop::Tick(absl::Time now) {
  ++stats_.ticks;
  size_t observed = 0;
  if (workers_ == nullptr) {
    for (size_t i = 0; i < targets_.size(); ++i) observed += Evaluate(now, i) ? 1 : 0;
  } else {
    // The actuator and the sinks are called from this thread only, in the targets' order;
    // what lies between (the metrics read and the policy) is per target and runs on the pool.
    for (size_t i = 0; i < targets_.size(); ++i) managed_[i].to_recommend = ObserveScale(now, i);
    workers_->ParallelFor(targets_.size(), [&](size_t i, size_t worker) {
      if (managed_[i].to_recommend) Recommend(now, i, scratch_[worker]);
    });
    for (size_t i = 0; i < targets_.size(); ++i) observed += Conclude(now, i) ? 1 : 0;
  }
  if (observed == 0 && !targets_.empty()) {
    return absl::UnavailableError(
        absl::StrCat("tick: none of ", Counted(targets_.size(), "target"), " could be observed"));
  }
  return absl::OkStatus();
}

absl::Status ControlLoop::TickTarget(absl::Time now, const std::string& target) {
  auto it = index_.find(target);
  if (it == index_.end()) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  if (!Evaluate(now, it->second)) {
    return absl::UnavailableError(absl::StrCat(target, ": could not be observed"));
  }
  return absl::OkStatus();
}

absl::Status ControlLoop::SetMode(const std::string& target, policy::Mode mode) {
  auto it = index_.find(target);
  if (it == index_.end()) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  managed_[it->second].mode = mode;
  return absl::OkStatus();
}

std::map<std::string, TargetState> ControlLoop::SaveState() const {
  std::map<std::string, TargetState> out;
  for (size_t i = 0; i < targets_.size(); ++i) {
    TargetState& t = out[targets_[i].target];
    managed_[i].policy->SaveState(t.policy);
    t.mode = managed_[i].mode;
    const Managed& m = managed_[i];
    t.replicas = m.restored_replicas;
    if (m.has_decision && m.last.recommendation.reason != "ObserveFailed") {
      t.replicas = m.last.actuated ? m.last.desired_replicas : m.last.current_replicas;
    }
  }
  return out;
}

std::vector<std::string> ControlLoop::RestoreState(
    const std::map<std::string, TargetState>& saved) {
  std::vector<std::string> restored;
  for (size_t i = 0; i < targets_.size(); ++i) {
    auto it = saved.find(targets_[i].target);
    if (it == saved.end()) continue;
    managed_[i].policy->RestoreState(it->second.policy);
    managed_[i].mode = it->second.mode;
    managed_[i].restored_replicas = it->second.replicas;
    restored.push_back(targets_[i].target);
  }
  return restored;
}

absl::StatusOr<policy::PolicyState> ControlLoop::PolicyStateOf(const std::string& target) const {
  auto it = index_.find(target);
  if (it == index_.end()) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  policy::PolicyState state;
  managed_[it->second].policy->SaveState(state);
  return state;
}

absl::Status ControlLoop::UpdatePolicyState(
    const std::string& target, const std::function<void(policy::PolicyState&)>& update) {
  auto it = index_.find(target);
  if (it == index_.end()) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  policy::Policy& p = *managed_[it->second].policy;
  policy::PolicyState state;
  p.SaveState(state);
  update(state);
  p.RestoreState(state);
  return absl::OkStatus();
}

void ControlLoop::InheritFrom(const ControlLoop& previous) {
  RestoreState(previous.SaveState());
  for (size_t i = 0; i < targets_.size(); ++i) {
    auto it = previous.index_.find(targets_[i].target);
    if (it == previous.index_.end()) continue;
    const Managed& before = previous.managed_[it->second];
    managed_[i].has_decision = before.has_decision;
    managed_[i].last = before.last;
  }
}

absl::StatusOr<policy::Mode> ControlLoop::ModeOf(const std::string& target) const {
  auto it = index_.find(target);
  if (it == index_.end()) return absl::NotFoundError(absl::StrCat("unknown target ", target));
  return managed_[it->second].mode;
}

const Decision* ControlLoop::LastDecision(const std::string& target) const {
  auto it = index_.find(target);
  if (it == index_.end() || !managed_[it->second].has_decision) return nullptr;
  return &managed_[it->second].last;
}

bool ControlLoop::Evaluate(absl::Time now, size_t index) {
  if (ObserveScale(now, index)) Recommend(now, index, scratch_[0]);
  return Conclude(now, index);
}

bool ControlLoop::ObserveScale(absl::Time now, size_t index) {
  const policy::TargetPolicy& config = targets_[index];
  Managed& m = managed_[index];
  Decision& d = m.last;
  d.time = now;
  d.target = config.target;
  d.mode = m.mode;
  d.min_replicas = config.min_replicas;
  d.max_replicas = config.max_replicas;
  d.actuated = false;
  d.actuation_note.clear();
  m.has_decision = true;
  m.metrics_failed = false;

  absl::StatusOr<actuator::ScaleState> scale = actuator_->Observe(config.target);
  if (!scale.ok()) {
    m.found = Found::kScaleUnknown;
    d.recommendation = policy::Recommendation{};
    d.recommendation.reason = "ObserveFailed";
    d.recommendation.message =
        absl::StrCat("cannot read the target's scale: ", scale.status().message());
    d.desired_replicas = d.current_replicas;
    return false;
  }
  d.current_replicas = scale->spec_replicas;
  d.ready_replicas = scale->ready_replicas;

  if (m.mode == policy::Mode::kPaused) {
    // KEDA's pause: no evaluation at all, so the policy's history does not move either.
    m.found = Found::kPaused;
    d.recommendation = policy::Recommendation{};
    d.recommendation.desired_replicas = d.current_replicas;
    d.recommendation.reason = "Paused";
    d.recommendation.message = absl::StrCat(
        "mode paused: holding ", Counted(d.current_replicas, "replica"), ", not evaluating");
    d.desired_replicas = d.current_replicas;
    return false;
  }
  return true;
}

void ControlLoop::Recommend(absl::Time now, size_t index, Scratch& scratch) {
  const policy::TargetPolicy& config = targets_[index];
  Managed& m = managed_[index];
  Decision& d = m.last;
  policy::PolicyInput& input = scratch.input;
  std::vector<policy::MetricObservation>& observations = scratch.observations;
  input.now = now;
  input.current_replicas = d.current_replicas;
  input.ready_replicas = d.ready_replicas;
  input.explain = sink_ == nullptr || sink_->WantsExplanations();
  const absl::Status observed = metrics_->Observe(config, now, &observations);
  if (!observed.ok()) {
    // The policy still runs: with every metric failed it holds the count, and its failure
    // counter drives the fallback.
    m.metrics_failed = true;
    observations.resize(config.metrics.size());
    for (size_t i = 0; i < config.metrics.size(); ++i) {
      observations[i].metric = config.metrics[i].metric;
      observations[i].error = observed;
      observations[i].replicas.clear();
    }
  }
  input.metrics = observations;

  absl::StatusOr<policy::Recommendation> rec = m.policy->Recommend(input);
  if (!rec.ok()) {
    m.found = Found::kPolicyFailed;
    d.recommendation = policy::Recommendation{};
    d.recommendation.reason = "PolicyError";
    d.recommendation.message = std::string(rec.status().message());
    d.desired_replicas = d.current_replicas;
    return;
  }
  m.found = Found::kRecommended;
  d.recommendation = *std::move(rec);
  d.desired_replicas = d.recommendation.desired_replicas;
  // The policies give one proposal per metric, in the config's order.
  std::vector<policy::MetricProposal>& proposals = d.recommendation.metrics;
  for (size_t i = 0; i < proposals.size() && i < config.metrics.size(); ++i) {
    policy::MetricProposal& p = proposals[i];
    const policy::MetricTarget& t = config.metrics[i];
    if (!p.valid || p.metric != t.metric) continue;
    p.value = policy::InMetricUnit(t, p.utilization_percent);
    p.target = policy::InMetricUnit(t, t.target_percent);
  }
}

bool ControlLoop::Conclude(absl::Time now, size_t index) {
  const policy::TargetPolicy& config = targets_[index];
  Managed& m = managed_[index];
  Decision& d = m.last;
  if (m.found == Found::kScaleUnknown || m.metrics_failed) ++stats_.observe_failures;
  if (m.found == Found::kPaused) ++stats_.skipped_paused;
  if (m.found == Found::kRecommended || m.found == Found::kPolicyFailed) ++stats_.evaluations;
  if (m.found == Found::kPolicyFailed) ++stats_.policy_failures;

  if (m.found == Found::kRecommended && d.desired_replicas != d.current_replicas) {
    std::string held;
    if (m.mode == policy::Mode::kDryRun) {
      d.actuation_note = "dry-run: not actuated";
    } else if (gate_ && !(held = gate_()).empty()) {
      d.actuation_note = std::move(held);
    } else {
      const absl::Status set =
          actuator_->SetReplicas({config.target, d.desired_replicas, d.current_replicas,
                                  d.recommendation.reason, d.recommendation.message, now});
      if (set.ok()) {
        d.actuated = true;
        ++stats_.scale_events;
        m.policy->RecordScale(now, d.current_replicas, d.desired_replicas);
      } else {
        ++stats_.actuation_failures;
        d.actuation_note = absl::StrCat("actuator failed: ", set.message());
      }
    }
  }
  if (sink_ != nullptr) sink_->OnDecision(d);
  return m.found != Found::kScaleUnknown;
}

}  // namespace limiar::controller
