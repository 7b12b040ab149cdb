// Reading a PromQL source's past minute by minute: the range queries it takes (a scripted
// querier), and the same against a real Prometheus whose storage was backfilled with eight
// days of minutes, so that the reading spans two range queries.
#include "src/metrics/promql/promql_history.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/backfilled_prometheus.h"
#include "tests/support/test_dir.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

const absl::Time kFrom = absl::FromUnixSeconds(1'800'000'000 / 60 * 60);

// Answers each range query with a point per step whose value is its minute's index from
// kFrom (the minute the point ends), and records what was asked.
class ScriptedRangeQuerier : public PromQlRangeQuerier {
 public:
  struct Asked {
    absl::Time start, end;
    absl::Duration step;
  };
  absl::StatusOr<std::vector<PromQlPoint>> QueryRange(const PromQlQuery&, absl::Time start,
                                                      absl::Time end,
                                                      absl::Duration step) override {
    asked.push_back({start, end, step});
    if (asked.size() == fail_at) return absl::UnavailableError("prometheus is down");
    std::vector<PromQlPoint> points;
    for (absl::Time t = start; t <= end; t += step) {
      const double minute = static_cast<double>((t - kFrom) / absl::Minutes(1) - 1);
      if (minute == 3) continue;  // a minute Prometheus has no value for
      points.push_back({t, minute});
    }
    // And a point off the grid, which is not the history's.
    points.push_back({end + absl::Seconds(1), -1});
    return points;
  }
  std::vector<Asked> asked;
  size_t fail_at = 0;
};

TEST(ReadMinuteLoadsTest, EachMinuteIsTheValueAtItsEnd) {
  ScriptedRangeQuerier querier;
  const MinuteLoads loads = ReadMinuteLoads(querier, {}, kFrom, kFrom + absl::Minutes(6));
  ASSERT_TRUE(loads.error.ok()) << loads.error;
  EXPECT_EQ(loads.first_minute, kFrom);
  ASSERT_THAT(loads.values, SizeIs(6));
  EXPECT_EQ(loads.values[0], 0);
  EXPECT_TRUE(std::isnan(loads.values[3]));
  EXPECT_EQ(loads.values[5], 5);
  ASSERT_THAT(querier.asked, SizeIs(1));
  EXPECT_EQ(querier.asked[0].start, kFrom + absl::Minutes(1));
  EXPECT_EQ(querier.asked[0].end, kFrom + absl::Minutes(6));
  EXPECT_EQ(querier.asked[0].step, absl::Minutes(1));
}

TEST(ReadMinuteLoadsTest, LongSpansTakeQueriesOfAtMostTenThousandPoints) {
  ScriptedRangeQuerier querier;
  const MinuteLoads loads = ReadMinuteLoads(querier, {}, kFrom, kFrom + absl::Minutes(25000));
  ASSERT_TRUE(loads.error.ok()) << loads.error;
  ASSERT_THAT(loads.values, SizeIs(25000));
  ASSERT_THAT(querier.asked, SizeIs(3));
  EXPECT_EQ(querier.asked[1].start, kFrom + absl::Minutes(10001));
  EXPECT_EQ(querier.asked[1].end, kFrom + absl::Minutes(20000));
  EXPECT_EQ(querier.asked[2].end, kFrom + absl::Minutes(25000));
  for (size_t k : {0u, 9999u, 10000u, 24999u}) {
    EXPECT_EQ(loads.values[k], static_cast<double>(k)) << k;
  }
}

TEST(ReadMinuteLoadsTest, AFailureKeepsWhatWasReadBeforeIt) {
  ScriptedRangeQuerier querier;
  querier.fail_at = 2;
  const MinuteLoads loads = ReadMinuteLoads(querier, {}, kFrom, kFrom + absl::Minutes(25000));
  EXPECT_EQ(loads.error.code(), absl::StatusCode::kUnavailable);
  ASSERT_THAT(loads.values, SizeIs(10000));
  EXPECT_EQ(loads.values[9999], 9999);
  EXPECT_THAT(querier.asked, SizeIs(2));
}

TEST(ReadMinuteLoadsTest, AnEmptySpanAsksNothing) {
  ScriptedRangeQuerier querier;
  EXPECT_THAT(ReadMinuteLoads(querier, {}, kFrom, kFrom).values, SizeIs(0));
  EXPECT_THAT(querier.asked, SizeIs(0));
}

// A real Prometheus 2.42 whose storage holds eight days of one sample per minute, each
// stamped at its minute's end with the minute's index of the day: 11,520 minutes, read in
// two range queries.
TEST(ReadMinuteLoadsLiveTest, ReadsEightDaysOfBackfilledMinutesFromARealPrometheus) {
  if (const std::string missing = testing::BackfilledPrometheus::Missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  const absl::Time now_minute = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60);
  const int64_t minutes = 8 * 1440;
  const absl::Time from = now_minute - absl::Minutes(minutes);
  const auto of_day = [&](int64_t k) { return static_cast<double>(k % 1440); };
  std::vector<testing::GaugePoint> points;
  for (int64_t k = 0; k < minutes; ++k) {
    if (k == 5000) continue;  // no sample: the minute before's is within the lookback
    points.push_back({from + absl::Minutes(k + 1), of_day(k)});
  }
  testing::TestDir dir;
  testing::BackfilledPrometheus prometheus;
  const absl::Status started = prometheus.Start(dir.path().string(), "shop_load", points);
  ASSERT_TRUE(started.ok()) << started;

  PromQlClient client;
  PromQlQuery q;
  q.server_address = prometheus.base_url();
  q.query = "sum(shop_load)";
  q.timeout = absl::Seconds(10);
  const MinuteLoads loads = ReadMinuteLoads(client, q, from, now_minute);
  ASSERT_TRUE(loads.error.ok()) << loads.error;
  ASSERT_THAT(loads.values, SizeIs(minutes));
  EXPECT_EQ(loads.values[0], 0);
  EXPECT_EQ(loads.values[1439], 1439);
  EXPECT_EQ(loads.values[1440], 0);
  EXPECT_EQ(loads.values[9999], of_day(9999));    // the first query's last minute
  EXPECT_EQ(loads.values[10000], of_day(10000));  // the second's first
  EXPECT_EQ(loads.values[minutes - 1], of_day(minutes - 1));
  // Prometheus carries the last sample over a missing one (its 5-minute lookback).
  EXPECT_EQ(loads.values[5000], of_day(4999));
  prometheus.Stop();
}

}  // namespace
}  // namespace limiar::metrics
