// The README walkthrough against the real binary: serve the e-commerce blueprint, push a
// spike over gRPC, see the webhook carry the decision, and read it back on /metrics,
// /healthz, /readyz, `limiar status` and in the JSON log.
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kSkipShared[] =
    "../shared is absent: the walkthrough serves its e-commerce blueprint";

// storefront: requests at 65 % of 100/s per replica; the fast path fires at 2x that, so
// 300/s per replica is a spike that the default 15 s tick would not need to see.
const std::vector<std::pair<std::string, double>> kSpike = {{"storefront-0", 300},
                                                            {"storefront-1", 300}};

std::optional<double> MetricValue(const std::string& exposition, const std::string& series) {
  const std::regex line(absl::StrCat("(^|\n)", series, " ([0-9.eE+-]+)"));
  std::smatch m;
  if (!std::regex_search(exposition, m, line)) return std::nullopt;
  return std::stod(m[2].str());
}

TEST(ServeWalkthroughTest, SpikeReachesTheWebhookAndShowsOnMetricsAndStatus) {
  if (!HaveSharedBlueprints()) GTEST_SKIP() << kSkipShared;
  testing::TestDir dir;
  FakePlatform platform(/*initial_replicas=*/2);
  // A tick an hour apart: after the start-up pass only the fast path can answer the spike,
  // so every count below is exact.
  auto serve = StartServe(
      dir, SharedBlueprint("ecommerce-high-traffic.json"),
      {{"actuator", platform.ActuatorConfig(/*with_observe=*/false)}, {"tick_interval_s", 3600}});
  ASSERT_NE(serve, nullptr);

  EXPECT_EQ(HttpGet(serve->http_port(), "/healthz").status, 200);
  // The first pass runs at start; its decision (no samples yet: hold) is logged before the
  // pass is counted, so /readyz may lag the line by a moment.
  ASSERT_TRUE(
      serve->WaitForLine([](const std::string& l) { return IsDecision(l, "storefront"); }, 0))
      << serve->Log();
  EXPECT_TRUE(PollUntil([&] { return HttpGet(serve->http_port(), "/readyz").status == 200; }))
      << serve->Log();

  absl::StatusOr<limiar::v1::PushResponse> pushed =
      Push(serve->grpc_address(), "storefront", limiar::v1::METRIC_REQUESTS, kSpike);
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  EXPECT_EQ(pushed->accepted(), 2u);
  EXPECT_EQ(pushed->rejected_size(), 0);

  std::optional<json> post = platform.WaitForPost(0);
  ASSERT_TRUE(post.has_value()) << "no webhook POST\n" << serve->Log();
  ASSERT_TRUE(post->is_object()) << post->dump();
  EXPECT_EQ(post->value("target", ""), "storefront") << post->dump();
  ASSERT_TRUE(post->contains("replicas") && (*post)["replicas"].is_number_integer())
      << post->dump();
  EXPECT_GT((*post)["replicas"].get<int>(), 2) << post->dump();
  EXPECT_EQ(post->value("previous_replicas", -1), 2) << post->dump();
  EXPECT_FALSE(post->value("reason", "").empty()) << post->dump();
  EXPECT_THAT(post->value("message", ""), HasSubstr("requests")) << post->dump();
  EXPECT_TRUE(std::regex_match(post->value("time", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << post->dump();
  const int scaled_to = (*post)["replicas"].get<int>();

  // The sinks run after the actuator: /metrics may lag the POST by a moment.
  HttpResult metrics;
  EXPECT_TRUE(PollUntil([&] {
    metrics = HttpGet(serve->http_port(), "/metrics");
    return MetricValue(metrics.body, R"(limiar_desired_replicas\{target="storefront"\})") ==
           scaled_to;
  })) << metrics.body;
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body,
              HasSubstr(absl::StrCat("limiar_decisions_total{reason=\"", post->value("reason", ""),
                                     "\",target=\"storefront\"} 1")));
  EXPECT_EQ(MetricValue(metrics.body, R"(limiar_ingest_samples_total\{outcome="accepted"\})"), 2);
  EXPECT_EQ(MetricValue(metrics.body,
                        R"(limiar_scale_events_total\{direction="up",target="storefront"\})"),
            1);

  if (OnPath("promtool")) {
    const std::string exposition = dir.File("metrics.txt");
    testing::WriteFile(exposition, metrics.body);
    const RunResult lint = RunProgram({"promtool", "check", "metrics"}, exposition);
    EXPECT_EQ(lint.exit_code, 0) << lint.output << "\n" << metrics.body;
  } else {
    std::cout << "[  NOTE    ] promtool not on PATH (Debian package prometheus): "
                 "the /metrics lint is not checked\n";
  }

  const RunResult status = RunLimiar({"status", "storefront", "--server", serve->grpc_address()});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("storefront"));
  EXPECT_THAT(status.output, HasSubstr(post->value("reason", "")));
  const RunResult explain = RunLimiar({"explain", "storefront", "-s", serve->grpc_address()});
  EXPECT_EQ(explain.exit_code, 0) << explain.output;
  EXPECT_THAT(explain.output, HasSubstr("last decision:"));
  EXPECT_THAT(explain.output, HasSubstr("\"scale-store\"")) << "the resolved policy is shown";
}

// Every line of stderr must be one JSON object when a log pipeline asks for JSON.
void ExpectJsonLines(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(j.is_object()) << "not a JSON object: " << line;
  }
}

