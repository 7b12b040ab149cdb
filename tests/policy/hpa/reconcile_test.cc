#include "src/policy/hpa/reconcile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/policy/hpa/behavior_defaults.h"

namespace limiar::policy::hpa {
namespace {

using testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

// A cpu utilization metric over `n` ready pods requesting 1 core, each using `usage_milli`.
MetricInput Cpu(int n, int64_t usage_milli, int32_t target_percent) {
  MetricInput m;
  m.source = MetricSourceType::kResource;
  m.name = "cpu";
  m.target_type = TargetType::kUtilization;
  m.target_utilization = target_percent;
  for (int i = 0; i < n; ++i) {
    Pod p;
    p.request_milli = 1000;
    p.metric_milli = usage_milli;
    m.pods.push_back(p);
  }
  return m;
}

MetricInput Failing(MetricSourceType source) {
  MetricInput m;
  m.source = source;
  m.name = "queue";
  m.target_type = TargetType::kValue;
  m.target_milli = 1000;
  m.error = absl::UnavailableError("metrics API down");
  return m;
}

ReconcileInput Input(int32_t current, int32_t min, int32_t max) {
  ReconcileInput in;
  in.now = kNow;
  in.spec_replicas = current;
  in.status_replicas = current;
  in.min_replicas = min;
  in.max_replicas = max;
  return in;
}

ReconcileResult ReconcileOnce(const ReconcileInput& in, HpaState& state) {
  ReconcileResult out;
  Reconcile(in, state, out);
  return out;
}

TEST(ReconcileTest, ScalesUpAndSaysWhy) {
  ReconcileInput in = Input(3, 1, 10);
  in.metrics.push_back(Cpu(3, 950, 65));
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.decision, Decision::kNormalized);
  EXPECT_EQ(out.desired_replicas, 5);
  EXPECT_STREQ(out.reason, "DesiredWithinRange");
  EXPECT_EQ(out.message, "cpu at 95% of 65% target: 3 -> 5");
  // The first reconcile seeds the history with the current count, then records 5.
  ASSERT_EQ(state.recommendations.size(), 2u);
  EXPECT_EQ(state.recommendations[0].replicas, 3);
}

TEST(ReconcileTest, WithoutExplainTheDecisionIsTheSameAndTheMessageEmpty) {
  ReconcileInput in = Input(3, 1, 10);
  in.metrics.push_back(Cpu(3, 950, 65));
  HpaState told_state, silent_state;
  const ReconcileResult told = ReconcileOnce(in, told_state);
  in.explain = false;
  const ReconcileResult silent = ReconcileOnce(in, silent_state);
  EXPECT_EQ(silent.desired_replicas, told.desired_replicas);
  EXPECT_STREQ(silent.reason, told.reason);
  EXPECT_EQ(silent.message, "");
  EXPECT_EQ(silent_state.recommendations.size(), told_state.recommendations.size());
}

TEST(ReconcileTest, HoldsWithinTolerance) {
  ReconcileInput in = Input(3, 1, 10);
  in.metrics.push_back(Cpu(3, 680, 65));
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 3);
  EXPECT_EQ(out.message, "cpu at 68% of 65% target: holding 3 (within tolerance)");
}

TEST(ReconcileTest, LegacyDownscaleWindowHolds) {
  ReconcileInput in = Input(5, 1, 10);
  in.metrics.push_back(Cpu(5, 300, 50));  // asks ceil(0.6 * 5) = 3
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 5);
  EXPECT_STREQ(out.reason, "ScaleDownStabilized");
  EXPECT_EQ(out.limited.reason, LimitReason::kDesiredWithinRange);
  EXPECT_EQ(out.message,
            "scale-down to 3 held at 5 by the 300s stabilization window (cpu at 30% of 50% "
            "target asks 3)");
  // 300 s later the seeded 5 is outside the window; the 3 recorded now is not.
  in.now = kNow + absl::Seconds(300);
  EXPECT_EQ(ReconcileOnce(in, state).desired_replicas, 3);
}

TEST(ReconcileTest, BehaviorRateLimitNamesThePolicy) {
  ReconcileInput in = Input(4, 1, 100);
  in.behavior = DefaultBehavior({});
  in.metrics.push_back(Cpu(4, 1500, 50));  // asks 12
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 8);
  EXPECT_STREQ(out.reason, "ScaleUpLimit");
  EXPECT_EQ(out.limited.policy_index, 0);
  EXPECT_THAT(out.message, HasSubstr("scale-up limited to 8 by policy Pods 4/15s"));
  EXPECT_THAT(out.message, HasSubstr("asks 12"));
}

TEST(ReconcileTest, MaxReplicasBinds) {
  ReconcileInput in = Input(6, 1, 8);
  in.metrics.push_back(Cpu(6, 1000, 50));  // asks 12, legacy limit 12
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 8);
  EXPECT_STREQ(out.reason, "TooManyReplicas");
  EXPECT_EQ(out.message, "cpu at 100% of 50% target asks 12, clamped to maxReplicas 8: 6 -> 8");
}

