// Against a real HTTP server (cpp-httplib) in the test process on 127.0.0.1.
#include "src/actuator/webhook_actuator.h"

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/actuator/retrying_actuator.h"
#include "src/common/clock.h"
#include "src/common/http/http_client.h"
#include "tests/actuator/test_support.h"

namespace limiar::actuator {
namespace {

using ::limiar::testing::LocalHttpServer;
using ::limiar::testing::TestDir;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const absl::Time kDecided = absl::FromUnixMillis(1800000015250);  // 2027-01-15T08:00:15.25Z

ScaleRequest Request(int32_t replicas) {
  return {"storefront", replicas, 3, "scale_up", "requests 92% of 65%: 3 -> 5", kDecided};
}

struct Received {
  std::string method, path, content_type, authorization, extra, body;
};

// Records every request; answers from a script of statuses, then 200.
class WebhookServer {
 public:
  WebhookServer() {
    server_.server().Post("/scale", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back({req.method, req.path, req.get_header_value("Content-Type"),
                           req.get_header_value("Authorization"), req.get_header_value("X-Tenant"),
                           req.body});
      res.status = 200;
      if (!script_.empty()) {
        res.status = script_.front().first;
        res.set_content(script_.front().second, "text/plain");
        script_.erase(script_.begin());
      }
    });
    server_.server().Get(
        R"(/observe/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          observed_paths_.push_back(req.target);  // as sent, not decoded
          res.set_content(R"({"spec_replicas": 6, "ready_replicas": 4})", "application/json");
        });
    server_.Start();
  }

  void Script(std::vector<std::pair<int, std::string>> script) {
    std::lock_guard<std::mutex> lock(mu_);
    script_ = std::move(script);
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  std::vector<std::string> observed_paths() {
    std::lock_guard<std::mutex> lock(mu_);
    return observed_paths_;
  }
  std::string url(const std::string& path) const { return server_.base_url() + path; }

 private:
  std::mutex mu_;
  std::vector<Received> received_;
  std::vector<std::string> observed_paths_;
  std::vector<std::pair<int, std::string>> script_;
  LocalHttpServer server_;  // last: stops before the members its handlers use go away
};

WebhookOptions Options(const WebhookServer& server) {
  WebhookOptions options;
  options.url = server.url("/scale");
  options.timeout = absl::Seconds(20);
  return options;
}

// The webhook actuator as serve wraps it: five attempts, backoff from 1 s to 10 s on
// `clock` (virtual time), a seeded jitter.
RetryingActuator Retrying(const WebhookServer& server, Clock* clock, ActuatorStats* stats) {
  return RetryingActuator(
      std::make_unique<WebhookActuator>(Options(server), std::map<std::string, int32_t>{}),
      "webhook", RetryPolicy{5, absl::Seconds(1), absl::Seconds(10)}, clock, std::mt19937_64(3),
      stats);
}

TEST(WebhookBodyTest, DocumentedShape) {
  EXPECT_EQ(WebhookBody(Request(5)),
            R"({"target":"storefront","replicas":5,"previous_replicas":3,"reason":"scale_up",)"
            R"("message":"requests 92% of 65%: 3 -> 5","time":"2027-01-15T08:00:15.25Z"})");
  ScaleRequest whole_second = Request(5);
  whole_second.time = absl::FromUnixSeconds(0);
  EXPECT_THAT(WebhookBody(whole_second), HasSubstr(R"("time":"1970-01-01T00:00:00Z")"));
}

TEST(WebhookActuatorTest, PostsTheJsonBodyWithHeaders) {
  WebhookServer server;
  WebhookOptions options = Options(server);
  options.bearer_token = "s3cret";
  options.headers = {{"X-Tenant", "shop"}};
  WebhookActuator webhook(options, {});
  ASSERT_TRUE(webhook.SetReplicas(Request(5)).ok());

  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/scale");
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].authorization, "Bearer s3cret");
  EXPECT_EQ(got[0].extra, "shop");
  const json body = json::parse(got[0].body);
  EXPECT_EQ(body, json({{"target", "storefront"},
                        {"replicas", 5},
                        {"previous_replicas", 3},
                        {"reason", "scale_up"},
                        {"message", "requests 92% of 65%: 3 -> 5"},
                        {"time", "2027-01-15T08:00:15.25Z"}}));
}

