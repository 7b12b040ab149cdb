#include "src/sim/engine/run_summary.h"

#include "gtest/gtest.h"

namespace limiar::sim {
namespace {

TEST(LatencyHistogramTest, QuantilesAreRequestWeightedWithinOnePercent) {
  LatencyHistogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  h.Add(50, 900);   // 900 requests at 50 ms
  h.Add(400, 100);  // 100 at 400 ms
  EXPECT_NEAR(h.Quantile(0.5), 50, 0.5);
  EXPECT_NEAR(h.Quantile(0.9), 50, 0.5);
  EXPECT_NEAR(h.Quantile(0.95), 400, 4);
  h.Add(1e9, 1);  // beyond the range: clamped, not lost
  EXPECT_GT(h.Quantile(1.0), 1e5);
}

TimelineRow Row(double t, double demand, double capacity, double p95_ms, int32_t spec = 2) {
  TimelineRow r;
  r.t_s = t;
  r.demand_rps = demand;
  r.capacity_rps = capacity;
  r.p50_ms = r.p95_ms = r.p99_ms = p95_ms;
  r.spec = spec;
  return r;
}

TEST(RunSummaryTest, CountsViolationsDropsCostAndPeaks) {
  SloSpec slo;  // p95 <= 250 ms, drops <= 0.1 %
  RunSummary s(slo, 1, 15, 0.5, std::nullopt);
  for (int t = 0; t < 3600; ++t) {
    TimelineRow row = Row(t, 100, 200, t < 60 ? 300 : 50, t < 1800 ? 2 : 4);
    row.dropped = t == 100 ? 10 : 0;  // 10 of 100: a violation by drops
    s.Add(row, 100, 100 - row.dropped, row.spec);
    EXPECT_EQ(row.slo_violated, t < 60 || t == 100);
  }
  const ResourceSummary r = s.Finish();
  EXPECT_EQ(r.slo_violation_s, 61);
  EXPECT_EQ(r.dropped, 10);
  EXPECT_NEAR(r.drop_rate, 10.0 / 360000, 1e-12);
  EXPECT_EQ(r.replica_hours, 3);  // 2 x 0.5 h + 4 x 0.5 h
  EXPECT_EQ(r.cost, 1.5);
  EXPECT_EQ(r.max_replicas, 4);
  EXPECT_NEAR(r.p95_ms, 50, 0.5);  // 60 of 3,600 s slow: under 5 %
  EXPECT_TRUE(r.meets_slo);
  EXPECT_FALSE(r.time_to_capacity_s.has_value());  // never short
}

TEST(RunSummaryTest, TimeToCapacityFromTheSpikeStart) {
  RunSummary s(SloSpec{}, 1, 15, 0, SpikeWindow{100, 160, 400});
  for (int t = 0; t < 600; ++t) {
    // Short of capacity from t=100 to t=159 (a gap at 130 does not end it).
    const bool short_of = t >= 100 && t < 160 && t != 130;
    TimelineRow row = Row(t, short_of ? 300 : 100, 200, 50);
    s.Add(row, row.demand_rps, row.demand_rps, 2);
  }
  const ResourceSummary r = s.Finish();
  ASSERT_TRUE(r.time_to_capacity_s.has_value());
  EXPECT_EQ(*r.time_to_capacity_s, 60);
  EXPECT_TRUE(r.capacity_reached);
}

TEST(RunSummaryTest, CapacityNeverReachedWhenShortToTheEndOfThePeak) {
  RunSummary s(SloSpec{}, 1, 15, 0, SpikeWindow{100, 160, 400});
  for (int t = 0; t < 600; ++t) {
    TimelineRow row = Row(t, t >= 100 && t < 400 ? 900 : 100, 800, 50);
    s.Add(row, row.demand_rps, row.demand_rps, 8);
  }
  const ResourceSummary r = s.Finish();
  EXPECT_EQ(*r.time_to_capacity_s, 300);
  EXPECT_FALSE(r.capacity_reached);
}

TEST(RunSummaryTest, ALaterShortfallDuringTheHoldIsNotTheSpikes) {
  RunSummary s(SloSpec{}, 1, 15, 0, SpikeWindow{100, 160, 600});
  for (int t = 0; t < 700; ++t) {
    // Short from 100 to 139 (the ramp), then again from 400 (a zone outage) to 449.
    const bool short_of = (t >= 100 && t < 140) || (t >= 400 && t < 450);
    TimelineRow row = Row(t, short_of ? 300 : 100, 200, 50);
    s.Add(row, row.demand_rps, row.demand_rps, 2);
  }
  const ResourceSummary r = s.Finish();
  EXPECT_EQ(*r.time_to_capacity_s, 40);
  EXPECT_TRUE(r.capacity_reached);
}

TEST(RunSummaryTest, WithoutASpikeTheLongestShortStretchCounts) {
  RunSummary s(SloSpec{}, 1, 15, 0, std::nullopt);
  for (int t = 0; t < 1000; ++t) {
    const bool short_of = (t >= 100 && t < 130) || (t >= 500 && t < 590);
    TimelineRow row = Row(t, short_of ? 300 : 100, 200, 50);
    s.Add(row, row.demand_rps, row.demand_rps, 2);
  }
  EXPECT_EQ(*s.Finish().time_to_capacity_s, 90);
}

}  // namespace
}  // namespace limiar::sim
