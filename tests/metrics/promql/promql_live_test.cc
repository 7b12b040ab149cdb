// Everything against a real Debian `prometheus` that the test starts on 127.0.0.1 and that
// scrapes a tiny exporter served by this process. Nothing waits on wall time except bounded
// polls for a readiness condition.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
#include "tests/support/local_http_server.h"

extern char** environ;

namespace limiar::metrics {
namespace {

using ::testing::DoubleNear;
using ::testing::HasSubstr;

using TestHttpServer = ::limiar::testing::CannedHttpServer;
using ::limiar::testing::CannedResponse;
using ::limiar::testing::SeenRequest;
using ::limiar::testing::UnusedPort;
using promql_test::StoredValue;
using promql_test::TempDir;

// ---------------------------------------------------------------------------------------
// A real Prometheus (Debian's `prometheus` 2.42) on 127.0.0.1, scraping an exporter that
// this process serves. One instance per test binary, started by the first test that needs
// it and stopped (SIGTERM, then SIGKILL after 10 s; waitpid either way) after the suite.

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

std::string FindPrometheus() {
  const char* path_env = std::getenv("PATH");
  std::vector<std::string> dirs = absl::StrSplit(path_env ? path_env : "", ':', absl::SkipEmpty());
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    const std::string candidate = absl::StrCat(dir, "/prometheus");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

class LivePrometheus {
 public:
  // Starts everything; on failure `error()` says why (with Prometheus' log).
  LivePrometheus() : exporter_([this](const SeenRequest& r) { return Export(r); }) {
    const std::string binary = FindPrometheus();
    if (binary.empty()) {
      skip_ = "no `prometheus` binary on PATH or in /usr/bin (apt-get install prometheus)";
      return;
    }
    if (!exporter_.ok() || dir_.path().empty()) {
      error_ = "cannot start the test exporter or create a temp dir";
      return;
    }
    port_ = UnusedPort();
    const std::string config = dir_.Write(
        "prometheus.yml", absl::StrCat("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                       "scrape_configs:\n  - job_name: test\n    static_configs:\n"
                                       "      - targets: ['127.0.0.1:",
                                       exporter_.port(), "']\n"));
    log_ = dir_.path() + "/prometheus.log";
    std::vector<std::string> args = {
        binary, "--config.file=" + config, "--storage.tsdb.path=" + dir_.path() + "/tsdb",
        absl::StrCat("--web.listen-address=127.0.0.1:", port_), "--log.level=warn"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      error_ = absl::StrCat("posix_spawn ", binary, ": ", std::strerror(rc));
      return;
    }
    // Ready in well under a second; 30 s of polling covers a loaded machine.
    http::HttpClient http;
    http::HttpRequest ready;
    ready.url = base_url() + "/-/ready";
    ready.timeout = absl::Seconds(1);
    bool up = false;
    for (int i = 0; i < 300 && !up; ++i) {
      absl::StatusOr<http::HttpResponse> r = http.Send(ready);
      up = r.ok() && r->status == 200;
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!up) {
      error_ = absl::StrCat("prometheus did not get ready in 30 s; log:\n", Log());
      return;
    }
    // The scrape manager applies its targets ~5 s after start: wait (at most 30 s) until
    // the first scrape is queryable.
    if (!WaitFor("sum(test_gauge)")) {
      error_ = absl::StrCat("no scrape of the test exporter in 30 s; log:\n", Log());
    }
  }

  ~LivePrometheus() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      bool exited = false;
      for (int i = 0; i < 100 && !exited; ++i) {
        exited = waitpid(pid_, &status, WNOHANG) == pid_;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (!exited) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
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

  // Polls (at most 30 s) until `promql` yields a value (not an empty result) now.
  bool WaitFor(const std::string& promql) {
    PromQlClient client;
    const PromQlQuery q = Query(promql, /*ignore_null_values=*/false);
    for (int i = 0; i < 300; ++i) {
      if (client.QueryInstant(q, absl::Now()).ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  CannedResponse Export(const SeenRequest& r) {
    if (r.Path() != "/metrics") return CannedResponse{404, "text/plain", "not found\n"};
    return CannedResponse{200, "text/plain; version=0.0.4", ExporterBody(start_)};
  }

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  TempDir dir_;
  TestHttpServer exporter_;
  std::string skip_;
  std::string error_;
  std::string log_;
  int port_ = 0;
  pid_t pid_ = -1;
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
  ASSERT_TRUE(live_->WaitFor("count_over_time(test_requests_total[5s]) >= 5")) << live_->Log();
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
