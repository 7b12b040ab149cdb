// The pure part of scraping: what a mapping matches in an exposition, and counters to
// rates (resets, timestamps, series that come and go).
#include "src/metrics/scrape/scrape_rate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/metrics/prometheus/prometheus_text.h"

namespace limiar::metrics {
namespace {

using ::testing::DoubleNear;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);

absl::Time At(double seconds) { return kT0 + absl::Seconds(seconds); }

ScrapeMapping Mapping(absl::string_view selector, ScrapeKind kind = ScrapeKind::kAuto) {
  absl::StatusOr<SeriesSelector> s = SeriesSelector::Parse(selector);
  EXPECT_TRUE(s.ok()) << s.status();
  return ScrapeMapping{policy::MetricType::kRequests, *std::move(s), kind, 1};
}

std::vector<SeriesPoint> Points(std::vector<std::pair<std::string, double>> values,
                                absl::Time time) {
  std::vector<SeriesPoint> out;
  for (auto& [key, value] : values) out.push_back({key, value, time});
  return out;
}

constexpr char kExposition[] = R"(# TYPE http_requests_total counter
http_requests_total{code="200",path="/"} 100
http_requests_total{code="201",path="/"} 20 1800000004500
http_requests_total{code="500",path="/"} 3
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{code="200",le="0.1"} 90
http_request_duration_seconds_bucket{code="200",le="+Inf"} 100
http_request_duration_seconds_sum{code="200"} 4.5
http_request_duration_seconds_count{code="200"} 100
# TYPE rpc_latency_seconds summary
rpc_latency_seconds{quantile="0.99"} 0.2
rpc_latency_seconds_sum 12
rpc_latency_seconds_count 40
# TYPE open_connections gauge
open_connections{pool="a"} 4
open_connections{pool="b"} 5
open_connections{pool="c"} NaN
legacy_requests_total 7
)";

ParsedExposition Parsed() {
  absl::StatusOr<ParsedExposition> p = ParsePrometheusText(kExposition);
  EXPECT_TRUE(p.ok()) << p.status();
  return *std::move(p);
}

TEST(ScrapeMatchTest, SumsTheMatchedSeriesOfACounterAndNotTheHistogram) {
  const ParsedExposition p = Parsed();
  absl::StatusOr<MatchedSeries> m =
      MatchScrapeMapping(p, Mapping(R"(http_requests_total{code=~"2.."})"), At(10));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->kind, ScrapeKind::kCounter);
  ASSERT_THAT(m->points, SizeIs(2));
  EXPECT_EQ(m->points[0].value, 100);
  EXPECT_EQ(m->points[0].time, At(10));  // no timestamp: the scrape time
  EXPECT_EQ(m->points[1].value, 20);
  EXPECT_EQ(m->points[1].time, absl::FromUnixMillis(1800000004500));  // its own
  EXPECT_NE(m->points[0].key, m->points[1].key);
}

TEST(ScrapeMatchTest, AutoKindFollowsTheFamilyType) {
  const ParsedExposition p = Parsed();
  const struct {
    const char* selector;
    ScrapeKind kind;
    size_t points;
  } cases[] = {
      {"http_request_duration_seconds_count", ScrapeKind::kCounter, 1},
      {"http_request_duration_seconds_bucket", ScrapeKind::kCounter, 2},
      {"rpc_latency_seconds_count", ScrapeKind::kCounter, 1},
      {"rpc_latency_seconds", ScrapeKind::kGauge, 1},    // a quantile
      {"open_connections", ScrapeKind::kGauge, 2},       // NaN left out
      {"legacy_requests_total", ScrapeKind::kGauge, 1},  // untyped: taken as it is
      {"nothing_here", ScrapeKind::kGauge, 0},
  };
  for (const auto& c : cases) {
    absl::StatusOr<MatchedSeries> m = MatchScrapeMapping(p, Mapping(c.selector), At(0));
    ASSERT_TRUE(m.ok()) << c.selector << ": " << m.status();
    EXPECT_EQ(m->kind, c.kind) << c.selector;
    EXPECT_THAT(m->points, SizeIs(c.points)) << c.selector;
  }
  absl::StatusOr<MatchedSeries> nan = MatchScrapeMapping(p, Mapping("open_connections"), At(0));
  EXPECT_EQ(nan->non_finite, 1);
  EXPECT_THAT(SumGauge(nan->points), Optional(TimedValue{9, At(0)}));
  EXPECT_EQ(SumGauge({}), std::nullopt);
}

