#include "src/controller/decision_proto.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/common/plural.h"
#include "src/policy/forecast_floor.h"

namespace limiar::controller {

limiar::v1::Mode ModeToProto(policy::Mode mode) {
  switch (mode) {
    case policy::Mode::kEnforce:
      return limiar::v1::MODE_ENFORCE;
    case policy::Mode::kDryRun:
      return limiar::v1::MODE_DRY_RUN;
    case policy::Mode::kPaused:
      return limiar::v1::MODE_PAUSED;
  }
  return limiar::v1::MODE_UNSPECIFIED;
}

bool ModeFromProto(limiar::v1::Mode wire, policy::Mode* out) {
  switch (wire) {
    case limiar::v1::MODE_ENFORCE:
      *out = policy::Mode::kEnforce;
      return true;
    case limiar::v1::MODE_DRY_RUN:
      *out = policy::Mode::kDryRun;
      return true;
    case limiar::v1::MODE_PAUSED:
      *out = policy::Mode::kPaused;
      return true;
    default:
      return false;
  }
}

namespace {

void ForecastToProto(const policy::ForecastNote& f, limiar::v1::Forecast* out) {
  out->set_forecast_only(f.mode == policy::ForecastMode::kForecastOnly);
  out->set_ready(f.ready);
  out->set_why_not(f.why_not);
  out->set_forecaster(f.forecaster);
  out->set_metric(policy::MetricTypeName(f.metric));
  out->set_load(f.load);
  out->set_horizon_seconds(absl::ToDoubleSeconds(f.horizon));
  out->set_floor(f.floor);
  out->set_applied(f.applied);
  if (f.error_ratio) out->set_error_ratio(*f.error_ratio);
  out->set_sentence(policy::ForecastSentence(f));
}

}  // namespace

void DecisionToProto(const Decision& d, limiar::v1::Decision* out) {
  const int64_t nanos = absl::ToUnixNanos(d.time);
  out->mutable_time()->set_seconds(nanos / 1'000'000'000);
  out->mutable_time()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  out->set_target(d.target);
  out->set_mode(ModeToProto(d.mode));
  out->set_current_replicas(d.current_replicas);
  out->set_ready_replicas(d.ready_replicas);
  out->set_desired_replicas(d.desired_replicas);
  const policy::Recommendation& r = d.recommendation;
  out->set_proposed_replicas(r.proposed_replicas);
  out->set_reason(r.reason);
  out->set_message(r.message);
  out->set_scaling_active(r.scaling_active);
  out->set_actuated(d.actuated);
  out->set_actuation_note(d.actuation_note);
  out->set_panic_mode(r.panic_mode);
  out->set_excess_burst_capacity(r.excess_burst_capacity);
  if (r.forecast) ForecastToProto(*r.forecast, out->mutable_forecast());
  for (const policy::MetricProposal& m : r.metrics) {
    limiar::v1::MetricProposal* p = out->add_metrics();
    p->set_metric(policy::MetricTypeName(m.metric));
    p->set_valid(m.valid);
    p->set_replicas(m.replicas);
    p->set_utilization_percent(m.utilization_percent);
    p->set_error(m.error);
  }
}

void SummaryToProto(const policy::TargetPolicy& t, policy::Mode mode,
                    limiar::v1::ResourceSummary* out) {
  out->set_target(t.target);
  for (const policy::MetricTarget& m : t.metrics) {
    out->add_autoscale_resources(m.autoscale_resource);
    out->add_metrics(policy::MetricTypeName(m.metric));
  }
  out->set_algorithm(policy::AlgorithmName(t.algorithm));
  out->set_mode(ModeToProto(mode));
  out->set_min_replicas(t.min_replicas);
  out->set_max_replicas(t.max_replicas);
}

namespace {

// "forecast: 1,900 requests/s within 120s (auto: holt_winters_add); floor 12, set the count;
// last hour's forecast error 8.2 %".
std::string ForecastStep(const policy::ForecastNote& f) {
  std::string step = policy::ForecastSentence(f);
  if (!f.ready) return step;
  if (f.applied) {
    absl::StrAppend(&step, ", set the count");
  } else if (f.mode == policy::ForecastMode::kForecastOnly) {
    absl::StrAppend(&step, " (forecast only: not acted on)");
  } else {
    absl::StrAppend(&step, ", below the reactive count");
  }
  if (f.error_ratio) {
    absl::StrAppend(&step,
                    absl::StrFormat("; last hour's forecast error %.1f %%", *f.error_ratio * 100));
  }
  return step;
}

}  // namespace

std::vector<std::string> ExplainSteps(const Decision& d, const policy::TargetPolicy& t) {
  std::vector<std::string> steps;
  const policy::Recommendation& r = d.recommendation;
  steps.push_back(absl::StrFormat("observed %s (%d ready), bounds %d..%d, mode %s",
                                  Counted(d.current_replicas, "replica"), d.ready_replicas,
                                  t.min_replicas, t.max_replicas, policy::ModeName(d.mode)));
  for (size_t i = 0; i < r.metrics.size(); ++i) {
    const policy::MetricProposal& m = r.metrics[i];
    const double target = i < t.metrics.size() ? t.metrics[i].target_percent : 0;
    if (m.valid) {
      steps.push_back(absl::StrFormat("%s at %.1f%% of capacity against a %g%% target: %s",
                                      policy::MetricTypeName(m.metric), m.utilization_percent,
                                      target, Counted(m.replicas, "replica")));
    } else {
      steps.push_back(absl::StrCat(policy::MetricTypeName(m.metric), " unusable: ", m.error));
    }
  }
  // The proposal is what the metrics asked; the bounds apply after it.
  std::string clamped;
  if (r.proposed_replicas < t.min_replicas) {
    clamped = absl::StrCat(", clamped to replicas_min ", t.min_replicas);
  } else if (r.proposed_replicas > t.max_replicas) {
    clamped = absl::StrCat(", clamped to replicas_max ", t.max_replicas);
  }
  steps.push_back(absl::StrFormat("%s proposed %d%s%s", policy::AlgorithmName(t.algorithm),
                                  r.proposed_replicas, clamped,
                                  r.panic_mode ? " (in panic mode)" : ""));
  if (r.forecast) steps.push_back(ForecastStep(*r.forecast));
  steps.push_back(absl::StrFormat("decided %d: %s (%s)", d.desired_replicas, r.message, r.reason));
  if (d.desired_replicas == d.current_replicas) {
    steps.push_back("no change to actuate");
  } else if (d.actuated) {
    steps.push_back(absl::StrFormat("actuated %d -> %d", d.current_replicas, d.desired_replicas));
  } else {
    steps.push_back(absl::StrCat("not actuated: ", d.actuation_note));
  }
  return steps;
}

}  // namespace limiar::controller
