#include "src/policy/hpa/reconcile.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "src/policy/hpa/behavior_defaults.h"
#include "src/policy/hpa/message.h"

namespace limiar::policy::hpa {
namespace {

bool IsCpu(const MetricInput& m) {
  return (m.source == MetricSourceType::kResource ||
          m.source == MetricSourceType::kContainerResource) &&
         m.name == "cpu";
}

void Fail(const MetricInput& m, absl::string_view error, MetricOutcome& o) {
  o.valid = false;
  o.reason = FailedMetricReason(m.source);
  o.error.clear();
  absl::StrAppend(&o.error, m.name, ": ", error);
}

void Accept(const UsageResult& r, MetricOutcome& o) {
  o.valid = true;
  o.replicas = r.replicas;
  o.usage_milli = r.usage_milli;
  o.ratio = r.ratio;
}

// computeReplicasForMetric: one metric's proposal, or why it has none.
void ComputeMetric(const ReconcileInput& in, const MetricInput& m, MetricOutcome& o) {
  o = MetricOutcome();
  if (!m.error.ok()) return Fail(m, m.error.message(), o);
  absl::StatusOr<UsageResult> usage = UsageResult();
  switch (m.source) {
    case MetricSourceType::kResource:
    case MetricSourceType::kContainerResource:
      if (m.target_type == TargetType::kUtilization) {
        absl::StatusOr<UtilizationResult> u =
            ResourceUtilizationReplicas(in.spec_replicas, m.target_utilization, m.name, m.pods,
                                        m.unmatched_samples_milli, in.tolerances);
        if (!u.ok()) return Fail(m, u.status().message(), o);
        o.valid = true;
        o.replicas = u->replicas;
        o.utilization_percent = u->utilization_percent;
        o.raw_average_milli = u->raw_average_milli;
        o.usage_milli = u->raw_average_milli;
        o.ratio = u->ratio;
        return;
      }
      if (m.target_type != TargetType::kAverageValue) {
        return Fail(m,
                    "invalid resource metric source: neither an average utilization target "
                    "nor an average value target was set",
                    o);
      }
      usage = AverageValueReplicas(in.spec_replicas, m.target_milli, IsCpu(m), "resource", m.pods,
                                   m.unmatched_samples_milli, in.tolerances);
      break;
    case MetricSourceType::kPods:
      if (m.target_type != TargetType::kAverageValue) {
        return Fail(m, "invalid pods metric source: only an average value target is valid", o);
      }
      usage = AverageValueReplicas(in.spec_replicas, m.target_milli, /*cpu=*/false, "custom",
                                   m.pods, m.unmatched_samples_milli, in.tolerances);
      break;
    case MetricSourceType::kObject:
      if (m.target_type == TargetType::kValue) {
        usage = ObjectValueReplicas(in.spec_replicas, m.object_value_milli, m.target_milli, m.pods,
                                    in.tolerances);
      } else if (m.target_type == TargetType::kAverageValue) {
        usage = ObjectAverageValueReplicas(in.status_replicas, m.object_value_milli, m.target_milli,
                                           in.tolerances);
      } else {
        return Fail(m,
                    "invalid object metric source: neither a value target nor an average value "
                    "target was set",
                    o);
      }
      break;
    case MetricSourceType::kExternal:
      if (m.target_type == TargetType::kValue) {
        usage = ExternalValueReplicas(in.spec_replicas, m.external_samples_milli, m.target_milli,
                                      m.pods, in.tolerances);
      } else if (m.target_type == TargetType::kAverageValue) {
        usage = ExternalAverageValueReplicas(in.status_replicas, m.external_samples_milli,
                                             m.target_milli, in.tolerances);
      } else {
        return Fail(m,
                    "invalid external metric source: neither a value target nor an average "
                    "value target was set",
                    o);
      }
      break;
    case MetricSourceType::kInvalid:
      return Fail(m, "unknown metric source type", o);
  }
  if (!usage.ok()) return Fail(m, usage.status().message(), o);
  Accept(*usage, o);
}

// normalizeDesiredReplicas / normalizeDesiredReplicasWithBehaviors.
void Normalize(const ReconcileInput& in, HpaState& state, ReconcileResult& out) {
  const int32_t current = in.spec_replicas;
  const int32_t pre = out.prenormalized_replicas;
  if (!in.behavior) {
    out.stabilized_replicas =
        StabilizeLegacy(state.recommendations, pre, in.downscale_stabilization, in.now);
    out.able_to_scale_reason =
        out.stabilized_replicas != pre ? "ScaleDownStabilized" : "ReadyForNewScale";
    out.limited = ClampLegacy(current, out.stabilized_replicas, in.min_replicas, in.max_replicas,
                              in.legacy_scale_up_limit_factor, in.legacy_scale_up_limit_minimum);
  } else {
    const HpaBehavior& b = *in.behavior;
    out.stabilized_replicas =
        StabilizeWithBehavior(state.recommendations, current, pre, ScaleUpWindow(b.scale_up),
                              ScaleDownWindow(b.scale_down, in.downscale_stabilization), in.now);
    if (out.stabilized_replicas == pre) {
      out.able_to_scale_reason = "ReadyForNewScale";
    } else {
      out.able_to_scale_reason = pre >= current ? "ScaleUpStabilized" : "ScaleDownStabilized";
    }
    out.limited =
        ApplyRateLimits(current, out.stabilized_replicas, in.min_replicas, in.max_replicas, b,
                        state.scale_up_events, state.scale_down_events, in.now);
  }
  out.desired_replicas = out.limited.replicas;
  if (out.limited.replicas != out.stabilized_replicas) {
    out.reason = LimitReasonName(out.limited.reason);
  } else if (out.stabilized_replicas != pre) {
    out.reason = out.able_to_scale_reason;
  } else {
    out.reason = LimitReasonName(out.limited.reason);
  }
}

}  // namespace

const char* FailedMetricReason(MetricSourceType source) {
  switch (source) {
    case MetricSourceType::kResource:
      return "FailedGetResourceMetric";
    case MetricSourceType::kContainerResource:
      return "FailedGetContainerResourceMetric";
    case MetricSourceType::kPods:
      return "FailedGetPodsMetric";
    case MetricSourceType::kObject:
      return "FailedGetObjectMetric";
    case MetricSourceType::kExternal:
      return "FailedGetExternalMetric";
    case MetricSourceType::kInvalid:
      return "InvalidMetricSourceType";
  }
  return "?";
}

void Reconcile(const ReconcileInput& in, HpaState& state, ReconcileResult& out) {
  const int32_t current = in.spec_replicas;
  if (!state.recommendations_initialized) {
    state.recommendations.push_back({current, in.now});
    state.recommendations_initialized = true;
  }

  // Every metric is evaluated, even where the decision does not use them, so that callers
  // can explain what each metric asks for; the decision below follows upstream.
  out.metrics.resize(in.metrics.size());
  out.metric_replicas = -1;
  out.driving_metric = -1;
  int invalid = 0;
  int first_invalid = -1;
  for (size_t i = 0; i < in.metrics.size(); ++i) {
    MetricOutcome& o = out.metrics[i];
    ComputeMetric(in, in.metrics[i], o);
    if (!o.valid) {
      if (first_invalid < 0) first_invalid = static_cast<int>(i);
      ++invalid;
      continue;
    }
    // computeReplicasForMetrics starts from 0, so a first proposal of 0 is replaced.
    if (out.metric_replicas <= 0 || o.replicas > out.metric_replicas) {
      out.metric_replicas = o.replicas;
      out.driving_metric = static_cast<int>(i);
    }
  }

  out.prenormalized_replicas = current;
  out.stabilized_replicas = current;
  out.limited = Limited{current, LimitReason::kDesiredWithinRange};
  out.able_to_scale_reason = "";
  out.scaling_active = true;
  if (current == 0 && in.min_replicas != 0) {
    out.decision = Decision::kScalingDisabled;
    out.desired_replicas = 0;
    out.scaling_active = false;
    out.reason = "ScalingDisabled";
  } else if (current > in.max_replicas) {
    out.decision = Decision::kAboveMax;
    out.desired_replicas = in.max_replicas;
    out.reason = "TooManyReplicas";
  } else if (current < in.min_replicas) {
    out.decision = Decision::kBelowMin;
    out.desired_replicas = in.min_replicas;
    out.reason = "TooFewReplicas";
  } else if (invalid >= static_cast<int>(in.metrics.size()) ||
             (invalid > 0 && out.metric_replicas < current)) {
    // Partial data may scale up but never down: a lost metric is no sign of low load.
    out.decision = Decision::kMetricsInvalid;
    out.desired_replicas = current;
    out.scaling_active = false;
    out.reason = first_invalid >= 0 ? out.metrics[first_invalid].reason : "FailedGetMetrics";
  } else {
    out.decision = Decision::kNormalized;
    out.prenormalized_replicas = std::max(out.metric_replicas, 0);
    Normalize(in, state, out);
  }
  out.message.clear();
  if (in.explain) AppendMessage(in, out, first_invalid, invalid, out.message);
}

}  // namespace limiar::policy::hpa