TEST(ServeLogFormatTest, JsonGivesOneObjectPerLineWithTheDecision) {
  testing::TestDir dir;
  auto serve = StartServe(dir, TestData("no_warnings.json"), nullptr,
                          {"--log-format", "json", "--tick-interval", "3600"});
  ASSERT_NE(serve, nullptr);
  const size_t before = serve->LineCount();
  ASSERT_TRUE(Push(serve->grpc_address(), "storefront", limiar::v1::METRIC_REQUESTS, kSpike).ok());
  std::optional<std::string> line = serve->WaitForLine(
      [](const std::string& l) {
        return l.find(R"("event":"decision")") != std::string::npos &&
               l.find(R"("actuated":true)") != std::string::npos;
      },
      before);
  ASSERT_TRUE(line.has_value()) << serve->Log();
  serve->Signal(SIGTERM);
  std::optional<int> exit_status = serve->WaitExit();
  ASSERT_TRUE(exit_status.has_value()) << serve->Log();

  const std::vector<std::string> lines = serve->Lines();
  ASSERT_GE(lines.size(), 3u);  // serving, decisions, stopped
  ExpectJsonLines(lines);
  const json decision = json::parse(*line);
  EXPECT_EQ(decision.value("target", ""), "storefront");
  EXPECT_EQ(decision.value("reason", ""), "ScaleUpLimit") << *line;
  EXPECT_THAT(decision.value("message", ""), HasSubstr("scale-up limited to 4"));
  EXPECT_EQ(decision.value("desired", 0), 4);
  EXPECT_TRUE(decision.contains("time"));
  const json last = json::parse(lines.back(), nullptr, false);
  EXPECT_EQ(last.value("event", ""), "stopped") << lines.back();
}

// Regression (fixed): a blueprint warning is written as plain text even with --log-format json
// (src/cli/service.cc, Service::Start: `log_->warn("{}: {}", ...)` bypasses LogEvent), so
// the first line of this log is not JSON.
TEST(ServeLogFormatTest, JsonCoversBlueprintWarningsToo) {
  if (!HaveSharedBlueprints()) GTEST_SKIP() << kSkipShared;
  testing::TestDir dir;
  auto serve = StartServe(dir, SharedBlueprint("ecommerce-high-traffic.json"), nullptr,
                          {"--log-format", "json"});
  ASSERT_NE(serve, nullptr);
  serve->Signal(SIGTERM);
  ASSERT_TRUE(serve->WaitExit().has_value());
  ExpectJsonLines(serve->Lines());
}

// Regression (fixed): the actuator's retry and failure lines are plain text even with --log-format
// json. RetryingActuator (src/actuator/retrying_actuator.cc, SetReplicas and Observe)
// logs through spdlog's default logger, whose JSON-mode pattern is the bare message, so
// "actuator[webhook] storefront: set replicas 4 (ScaleUpLimit) failed, attempt 1/3, will
// retry: UNAVAILABLE: ..." reaches the log pipeline as a line that is not JSON (and
// carries the start of the platform's response body, which may hold newlines).
// Fixed by a JSON sink that wraps every non-JSON line (src/serve/decision_log.cc).
TEST(ServeLogFormatTest, JsonCoversActuatorRetriesToo) {
  testing::TestDir dir;
  FakePlatform platform(/*initial_replicas=*/2);
  platform.FailNext(1, 503);
  json actuator = platform.ActuatorConfig(/*with_observe=*/false);
  actuator["retry"] = {{"max_attempts", 3}, {"initial_backoff_seconds", 0.01}};
  auto serve =
      StartServe(dir, TestData("no_warnings.json"),
                 {{"actuator", actuator}, {"tick_interval_s", 3600}}, {"--log-format", "json"});
  ASSERT_NE(serve, nullptr);
  ASSERT_TRUE(Push(serve->grpc_address(), "storefront", limiar::v1::METRIC_REQUESTS, kSpike).ok());
  // The 503 is retried, and the retry succeeds.
  ASSERT_TRUE(platform.WaitForPost(1)) << serve->Log();
  ASSERT_TRUE(serve->WaitForLine(R"("actuated":true)", 0)) << serve->Log();
  serve->Signal(SIGTERM);
  ASSERT_TRUE(serve->WaitExit().has_value());
  ExpectJsonLines(serve->Lines());
}

}  // namespace
}  // namespace limiar::serve_test
