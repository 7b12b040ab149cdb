// Everything against a real Debian `prometheus` that the test starts on 127.0.0.1 and that
// scrapes a tiny exporter served by this process. Nothing waits on wall time except bounded
// polls for a readiness condition.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/common/http/http_client.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/promql/promql_config.h"
#include "src/metrics/promql/promql_poller.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "tests/metrics/promql/promql_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/local_http_server.h"
#include "tests/support/ports.h"
#include "tests/support/test_dir.h"

namespace limiar::metrics {
namespace {

using ::testing::DoubleNear;
using ::testing::HasSubstr;

using TestHttpServer = ::limiar::testing::CannedHttpServer;
using ::limiar::testing::CannedResponse;
using ::limiar::testing::SeenRequest;
using ::limiar::testing::UnusedPort;
using promql_test::StoredValue;

// ---------------------------------------------------------------------------------------
// A real Prometheus (Debian's `prometheus` 2.42) on 127.0.0.1, scraping an exporter that
// this process serves. One instance per test binary, started by the first test that needs
// it and stopped by pid (ChildProcess) after the suite.

// Counter at 10 per second since the exporter started, and two gauge series: the queries
// below then have known answers (rate ~10, sum 7.5).
constexpr double kRequestsPerSecond = 10;

std::string ExporterBody(std::chrono::steady_clock::time_point start) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return absl::StrCat(
      "# HELP test_requests_total Requests served.\n# TYPE test_requests_total counter\n",
      "test_requests_total ", kRequestsPerSecond * elapsed, "\n",
      "# HELP test_gauge A gauge with two series.\n# TYPE test_gauge gauge\n",
      "test_gauge{pod=\"a\"} 3\ntest_gauge{pod=\"b\"} 4.5\n");
}

class LivePrometheus {
 public:
  // Starts everything; on failure `error()` says why (with Prometheus' log).
  LivePrometheus() : exporter_([this](const SeenRequest& r) { return Export(r); }) {
    const std::string binary = ::limiar::testing::FindProgram("prometheus");
    if (binary.empty()) {
      skip_ = "no `prometheus` binary on PATH or in /usr/bin (apt-get install prometheus)";
      return;
    }
    if (!exporter_.ok()) {
      error_ = "cannot start the test exporter";
      return;
    }
    // Prometheus cannot bind port 0 and report its port, so it gets one that was free.
    port_ = UnusedPort();
    const std::string config = dir_.Write(
        "prometheus.yml", absl::StrCat("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                       "scrape_configs:\n  - job_name: test\n    static_configs:\n"
                                       "      - targets: ['127.0.0.1:",
                                       exporter_.port(), "']\n"));
    absl::Status status = process_.Start(
        {binary, "--config.file=" + config, "--storage.tsdb.path=" + dir_.File("tsdb"),
         absl::StrCat("--web.listen-address=127.0.0.1:", port_), "--log.level=warn"});
    // Ready in well under a second; 30 s covers a loaded machine.
    if (status.ok()) status = process_.WaitUntil([this] { return Ready(); }, absl::Seconds(30));
    // The scrape manager applies its targets ~5 s after start: wait (at most 30 s) until
    // the first scrape is queryable.
    if (status.ok()) status = WaitFor("sum(test_gauge)");
    if (!status.ok()) error_ = status.ToString();
  }

  const std::string& skip() const { return skip_; }
  const std::string& error() const { return error_; }
  std::string base_url() const { return absl::StrCat("http://127.0.0.1:", port_); }

  PromQlQuery Query(const std::string& promql, bool ignore_null_values = true) const {
    PromQlQuery q;
    q.server_address = base_url();
    q.query = promql;
    q.ignore_null_values = ignore_null_values;
    q.timeout = absl::Seconds(5);
    q.interval = absl::Seconds(1);
    return q;
  }

  // Polls (at most 30 s) until `promql` yields a value (not an empty result) now; the
  // error carries Prometheus' log.
  absl::Status WaitFor(const std::string& promql) {
    PromQlClient client;
    const PromQlQuery q = Query(promql, /*ignore_null_values=*/false);
    return process_.WaitUntil([&] { return client.QueryInstant(q, absl::Now()).ok(); },
                              absl::Seconds(30), absl::Milliseconds(100));
  }