TEST(WebhookActuatorTest, ServerErrorThenSuccessIsRetriedWithTheSameBody) {
  WebhookServer server;
  server.Script({{500, "database is down"}, {503, "try later"}});
  ManualClock clock(kDecided);
  ActuatorStats stats;
  RetryingActuator retrying = Retrying(server, &clock, &stats);
  ASSERT_TRUE(retrying.SetReplicas(Request(5)).ok());
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].body, got[0].body);
  EXPECT_EQ(got[2].body, got[0].body);
  EXPECT_EQ(json::parse(got[2].body)["replicas"], 5);
  EXPECT_EQ(stats.Snapshot().retries, 2);
  EXPECT_EQ(stats.Snapshot().successes, 1);
  EXPECT_LE(clock.Now() - kDecided, absl::Seconds(3));  // waits < 1s + 2s, on virtual time
}

TEST(WebhookActuatorTest, ClientErrorIsNotRetriedAndQuotesTheBody) {
  WebhookServer server;
  const std::string long_body = "unknown target storefront" + std::string(300, '!');
  server.Script({{400, long_body}});
  ManualClock clock(kDecided);
  ActuatorStats stats;
  RetryingActuator retrying = Retrying(server, &clock, &stats);
  const absl::Status status = retrying.SetReplicas(Request(5));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("HTTP 400"));
  EXPECT_THAT(status.message(), HasSubstr(long_body.substr(0, 200) + "..."));
  EXPECT_THAT(status.message(), Not(HasSubstr(long_body.substr(0, 201))));
  EXPECT_EQ(server.received().size(), 1u);
  EXPECT_EQ(stats.Snapshot().failures, 1);
  EXPECT_EQ(stats.Snapshot().retries, 0);
}

TEST(WebhookActuatorTest, StatusCodesMapToRetryableOrNot) {
  WebhookServer server;
  server.Script({{429, "slow down"}, {404, "no such target"}, {302, ""}});
  WebhookActuator webhook(Options(server), {});
  EXPECT_EQ(webhook.SetReplicas(Request(5)).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(webhook.SetReplicas(Request(5)).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(webhook.SetReplicas(Request(5)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(webhook.SetReplicas(Request(5)).ok());
}

TEST(WebhookActuatorTest, ConnectionRefusedIsUnavailable) {
  WebhookOptions options;
  options.url = absl::StrCat("http://127.0.0.1:", ::limiar::testing::UnusedPort(), "/scale");
  WebhookActuator webhook(options, {});
  const absl::Status status = webhook.SetReplicas(Request(5));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(IsRetryable(status));
}

TEST(WebhookActuatorTest, SlowServerIsDeadlineExceeded) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  {
    LocalHttpServer server;
    server.server().Post("/scale", [&](const httplib::Request&, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return release; });
      res.status = 200;
    });
    server.Start();
    WebhookOptions options;
    options.url = server.base_url() + "/scale";
    options.timeout = absl::Milliseconds(300);
    WebhookActuator webhook(options, {});
    const absl::Status status = webhook.SetReplicas(Request(5));
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
    {
      std::lock_guard<std::mutex> lock(mu);
      release = true;
    }
    cv.notify_all();
  }
}

TEST(WebhookActuatorTest, ObserveGetsTheUrlWithTheEscapedTarget) {
  WebhookServer server;
  WebhookOptions options = Options(server);
  options.observe_url = server.url("/observe/{target}");
  WebhookActuator webhook(options, {});
  absl::StatusOr<ScaleState> state = webhook.Observe("shop/front end");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 6);
  EXPECT_EQ(state->ready_replicas, 4);
  EXPECT_THAT(server.observed_paths(), ::testing::ElementsAre("/observe/shop%2Ffront%20end"));
}

