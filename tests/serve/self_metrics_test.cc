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

// What the chart's dashboard and alerts read besides the counts: bounds, mode, panic,
// fallback, whether any metric was usable, and each metric's value against its target.
TEST(SelfMetricsTest, StateOfTheTargetAndValueAgainstTarget) {
  SelfMetrics metrics;
  controller::Decision d = Decided(3, 8, "ScaleUpLimit", 150);
  d.min_replicas = 2;
  d.max_replicas = 8;
  d.mode = policy::Mode::kDryRun;
  d.recommendation.panic_mode = true;
  d.recommendation.metrics[0].metric = policy::MetricType::kRequests;
  d.recommendation.metrics[0].value = 97.5;
  d.recommendation.metrics[0].target = 65;
  metrics.OnDecision(d);
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("limiar_min_replicas{target=\"web\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("limiar_max_replicas{target=\"web\"} 8\n"));
  EXPECT_THAT(text, HasSubstr("limiar_mode{mode=\"dry-run\",target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_mode{mode=\"enforce\",target=\"web\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("limiar_panic_mode{target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_fallback_active{target=\"web\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("limiar_scaling_active{target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_metric_value{metric=\"requests\",target=\"web\"} 97.5\n"));
  EXPECT_THAT(text, HasSubstr("limiar_metric_target{metric=\"requests\",target=\"web\"} 65\n"));
  EXPECT_THAT(text, HasSubstr("limiar_build_info{version=\""));

  // Metrics fail: the fallback takes over; the last good value stays, as a gauge does.
  d = Decided(8, 4, "Fallback", 0);
  d.min_replicas = 2;
  d.max_replicas = 8;
  d.recommendation.scaling_active = false;
  d.recommendation.metrics[0].valid = false;
  metrics.OnDecision(d);
  text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("limiar_mode{mode=\"enforce\",target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_mode{mode=\"dry-run\",target=\"web\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("limiar_panic_mode{target=\"web\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("limiar_fallback_active{target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_scaling_active{target=\"web\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("limiar_metric_value{metric=\"requests\",target=\"web\"} 97.5\n"));
}

// The forecasting policy's series: what it would have done is visible before it is trusted.
TEST(SelfMetricsTest, ForecastLoadFloorReadinessAndError) {
  SelfMetrics metrics;
  controller::Decision d = Decided(3, 3, "DesiredWithinRange", 50);
  policy::ForecastNote f;
  f.mode = policy::ForecastMode::kForecastOnly;
  f.why_not = "seasonal_naive_daily needs one period of history (1440 steps); it has 9";
  d.recommendation.forecast = f;
  metrics.OnDecision(d);
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("limiar_forecast_ready{target=\"web\"} 0\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("limiar_forecast_load{")));

  f.ready = true;
  f.metric = policy::MetricType::kRequests;
  f.load = 1900;
  f.floor = 30;
  f.error_ratio = 0.125;
  d.recommendation.forecast = f;
  metrics.OnDecision(d);
  text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("limiar_forecast_ready{target=\"web\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("limiar_forecast_load{metric=\"requests\",target=\"web\"} 1900\n"));
  EXPECT_THAT(text, HasSubstr("limiar_forecast_floor_replicas{target=\"web\"} 30\n"));
  EXPECT_THAT(text, HasSubstr("limiar_forecast_error_ratio{target=\"web\"} 0.125\n"));
}

TEST(SelfMetricsTest, IngestBatchesAreTimed) {
  SelfMetrics metrics;
  metrics.ObserveIngestBatch(absl::Microseconds(30));
  metrics.ObserveIngestBatch(absl::Milliseconds(2));
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("limiar_ingest_batch_duration_seconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("limiar_ingest_batch_duration_seconds_bucket{le=\"5e-05\"} 1\n"));
}

}  // namespace
}  // namespace limiar::serve
