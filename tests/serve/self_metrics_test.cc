// The per-target series of serve's /metrics follow every decision: gauges hold the latest
// value, whether or not it changed, and decisions are counted by reason as reasons come and
// go.
#include "src/serve/self_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace limiar::serve {
namespace {

using ::testing::HasSubstr;

controller::Decision Decided(int32_t current, int32_t desired, const std::string& reason,
                             double utilization) {
  controller::Decision d;
  d.target = "web";
  d.current_replicas = current;
  d.ready_replicas = current;
  d.desired_replicas = desired;
  d.recommendation.reason = reason;
  policy::MetricProposal cpu;
  cpu.metric = policy::MetricType::kCpu;
  cpu.valid = true;
  cpu.utilization_percent = utilization;
  d.recommendation.metrics.push_back(cpu);
  return d;
}

TEST(SelfMetricsTest, SeriesFollowRepeatedAndChangingDecisions) {
  SelfMetrics metrics;
  metrics.OnDecision(Decided(2, 4, "ScaleUp", 90));
  metrics.OnDecision(Decided(4, 4, "DesiredWithinRange", 45));
  metrics.OnDecision(Decided(4, 4, "DesiredWithinRange", 45));
  metrics.OnDecision(Decided(4, 2, "ScaleDown", 20));
  metrics.OnDecision(Decided(2, 2, "DesiredWithinRange", 45));
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("limiar_current_replicas{target=\"web\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("limiar_desired_replicas{target=\"web\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("limiar_ready_replicas{target=\"web\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("limiar_utilization_percent{metric=\"cpu\",target=\"web\"} 45\n"));
  EXPECT_THAT(
      text, HasSubstr("limiar_decisions_total{reason=\"DesiredWithinRange\",target=\"web\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("limiar_decisions_total{reason=\"ScaleUp\",target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_decisions_total{reason=\"ScaleDown\",target=\"web\"} 1\n"));
}

}  // namespace
}  // namespace limiar::serve