TEST(ScrapeMatchTest, MixedKindsUnderAutoAreAnErrorAndAnExplicitKindWins) {
  const ParsedExposition p = Parsed();
  const ScrapeMapping mixed = Mapping(R"({__name__=~"open_connections|http_requests_total"})");
  absl::StatusOr<MatchedSeries> m = MatchScrapeMapping(p, mixed, At(0));
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("matches http_requests_total (a counter, line 2) and open_connections "
                        "(a gauge, line 15): a rate and a level do not add up; set kind or "
                        "narrow the selector"));
  m = MatchScrapeMapping(
      p, Mapping(R"({__name__=~"open_connections|http_requests_total"})", ScrapeKind::kGauge),
      At(0));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->kind, ScrapeKind::kGauge);
  EXPECT_THAT(m->points, SizeIs(5));
  m = MatchScrapeMapping(p, Mapping("open_connections", ScrapeKind::kCounter), At(0));
  EXPECT_EQ(m->kind, ScrapeKind::kCounter);
}

TEST(MappedSeriesFilterTest, KeepsWhatTheMappingsMatchAndTheyMatchAsBefore) {
  ScrapeConfig config;
  config.metrics = {Mapping(R"(http_requests_total{code=~"2.."})"),
                    Mapping("http_request_duration_seconds_count"), Mapping("rpc_latency_seconds"),
                    Mapping(R"({__name__=~"open_.*"})")};
  const ParsedExposition full = Parsed();
  const ParsedExposition kept =
      ParsePrometheusTextLenient(kExposition, 10, MappedSeriesFilter(config));
  // 2 request counters (not the 500), the histogram's count, the quantile, 3 gauges.
  EXPECT_THAT(kept.samples, SizeIs(7));
  EXPECT_EQ(kept.skipped_samples, 7);
  for (const ScrapeMapping& mapping : config.metrics) {
    SCOPED_TRACE(mapping.series.ToString());
    absl::StatusOr<MatchedSeries> a = MatchScrapeMapping(full, mapping, At(0));
    absl::StatusOr<MatchedSeries> b = MatchScrapeMapping(kept, mapping, At(0));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->kind, b->kind);  // the histogram's TYPE line was kept for its _count
    ASSERT_EQ(a->points.size(), b->points.size());
    for (size_t i = 0; i < a->points.size(); ++i) EXPECT_EQ(a->points[i].value, b->points[i].value);
  }
  config.max_series = 6;
  EXPECT_TRUE(
      ParsePrometheusTextLenient(kExposition, 10, MappedSeriesFilter(config)).sample_limit_hit);
}

TEST(CounterRatesTest, FirstScrapeHasNoRateThenDeltaOverElapsedSeconds) {
  CounterRates r;
  EXPECT_EQ(r.Update(Points({{"a", 100}, {"b", 50}}, At(0)), At(0)), std::nullopt);
  // (250 - 100) / 15 + (80 - 50) / 15 = 12 per second.
  EXPECT_THAT(r.Update(Points({{"a", 250}, {"b", 80}}, At(15)), At(15)),
              Optional(TimedValue{12, At(15)}));
  EXPECT_THAT(r.Update(Points({{"a", 250}, {"b", 80}}, At(30)), At(30)),
              Optional(TimedValue{0, At(30)}));  // idle is a real zero
}

TEST(CounterRatesTest, ResetCountsTheNewValueAsTheIncreaseNeverNegative) {
  CounterRates r;
  r.Update(Points({{"a", 1000}, {"b", 500}}, At(0)), At(0));
  // The process restarted: both counters start again from zero.
  std::optional<TimedValue> v = r.Update(Points({{"a", 30}, {"b", 0}}, At(10)), At(10));
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->value, 3);  // 30 since the reset, over 10 s
  // And from there on, deltas again.
  v = r.Update(Points({{"a", 60}, {"b", 10}}, At(20)), At(20));
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->value, 4);
}

