// The forecasting policy through `limiar serve`: a day of per-minute history restored from
// the state file is forecast from at once, the floor it sets is the decision's sentence, on
// /metrics and in `limiar explain`; forecast-only mode shows it and acts on nothing; with a
// PromQL source and no state, the history is read from a real Prometheus (query_range).
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"
#include "tests/support/backfilled_prometheus.h"

namespace limiar::serve_test {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// testdata/forecast.json: target `web`, requests at 50 % of 100/s per replica, 2..20
// replicas, `previsao` seasonal naive daily, 120 s ahead, no margin.
class ForecastServeTest : public ::testing::Test {
 protected:
  // A state file whose history is a day of 900 requests/s up to the last whole minute: the
  // forecast of every coming minute is 900, which needs 18 replicas at 50 per replica. The
  // serve process reads the real clock, so the history is dated from it.
  void WriteStateWithADayOfHistory() {
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    const int64_t last_minute_ms = (now_ms / 60000 - 1) * 60000;
    json target = {{"mode", "enforce"},
                   {"replicas", 2},
                   {"hpa_history_started", false},
                   {"recommendations", json::array()},
                   {"scale_up_events", json::array()},
                   {"scale_down_events", json::array()},
                   {"kpa", json::array()},
                   {"last_scale_up_ms", nullptr},
                   {"last_scale_down_ms", nullptr},
                   {"consecutive_failures", 0},
                   {"load_history", json::array({{{"last_minute_ms", last_minute_ms},
                                                  {"minutes", std::vector<double>(1440, 900)}}})}};
    testing::WriteFile(
        state_file_,
        json{{"version", 1}, {"saved_at_ms", now_ms}, {"targets", {{"web", target}}}}.dump());
  }

  std::unique_ptr<ServeProcess> Start(const std::string& blueprint) {
    json c{{"tick_interval_s", 0.2},
           {"store", {{"metric_window_s", 2}}},
           {"state_file", state_file_},
           {"actuator", platform_.ActuatorConfig(/*with_observe=*/true)}};
    return StartServe(dir_, blueprint, c);
  }

  // Pushes a light load (10 requests/s on each of two replicas: the reactive HPA asks for
  // the minimum) until a decision on it is logged; returns that line.
  std::optional<std::string> DecisionOnLightLoad(ServeProcess& serve) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const size_t from = serve.LineCount();
      absl::StatusOr<limiar::v1::PushResponse> r = Push(
          serve.grpc_address(), "web", limiar::v1::METRIC_REQUESTS, {{"web-0", 10}, {"web-1", 10}});
      EXPECT_TRUE(r.ok()) << r.status();
      std::optional<std::string> d = serve.WaitForLine(
          [](const std::string& l) { return IsDecisionWithMetrics(l, "web"); }, from, kWait);
      if (d) return d;
    }
    return std::nullopt;
  }

  testing::TestDir dir_;
  const std::string state_file_ = dir_.File("state.json");
  FakePlatform platform_{/*initial_replicas=*/2};
};

TEST_F(ForecastServeTest, RestoredHistorySetsTheFloorAtOnceAndSaysSo) {
  WriteStateWithADayOfHistory();
  std::unique_ptr<ServeProcess> serve = Start(TestData("forecast.json"));
  ASSERT_NE(serve, nullptr);
  std::optional<std::string> d = DecisionOnLightLoad(*serve);
  ASSERT_TRUE(d.has_value()) << serve->Log();
  EXPECT_THAT(*d, HasSubstr("forecast: 900 requests/s within 120s (seasonal_naive_daily); "
                            "floor 18"));
  std::optional<json> post = platform_.WaitForPost(0);
  ASSERT_TRUE(post.has_value()) << serve->Log();
  EXPECT_EQ((*post)["replicas"], 18);
  EXPECT_EQ((*post)["reason"], "ForecastFloor");

  ASSERT_TRUE(PollUntil([&] {
    return HttpGet(serve->http_port(), "/metrics")
               .body.find("limiar_forecast_floor_replicas{target=\"web\"} 18") != std::string::npos;
  })) << HttpGet(serve->http_port(), "/metrics").body;
  const std::string metrics = HttpGet(serve->http_port(), "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("limiar_forecast_ready{target=\"web\"} 1\n"));
  EXPECT_THAT(metrics, HasSubstr("limiar_forecast_load{metric=\"requests\",target=\"web\"} 900\n"));

  const RunResult explain = RunLimiar({"explain", "web", "-s", serve->grpc_address()});
  EXPECT_EQ(explain.exit_code, 0) << explain.output;
  EXPECT_THAT(explain.output, HasSubstr("forecast: 900 requests/s within 120s "
                                        "(seasonal_naive_daily); floor 18"));
}