 private:
  bool Ready() const {
    http::HttpClient http;
    http::HttpRequest ready;
    ready.url = base_url() + "/-/ready";
    ready.timeout = absl::Seconds(1);
    absl::StatusOr<http::HttpResponse> r = http.Send(ready);
    return r.ok() && r->status == 200;
  }

 private:
  CannedResponse Export(const SeenRequest& r) {
    if (r.Path() != "/metrics") return CannedResponse{404, "text/plain", "not found\n"};
    return CannedResponse{200, "text/plain; version=0.0.4", ExporterBody(start_)};
  }

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  ::limiar::testing::TestDir dir_;
  TestHttpServer exporter_;
  ::limiar::testing::ChildProcess process_;
  std::string skip_;
  std::string error_;
  int port_ = 0;
};

class PromQlLiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { live_ = new LivePrometheus(); }
  static void TearDownTestSuite() {
    delete live_;
    live_ = nullptr;
  }
  void SetUp() override {
    if (!live_->skip().empty()) GTEST_SKIP() << live_->skip();
    ASSERT_EQ(live_->error(), "");
  }
  static LivePrometheus* live_;
};
LivePrometheus* PromQlLiveTest::live_ = nullptr;

TEST_F(PromQlLiveTest, ClientAndPollerReadGaugeAndRate) {
  // rate() over [5s] divides by the whole 5 s: wait until five scrapes cover the window.
  const absl::Status covered = live_->WaitFor("count_over_time(test_requests_total[5s]) >= 5");
  ASSERT_TRUE(covered.ok()) << covered;
  PromQlClient client;
  absl::StatusOr<double> gauge = client.QueryInstant(live_->Query("sum(test_gauge)"), absl::Now());
  ASSERT_TRUE(gauge.ok()) << gauge.status();
  EXPECT_EQ(*gauge, 7.5);
  absl::StatusOr<double> rate =
      client.QueryInstant(live_->Query("sum(rate(test_requests_total[5s]))"), absl::Now());
  ASSERT_TRUE(rate.ok()) << rate.status();
  EXPECT_THAT(*rate, DoubleNear(kRequestsPerSecond, 1.0));

  // The poller, driven by hand at the current time, puts both into the store.
  SampleStore store;
  ManualClock clock(absl::Now());
  PromQlPoller poller(
      {PromQlSource{"web", policy::MetricType::kRequests,
                    live_->Query("sum(rate(test_requests_total[5s]))")},
       PromQlSource{"web", policy::MetricType::kConnections, live_->Query("sum(test_gauge)")}},
      &client, &store, &clock);
  const absl::Time now = clock.Now();
  EXPECT_EQ(poller.PollDue(now), 2);
  for (const PromQlSourceStatus& s : poller.SourceStatus()) {
    EXPECT_TRUE(s.last_error.ok()) << s.query << ": " << s.last_error;
    EXPECT_EQ(s.last_success, now);
  }
  const std::optional<double> requests =
      StoredValue(store, "web", policy::MetricType::kRequests, now);
  ASSERT_TRUE(requests.has_value());
  EXPECT_THAT(*requests, DoubleNear(kRequestsPerSecond, 1.0));
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kConnections, now), 7.5);
  // Nothing is due again within the interval.
  EXPECT_EQ(poller.PollDue(now + absl::Milliseconds(500)), 0);
}

TEST_F(PromQlLiveTest, RealServerAnswersThatAreNotOneValue) {
  PromQlClient client;
  const absl::Time now = absl::Now();
  absl::StatusOr<PromQlValue> v = client.Query(live_->Query("test_gauge"), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("returned 2 series; it must return one"));

  v = client.Query(live_->Query("test_gauge[5s]"), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("range vector"));

  v = client.Query(live_->Query("sum(test_gauge"), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("errorType bad_data"));

  v = client.Query(live_->Query("sum(no_such_metric)"), now);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 0);
  EXPECT_EQ(v->null_replaced, "empty result");
  v = client.Query(live_->Query("sum(no_such_metric)", /*ignore_null_values=*/false), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kNotFound);

  v = client.Query(live_->Query("sum(test_gauge) / 0", /*ignore_null_values=*/false), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(v.status().message(), HasSubstr("+Inf"));

  v = client.Query(live_->Query("scalar(sum(test_gauge)) * 2"), now);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 15);
}

}  // namespace
}  // namespace limiar::metrics