TEST(CounterRatesTest, SeriesThatComeAndGoDoNotReadAsResets) {
  CounterRates r;
  r.Update(Points({{"a", 1000}, {"b", 5000}}, At(0)), At(0));
  // `b` is missing from one scrape (a collector failed): `a` alone, no spike.
  EXPECT_THAT(r.Update(Points({{"a", 1010}}, At(10)), At(10)), Optional(TimedValue{1, At(10)}));
  // `b` is back: its increase spans the 20 s since it was last seen; `c` is new (no rate
  // yet, as in Prometheus).
  std::optional<TimedValue> v =
      r.Update(Points({{"a", 1020}, {"b", 5040}, {"c", 9}}, At(20)), At(20));
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->value, 1 + 2);
  EXPECT_EQ(r.tracked_series(), 3u);
  v = r.Update(Points({{"a", 1030}, {"b", 5040}, {"c", 19}}, At(30)), At(30));
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->value, 1 + 0 + 1);
}

TEST(CounterRatesTest, OnlyNewSeriesOrNothingMatchedIsNoRate) {
  CounterRates r;
  EXPECT_EQ(r.Update({}, At(0)), std::nullopt);
  EXPECT_EQ(r.Update(Points({{"a", 5}}, At(10)), At(10)), std::nullopt);
  EXPECT_EQ(r.Update({}, At(20)), std::nullopt);  // a mapping that matched nothing
  EXPECT_THAT(r.Update(Points({{"a", 25}}, At(30)), At(30)), Optional(TimedValue{1, At(30)}));
}

TEST(CounterRatesTest, ExpositionTimestampsGiveTheElapsedTime) {
  CounterRates r;
  // Scraped 15 s apart, but the exporter stamped its values 10 s apart.
  r.Update({{"a", 100, At(-2)}}, At(0));
  EXPECT_THAT(r.Update({{"a", 150, At(8)}}, At(15)), Optional(TimedValue{5, At(8)}));
  // The same stamped point again (a cached exposition): nothing new, no sample...
  EXPECT_EQ(r.Update({{"a", 150, At(8)}}, At(30)), std::nullopt);
  // ...but next to a series that moved, it still counts at its last rate.
  r.Update({{"a", 150, At(8)}, {"b", 0, At(30)}}, At(30));
  EXPECT_THAT(r.Update({{"a", 150, At(8)}, {"b", 30, At(45)}}, At(45)),
              Optional(TimedValue{5 + 2, At(45)}));
}

TEST(CounterRatesTest, TimeGoingBackwardsStartsTheSeriesOver) {
  CounterRates r;
  r.Update({{"a", 100, At(100)}}, At(0));
  EXPECT_EQ(r.Update({{"a", 10, At(50)}}, At(15)), std::nullopt);
  EXPECT_THAT(r.Update({{"a", 20, At(60)}}, At(30)), Optional(TimedValue{1, At(60)}));
}

TEST(CounterRatesTest, SeriesUnseenForFiveMinutesAreForgotten) {
  CounterRates r;
  r.Update(Points({{"a", 100}}, At(0)), At(0));
  // A long outage: no rate averaged over the gap, a fresh start instead.
  EXPECT_EQ(r.Update({}, At(301)), std::nullopt);
  EXPECT_EQ(r.tracked_series(), 0u);
  EXPECT_EQ(r.Update(Points({{"a", 400}}, At(315)), At(315)), std::nullopt);
  EXPECT_THAT(r.Update(Points({{"a", 415}}, At(330)), At(330)), Optional(TimedValue{1, At(330)}));
  // Straight from the last point to one after the gap: the same.
  EXPECT_EQ(r.Update(Points({{"a", 900}}, At(700)), At(700)), std::nullopt);
  EXPECT_THAT(r.Update(Points({{"a", 930}}, At(715)), At(715)), Optional(TimedValue{2, At(715)}));
}

}  // namespace
}  // namespace limiar::metrics