TEST(WebhookActuatorTest, ObserveWithoutUrlReturnsTheLastCountSet) {
  WebhookServer server;
  WebhookActuator webhook(Options(server), {{"storefront", 3}});
  EXPECT_EQ(webhook.Observe("storefront")->spec_replicas, 3);
  ASSERT_TRUE(webhook.SetReplicas(Request(8)).ok());
  EXPECT_EQ(webhook.Observe("storefront")->spec_replicas, 8);
  EXPECT_EQ(webhook.Observe("storefront")->ready_replicas, 8);
  server.Script({{500, "down"}});
  EXPECT_FALSE(webhook.SetReplicas(Request(9)).ok());
  EXPECT_EQ(webhook.Observe("storefront")->spec_replicas, 8);  // only what succeeded
}

TEST(WebhookActuatorTest, BearerTokenFileIsReadOnEveryCall) {
  WebhookServer server;
  TestDir dir;
  ::limiar::testing::WriteFile(dir.File("token"), "first\n");
  WebhookOptions options = Options(server);
  options.bearer_token_file = dir.File("token");
  WebhookActuator webhook(options, {});
  ASSERT_TRUE(webhook.SetReplicas(Request(5)).ok());
  ::limiar::testing::ReplaceFile(dir.File("token"), "second\n");
  ASSERT_TRUE(webhook.SetReplicas(Request(6)).ok());
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].authorization, "Bearer first");
  EXPECT_EQ(got[1].authorization, "Bearer second");
}

TEST(WebhookActuatorTest, HttpsWithACustomCa) {
  TestDir dir;
  const ::limiar::testing::TestCerts certs = ::limiar::testing::MakeTestCerts(dir.path());
  LocalHttpServer server(certs.server_cert, certs.server_key);
  server.server().Post("/scale",
                       [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  server.Start();
  WebhookOptions options;
  options.url = server.base_url() + "/scale";
  options.ca_file = certs.ca_cert;
  EXPECT_TRUE(WebhookActuator(options, {}).SetReplicas(Request(5)).ok());
  options.ca_file = "";  // the system roots do not know the test CA
  const absl::Status untrusted = WebhookActuator(options, {}).SetReplicas(Request(5));
  EXPECT_EQ(untrusted.code(), absl::StatusCode::kFailedPrecondition) << untrusted;
}

// A server whose observe endpoint answers `body`, whatever is asked.
class HostileObserveServer {
 public:
  explicit HostileObserveServer(std::string body) : body_(std::move(body)) {
    server_.server().Get("/observe", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(body_, "application/json");
    });
    server_.Start();
  }
  WebhookOptions Options() const {
    WebhookOptions options;
    options.url = server_.base_url() + "/scale";
    options.observe_url = server_.base_url() + "/observe";
    options.timeout = absl::Seconds(20);
    return options;
  }

 private:
  const std::string body_;
  LocalHttpServer server_;
};

TEST(WebhookActuatorTest, DeeplyNestedObserveAnswerIsAnErrorNotACrash) {
  // 1 MB, 500,000 levels: the shape that crashed `serve` (a stack overflow dumping the
  // value into the error message; 50,000 levels, 100 KB, did on the runner's thread).
  const int depth = 500'000;
  HostileObserveServer server(absl::StrCat(R"({"spec_replicas": )", std::string(depth, '['), "1",
                                           std::string(depth, ']'), R"(, "ready_replicas": 1})"));
  WebhookActuator webhook(server.Options(), {});
  const absl::StatusOr<ScaleState> state = webhook.Observe("storefront");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(state.status().message(), HasSubstr("nested more than 32 levels deep"));
  EXPECT_LT(state.status().message().size(), 400u);
}

TEST(WebhookActuatorTest, OversizedObserveAnswerStopsAtTheCap) {
  HostileObserveServer server(std::string(http::kDefaultMaxResponseBytes + 1'000'000, '['));
  WebhookActuator webhook(server.Options(), {});
  const absl::StatusOr<ScaleState> state = webhook.Observe("storefront");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(state.status().message(),
              HasSubstr(absl::StrCat("larger than ", http::kDefaultMaxResponseBytes, " bytes")));
}

}  // namespace
}  // namespace limiar::actuator