// The bounds apply first in every sentence: no count outside [min, max] is named as where
// the replicas go or are held, only as what the metric asks.
TEST(ReconcileTest, SentencesClampTheProposalToTheBoundsFirst) {
  ReconcileInput in = Input(5, 3, 10);
  in.metrics.push_back(Cpu(5, 50, 50));  // 5% of 50%: asks ceil(0.1 * 5) = 1
  HpaState state;
  ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 5);
  EXPECT_STREQ(out.reason, "ScaleDownStabilized");
  EXPECT_EQ(out.message,
            "scale-down to 3 held at 5 by the 300s stabilization window (cpu at 5% of 50% "
            "target asks 1, clamped to minReplicas 3)");
  // The seeded 5 has left the window; the 1 recorded above has not, and min binds.
  in.now = kNow + absl::Seconds(300);
  out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 3);
  EXPECT_STREQ(out.reason, "TooFewReplicas");
  EXPECT_EQ(out.message, "cpu at 5% of 50% target asks 1, clamped to minReplicas 3: 5 -> 3");
}

TEST(ReconcileTest, ScaleUpWindowSentenceNamesNoCountAboveMax) {
  ReconcileInput in = Input(4, 1, 10);
  in.behavior = DefaultBehavior({});
  in.behavior->scale_up.stabilization_window = absl::Seconds(60);
  in.metrics.push_back(Cpu(4, 2500, 50));  // 250% of 50%: asks 20
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 4);
  EXPECT_STREQ(out.reason, "ScaleUpStabilized");
  EXPECT_EQ(out.message,
            "scale-up to 10 held at 4 by the 60s stabilization window (cpu at 250% of 50% "
            "target asks 20, clamped to maxReplicas 10)");
}

TEST(ReconcileTest, SomeMetricInvalidBlocksScaleDownOnly) {
  ReconcileInput in = Input(5, 1, 10);
  in.metrics.push_back(Cpu(5, 100, 50));
  in.metrics.push_back(Failing(MetricSourceType::kExternal));
  HpaState state;
  ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.decision, Decision::kMetricsInvalid);
  EXPECT_EQ(out.desired_replicas, 5);
  EXPECT_FALSE(out.scaling_active);
  EXPECT_STREQ(out.reason, "FailedGetExternalMetric");
  EXPECT_THAT(out.message, HasSubstr("1 of 2 metrics failed (queue: metrics API down)"));
  // No normalization ran: only the seed is in the history.
  EXPECT_EQ(state.recommendations.size(), 1u);

  in.metrics[0] = Cpu(5, 1000, 50);  // now asks 10: scaling up on partial data is fine
  out = ReconcileOnce(in, state);
  EXPECT_EQ(out.decision, Decision::kNormalized);
  EXPECT_EQ(out.desired_replicas, 10);
  EXPECT_TRUE(out.scaling_active);
  EXPECT_THAT(out.message, HasSubstr("; 1 of 2 metrics failed"));
}

TEST(ReconcileTest, AllInvalidHolds) {
  ReconcileInput in = Input(3, 1, 10);
  in.metrics.push_back(Failing(MetricSourceType::kPods));
  HpaState state;
  const ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 3);
  EXPECT_FALSE(out.scaling_active);
  EXPECT_STREQ(out.reason, "FailedGetPodsMetric");
  EXPECT_EQ(out.message, "no usable metric (queue: metrics API down): holding 3");
}

TEST(ReconcileTest, Shortcuts) {
  HpaState state;
  ReconcileInput in = Input(0, 2, 10);
  in.metrics.push_back(Cpu(3, 1000, 50));
  ReconcileResult out = ReconcileOnce(in, state);
  EXPECT_EQ(out.decision, Decision::kScalingDisabled);
  EXPECT_EQ(out.desired_replicas, 0);
  EXPECT_FALSE(out.scaling_active);

  in = Input(12, 2, 10);
  in.metrics.push_back(Cpu(3, 1000, 50));
  out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 10);
  EXPECT_STREQ(out.reason, "TooManyReplicas");
  EXPECT_EQ(out.message, "current 12 above maxReplicas 10: 12 -> 10");

  in = Input(1, 2, 10);
  in.metrics.push_back(Cpu(3, 1000, 50));
  out = ReconcileOnce(in, state);
  EXPECT_EQ(out.desired_replicas, 2);
  EXPECT_STREQ(out.reason, "TooFewReplicas");
  // The metric was still evaluated, for explanation.
  EXPECT_TRUE(out.metrics[0].valid);
}

TEST(ReconcileTest, ScaleFromZeroWithMinZero) {
  ReconcileInput in = Input(0, 0, 6);
  MetricInput m;
  m.source = MetricSourceType::kObject;
  m.name = "queue";
  m.target_type = TargetType::kValue;
  m.target_milli = 15000;
  m.object_value_milli = 20000;
  in.metrics.push_back(m);
  HpaState state;
  EXPECT_EQ(ReconcileOnce(in, state).desired_replicas, 2);
}

TEST(ReconcileTest, BehaviorScaleDownWindowFromFlagAndEvents) {
  ReconcileInput in = Input(10, 1, 100);
  in.behavior = DefaultBehavior({});
  in.downscale_stabilization = absl::Seconds(60);
  in.metrics.push_back(Cpu(10, 100, 50));  // asks 2
  HpaState state;
  state.recommendations_initialized = true;  // empty history
  state.scale_down_events = {{8, kNow - absl::Seconds(5)}};
  const ReconcileResult out = ReconcileOnce(in, state);
  // The history is empty, so nothing holds the scale-down; Percent 100/15s from a period
  // start of 10 + 8 allows anything down to 0, so the proposal stands.
  EXPECT_EQ(out.desired_replicas, 2);
  EXPECT_STREQ(out.reason, "DesiredWithinRange");
}

}  // namespace
}  // namespace limiar::policy::hpa