TEST_F(ForecastServeTest, ForecastOnlyShowsTheFloorAndActsOnNothing) {
  WriteStateWithADayOfHistory();
  std::ifstream in(TestData("forecast.json"));
  json blueprint = json::parse(in);
  blueprint["recursos"][1]["config"]["previsao"]["modo"] = "so_previsao";
  const std::string path = dir_.Write("forecast-only.json", blueprint.dump());
  std::unique_ptr<ServeProcess> serve = Start(path);
  ASSERT_NE(serve, nullptr);
  std::optional<std::string> d = DecisionOnLightLoad(*serve);
  ASSERT_TRUE(d.has_value()) << serve->Log();
  EXPECT_THAT(*d, ::testing::Not(HasSubstr("ForecastFloor")));
  ASSERT_TRUE(PollUntil([&] {
    return HttpGet(serve->http_port(), "/metrics")
               .body.find("limiar_forecast_floor_replicas{target=\"web\"} 18") != std::string::npos;
  }));
  const RunResult explain = RunLimiar({"explain", "web", "-s", serve->grpc_address()});
  EXPECT_THAT(explain.output, HasSubstr("would set floor 18 (forecast only: not acted on)"));
  EXPECT_EQ(platform_.replicas("web"), 2);
}

// A new install: no state file, but the target's metric comes from a PromQL query whose
// Prometheus holds two days of 900 requests/s per minute, up to ten minutes ago (so that
// the query's value now, past Prometheus' 5-minute lookback, is an empty result: 0, and the
// reactive policy asks for the minimum). The warm start reads those days, and the forecast
// of the same minutes a day later sets the floor: 18 replicas, on the first day.
TEST_F(ForecastServeTest, WarmStartsFromPrometheusAndForecastsOnTheFirstDay) {
  if (const std::string missing = testing::BackfilledPrometheus::Missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  const absl::Time now_minute = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60);
  std::vector<testing::GaugePoint> points;
  for (absl::Time t = now_minute - absl::Hours(48); t <= now_minute - absl::Minutes(10);
       t += absl::Minutes(1)) {
    points.push_back({t, 900});
  }
  testing::BackfilledPrometheus prometheus;
  const absl::Status started = prometheus.Start(dir_.path().string(), "shop_requests", points);
  ASSERT_TRUE(started.ok()) << started;

  json c{{"tick_interval_s", 0.2},
         {"actuator", platform_.ActuatorConfig(/*with_observe=*/true)},
         {"sources",
          {{"web",
            {{"promql",
              {{"server_address", prometheus.base_url()},
               {"query", "sum(shop_requests)"},
               {"interval_s", 1}}}}}}}};
  std::unique_ptr<ServeProcess> serve = StartServe(dir_, TestData("forecast.json"), c);
  ASSERT_NE(serve, nullptr);
  const std::optional<std::string> read =
      serve->WaitForLine("forecast history of web requests: ", 0, absl::Seconds(60));
  ASSERT_TRUE(read.has_value()) << serve->Log();
  // Two days and the minutes of the lookback after the last sample, of the 14 asked for.
  EXPECT_THAT(*read, HasSubstr(absl::StrCat(" of 20,160 minutes read from prometheus ",
                                            prometheus.base_url(), "; it now holds ")));
  EXPECT_THAT(*read, HasSubstr("(2.0 days)")) << *read;

  std::optional<json> post = platform_.WaitForPost(0);
  ASSERT_TRUE(post.has_value()) << serve->Log();
  EXPECT_EQ((*post)["replicas"], 18);
  EXPECT_EQ((*post)["reason"], "ForecastFloor");
  const RunResult explain = RunLimiar({"explain", "web", "-s", serve->grpc_address()});
  EXPECT_THAT(explain.output, HasSubstr("forecast: 900 requests/s within 120s "
                                        "(seasonal_naive_daily); floor 18"));
  serve->Stop();
  prometheus.Stop();
}

}  // namespace
}  // namespace limiar::serve_test
