// The scraper against HTTP servers in this process on 127.0.0.1 (ephemeral ports) that
// serve changing text expositions, driven by PollDue on a ManualClock, checked through
// the sample store as the control loop reads it. Nothing waits on wall time except one
// deliberate 300 ms client timeout and a bounded wait for Start()'s thread.
#include "src/metrics/scrape/scrape_poller.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/metrics/scrape/scrape_config.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "tests/support/local_http_server.h"
#include "tests/support/peak_rss.h"
#include "tests/support/ports.h"
#include "tests/support/test_dir.h"

namespace limiar::metrics {
namespace {

using policy::MetricType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);
constexpr char kTarget[] = "storefront";

// /metrics endpoints on 127.0.0.1:<ephemeral>. Each path answers what it was last told to;
// unknown paths get 404.
class ExpositionServer {
 public:
  bool ok() const { return server_.ok(); }
  std::string url(absl::string_view path) const { return absl::StrCat(server_.base_url(), path); }
  void Set(const std::string& path, std::string body, int status = 200) {
    std::lock_guard<std::mutex> lock(mu_);
    routes_[path] = {status, std::move(body)};
  }
  int requests(const std::string& path) {
    int n = 0;
    for (const testing::SeenRequest& r : server_.requests()) n += r.Path() == path ? 1 : 0;
    return n;
  }
  std::string last_header(absl::string_view name) {
    const std::vector<testing::SeenRequest> seen = server_.requests();
    return seen.empty() ? "" : seen.back().Header(name);
  }
  // Waits up to `timeout` for `n` requests answered in all.
  bool WaitForRequests(int n, std::chrono::seconds timeout) {
    return server_.WaitForAnswered(n, timeout);
  }

 private:
  testing::CannedResponse Answer(const testing::SeenRequest& request) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = routes_.find(request.Path());
    if (it == routes_.end()) return {404, "text/plain", "not found\n"};
    return {it->second.first, "text/plain; version=0.0.4", it->second.second};
  }

  std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> routes_;  // mu_
  // Last: stopped before the routes its handler reads go away.
  testing::CannedHttpServer server_{[this](const testing::SeenRequest& r) { return Answer(r); }};
};

using ::limiar::testing::UnusedPort;

// Waits, up to 30 s, for `done` to hold; yields between checks rather than sleeping.
template <typename Pred>
bool WaitUntil(Pred done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// An application's exposition: request counters by status code, cpu seconds, open
// connections, and a request-duration histogram whose lines carry the same `code` labels
// (it must not leak into the request count).

// `connections_suffix` goes right after the gauge's value (" <ms>" stamps it); `extra` is
// appended verbatim (e.g. a malformed line).
std::string Body(double ok200, double ok201, double err500, double cpu_seconds, double connections,
                 absl::string_view connections_suffix = "", absl::string_view extra = "") {
  return absl::StrCat(
      "# HELP http_requests_total Requests served.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{code=\"200\",handler=\"/cart\"} ",
      ok200, "\nhttp_requests_total{code=\"201\",handler=\"/cart\"} ", ok201,
      "\nhttp_requests_total{code=\"500\",handler=\"/cart\"} ", err500,
      "\n# TYPE http_request_duration_seconds histogram\n"
      "http_request_duration_seconds_bucket{code=\"200\",le=\"0.1\"} ",
      ok200 * 10, "\nhttp_request_duration_seconds_bucket{code=\"200\",le=\"+Inf\"} ", ok200 * 10,
      "\nhttp_request_duration_seconds_sum{code=\"200\"} ", ok200,
      "\nhttp_request_duration_seconds_count{code=\"200\"} ", ok200 * 10,
      "\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ", cpu_seconds,
      "\n# TYPE http_connections_open gauge\nhttp_connections_open ", connections,
      connections_suffix, "\n", extra);
}

constexpr char kMetrics[] = R"([
    {"metric": "requests", "series": "http_requests_total{code=~\"2..\"}"},
    {"metric": "cpu", "series": "process_cpu_seconds_total"},
    {"metric": "connections", "series": "http_connections_open", "scale": 2}])";

class ScraperTest : public ::testing::Test {
 protected:
  static SampleStoreOptions StoreOptions() {
    SampleStoreOptions o;
    // A replica's value is then its newest point, as long as it is at most 1 s old.
    o.metric_window = absl::Seconds(1);
    o.max_age = absl::Minutes(5);
    return o;
  }

  void SetUp() override { ASSERT_TRUE(server_.ok()); }

  ScrapeTarget Target(const std::string& config_json) {
    absl::StatusOr<ScrapeConfig> c =
        ParseScrapeConfig(nlohmann::json::parse(config_json), "scrape");
    EXPECT_TRUE(c.ok()) << c.status();
    return ScrapeTarget{kTarget, c.ok() ? *std::move(c) : ScrapeConfig{}};
  }

  // Replica -> value (nullopt: missing) of `metric` as the control loop sees it at `now`;
  // {"<error>", nullopt} when the store has nothing at all for it.
  std::map<std::string, std::optional<double>> Values(MetricType metric, absl::Time now) {
    policy::TargetPolicy target;
    target.target = kTarget;
    target.metrics.push_back({"scrape", metric, 70, 1});
    std::vector<policy::MetricObservation> out;
    EXPECT_TRUE(store_.Observe(target, now, &out).ok());
    std::map<std::string, std::optional<double>> values;
    if (!out[0].error.ok()) values["<error>"] = std::nullopt;
    for (const policy::ReplicaSample& r : out[0].replicas) {
      EXPECT_TRUE(r.ready);
      values[r.replica_id] = r.value;
    }
    return values;
  }

  absl::Time SampleTime(MetricType metric, const std::string& replica, absl::Time now) {
    policy::TargetPolicy target;
    target.target = kTarget;
    target.metrics.push_back({"scrape", metric, 70, 1});
    std::vector<policy::MetricObservation> out;
    EXPECT_TRUE(store_.Observe(target, now, &out).ok());
    for (const policy::ReplicaSample& r : out[0].replicas) {
      if (r.replica_id == replica) return r.sample_time;
    }
    return absl::InfinitePast();
  }

  // The error of one scrape of `path` with kMetrics and `keys` ("\"name\": value") added.
  absl::Status ErrorOfOneScrape(absl::string_view keys, absl::string_view path) {
    Scraper scraper({Target(absl::StrCat("{", keys, R"(, "endpoints": [")", server_.url(path),
                                         R"("], "metrics": )", kMetrics, "}"))},
                    &store_, &clock_);
    EXPECT_EQ(scraper.PollDue(kT0), 1);
    const std::vector<ScrapeEndpointStatus> status = scraper.Status();
    EXPECT_EQ(status.size(), 1u);
    return status.empty() ? absl::UnknownError("no endpoint") : status[0].last_error;
  }

  static const ScrapeEndpointStatus* Find(const std::vector<ScrapeEndpointStatus>& all,
                                          const std::string& replica) {
    for (const ScrapeEndpointStatus& s : all) {
      if (s.replica == replica) return &s;
    }
    return nullptr;
  }

  ExpositionServer server_;
  ManualClock clock_{kT0};
  SampleStore store_{StoreOptions()};
};

TEST_F(ScraperTest, CountersBecomeRatesGaugesAreTakenAsTheyAre) {
  server_.Set("/web-1", Body(100, 50, 7, 10.0, 4));
  server_.Set("/web-2", Body(1000, 0, 0, 5.0, 2, " 1799999999500"));
  Scraper scraper(
      {Target(absl::StrCat(R"({"endpoints": [{"address": ")", server_.url("/web-1"),
                           R"(", "replica": "web-1"}, {"address": ")", server_.url("/web-2"),
                           R"(", "replica": "web-2"}], "metrics": )", kMetrics, "}"))},
      &store_, &clock_);

  EXPECT_EQ(scraper.PollDue(kT0), 2);
  // Counters have no rate after one scrape; gauges are there at once (scaled by 2).
  EXPECT_THAT(Values(MetricType::kRequests, kT0), ElementsAre(Pair("<error>", std::nullopt)));
  EXPECT_THAT(Values(MetricType::kCpu, kT0), ElementsAre(Pair("<error>", std::nullopt)));
  EXPECT_THAT(Values(MetricType::kConnections, kT0),
              ElementsAre(Pair("web-1", 8), Pair("web-2", 4)));
  // web-2 stamped its gauge: the point carries that time, not the scrape's.
  EXPECT_EQ(SampleTime(MetricType::kConnections, "web-2", kT0),
            absl::FromUnixMillis(1799999999500));
  EXPECT_EQ(SampleTime(MetricType::kConnections, "web-1", kT0), kT0);

  // 15 s on: web-1 served 150 + 30 2xx requests (the 500s and the histogram do not count)
  // and used 3 cpu seconds; web-2 restarted, its counter down from 1000 to 30.
  // A malformed line of a mapped family (lines of other families are skipped unread).
  server_.Set("/web-1", Body(250, 80, 100, 13.0, 6, "", "http_connections_open{ 7\n"));
  server_.Set("/web-2", Body(30, 0, 0, 5.3, 3));
  const absl::Time t15 = kT0 + absl::Seconds(15);
  EXPECT_EQ(scraper.PollDue(t15), 2);
  std::map<std::string, std::optional<double>> requests = Values(MetricType::kRequests, t15);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_DOUBLE_EQ(*requests["web-1"], 12);  // (150 + 30) / 15
  EXPECT_DOUBLE_EQ(*requests["web-2"], 2);   // 30 since the reset, never negative
  std::map<std::string, std::optional<double>> cpu = Values(MetricType::kCpu, t15);
  EXPECT_DOUBLE_EQ(*cpu["web-1"], 0.2);  // cores
  EXPECT_NEAR(*cpu["web-2"], 0.02, 1e-12);
  EXPECT_THAT(Values(MetricType::kConnections, t15),
              ElementsAre(Pair("web-1", 12), Pair("web-2", 6)));

  const std::vector<ScrapeEndpointStatus> status = scraper.Status();
  ASSERT_EQ(status.size(), 2u);
  const ScrapeEndpointStatus& web1 = status[0];
  EXPECT_EQ(web1.target, kTarget);
  EXPECT_EQ(web1.replica, "web-1");
  EXPECT_EQ(web1.url, server_.url("/web-1"));
  EXPECT_FALSE(web1.from_file);
  EXPECT_EQ(web1.last_success, t15);
  EXPECT_EQ(web1.next_due, t15 + absl::Seconds(15));
  EXPECT_EQ(web1.total_scrapes, 2);
  EXPECT_EQ(web1.total_failures, 0);
  EXPECT_TRUE(web1.last_error.ok());
  // The malformed line cost itself only.
  EXPECT_EQ(web1.last_parse_errors, 1);
  EXPECT_EQ(web1.total_parse_errors, 1);
  EXPECT_THAT(web1.last_parse_error, StartsWith("line 15: "));
  EXPECT_EQ(web1.last_samples, 3);
  EXPECT_THAT(web1.last_warnings, IsEmpty());

  const ScrapeTotals totals = scraper.totals();
  EXPECT_EQ(totals.scrapes, 4);
  EXPECT_EQ(totals.failures, 0);
  EXPECT_EQ(totals.parse_errors, 1);
  EXPECT_EQ(totals.samples, 2 + 6);

  // The request said which format it wants and how long the scraper waits.
  EXPECT_THAT(server_.last_header("Accept"), StartsWith("text/plain;version=0.0.4"));
  EXPECT_EQ(server_.last_header("X-Prometheus-Scrape-Timeout-Seconds"), "10");
}

TEST_F(ScraperTest, FailingEndpointsAreMissingNeverZero) {
  server_.Set("/ok", Body(0, 0, 0, 0, 5));
  server_.Set("/down", "upstream unavailable\n", 503);
  server_.Set("/html", "<html><body>It works!</body></html>\n");
  // Listens but never accepts: the request is sent and no answer ever comes (a hung replica).
  ::limiar::testing::LoopbackListener silent;
  const int refused = UnusedPort();
  Scraper scraper(
      {Target(absl::StrCat(R"({"timeout_s": 0.3, "endpoints": [")", server_.url("/ok"), R"(", ")",
                           server_.url("/down"), R"(", ")", server_.url("/html"),
                           R"(", "127.0.0.1:)", silent.port(), R"(", "127.0.0.1:)", refused,
                           R"("], "metrics": )", kMetrics, "}"))},
      &store_, &clock_);

  EXPECT_EQ(scraper.PollDue(kT0), 5);
  // Only the replica that answered has a value; the others have none at all, not a zero.
  EXPECT_THAT(Values(MetricType::kConnections, kT0), ElementsAre(Pair(server_.url("/ok"), 10)));
  std::vector<ScrapeEndpointStatus> status = scraper.Status();
  const struct {
    std::string replica;
    absl::StatusCode code;
    std::string message;
  } failures[] = {
      {server_.url("/down"), absl::StatusCode::kUnavailable, "HTTP status 503"},
      {server_.url("/html"), absl::StatusCode::kInvalidArgument,
       "not the Prometheus text format (1 bad lines; line 1: "},
      {absl::StrCat("127.0.0.1:", silent.port()), absl::StatusCode::kDeadlineExceeded, ""},
      {absl::StrCat("127.0.0.1:", refused), absl::StatusCode::kUnavailable, ""},
  };
  for (const auto& f : failures) {
    const ScrapeEndpointStatus* s = Find(status, f.replica);
    ASSERT_NE(s, nullptr) << f.replica;
    EXPECT_EQ(s->last_error.code(), f.code) << f.replica << ": " << s->last_error;
    EXPECT_THAT(std::string(s->last_error.message()), HasSubstr(f.message));
    EXPECT_EQ(s->last_error_time, kT0);
    EXPECT_EQ(s->consecutive_failures, 1);
    EXPECT_EQ(s->total_failures, 1);
    EXPECT_EQ(s->last_success, absl::InfinitePast());
    EXPECT_EQ(s->next_due, kT0 + absl::Seconds(15));  // failures wait their turn too
  }

  // 15 s on, the one that was down answers and the one that answered is down: it keeps
  // its old point (so the store reports it missing), and gets no zero.
  server_.Set("/down", Body(0, 0, 0, 0, 7));
  server_.Set("/ok", "", 500);
  const absl::Time t15 = kT0 + absl::Seconds(15);
  EXPECT_EQ(scraper.PollDue(t15), 5);
  EXPECT_THAT(Values(MetricType::kConnections, t15),
              ElementsAre(Pair(server_.url("/down"), 14), Pair(server_.url("/ok"), std::nullopt)));
  EXPECT_EQ(SampleTime(MetricType::kConnections, server_.url("/ok"), t15), kT0);
  status = scraper.Status();
  EXPECT_EQ(Find(status, server_.url("/down"))->consecutive_failures, 0);
  EXPECT_EQ(Find(status, server_.url("/down"))->total_failures, 1);
  EXPECT_EQ(Find(status, server_.url("/down"))->last_error.code(),
            absl::StatusCode::kUnavailable);  // the last failure is kept after a success
  EXPECT_EQ(Find(status, server_.url("/ok"))->consecutive_failures, 1);
  EXPECT_EQ(Find(status, server_.url("/html"))->consecutive_failures, 2);
  EXPECT_EQ(scraper.totals().failures, 4 + 4);
  EXPECT_EQ(scraper.totals().scrapes, 10);
}

// `count` one-line series with distinct names of one to four characters ("a 1", "b 1", ...
// "aB_: 1"), about 7 bytes each: 2.2 M of them make the 15 MB exposition that peaked at
// hundreds of MB per endpoint when every series was kept. Then the lines of Body().
std::string HugeExposition(int count) {
  constexpr absl::string_view kFirst = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  constexpr absl::string_view kRest =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:0123456789";
  std::string out;
  out.reserve(static_cast<size_t>(count) * 7 + 1024);
  for (int i = 0; i < count; ++i) {
    int n = i;
    std::string name(1, kFirst[n % kFirst.size()]);
    for (n /= kFirst.size(); n > 0; n /= kRest.size()) name.push_back(kRest[n % kRest.size()]);
    absl::StrAppend(&out, name, " 1\n");
  }
  absl::StrAppend(&out, Body(10, 0, 0, 1, 7));
  return out;
}

TEST_F(ScraperTest, AHugeExpositionCostsOnlyItsMappedSeries) {
  const std::string body = HugeExposition(2'200'000);
  ASSERT_LT(body.size(), 16u << 20);  // within the default body cap: the parser must cope
  ::limiar::testing::LocalHttpServer server;
  ::limiar::testing::ServeWithoutCopies(server.server(), "/metrics", body,
                                        "text/plain; version=0.0.4");
  server.Start();
  Scraper scraper(
      {Target(absl::StrCat(R"({"endpoints": [{"address": ")", server.base_url(),
                           R"(/metrics", "replica": "big"}], "metrics": )", kMetrics, "}"))},
      &store_, &clock_);

  const ::limiar::testing::PeakRssGrowth growth;
  EXPECT_EQ(scraper.PollDue(kT0), 1);
  const int64_t grew = growth.Growth();
  RecordProperty("body_bytes", std::to_string(body.size()));
  RecordProperty("peak_rss_growth_bytes", std::to_string(grew));

  EXPECT_THAT(Values(MetricType::kConnections, kT0), ElementsAre(Pair("big", 14)));
  const std::vector<ScrapeEndpointStatus> status = scraper.Status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].last_error.ok()) << status[0].last_error;
  // The body itself (up to the 16 MiB cap) and what the mappings keep; not 2.2 M series.
  // Bounded in uninstrumented builds only: under ASan the quarantine and shadow of the
  // pool thread's allocations add a few MB (42.8 MB seen in CI) that are not the scraper's.
  std::cout << "peak RSS rose by " << (grew >> 20) << " MB"
            << (::limiar::testing::kSanitizedMemory ? " (sanitizer build: not bounded)" : "")
            << "\n";
  if (!::limiar::testing::kSanitizedMemory) {
    EXPECT_LT(grew, 40 << 20) << "peak RSS rose by " << grew << " bytes";
  }
}

TEST_F(ScraperTest, MoreMappedSeriesThanMaxSeriesFailTheScrape) {
  // requests matches two series (codes 200 and 201), cpu and connections one each.
  server_.Set("/app", Body(1, 1, 1, 1, 1));
  const absl::Status error = ErrorOfOneScrape(R"("max_series": 3)", "/app");
  EXPECT_EQ(error.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(error.message()),
              HasSubstr("more than 3 series match the mappings (max_series)"));
  EXPECT_THAT(Values(MetricType::kConnections, kT0), ElementsAre(Pair("<error>", std::nullopt)));
}

TEST_F(ScraperTest, TheConfiguredBodyCapApplies) {
  server_.Set("/app", Body(1, 1, 1, 1, 1, "", std::string(2000, '#') + "\n"));
  const absl::Status error = ErrorOfOneScrape(R"("max_body_bytes": 1024)", "/app");
  EXPECT_EQ(error.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(error.message()), HasSubstr("larger than 1024 bytes"));
}

TEST_F(ScraperTest, MappingsThatMatchNothingOrMixKindsRecordNothingAndSaySo) {
  server_.Set("/app", Body(1, 1, 1, 1, 1));
  Scraper scraper({Target(absl::StrCat(R"({"endpoints": [{"address": ")", server_.url("/app"),
                                       R"(", "replica": "app"}], "metrics": [
      {"metric": "requests", "series": "grpc_server_handled_total"},
      {"metric": "cpu", "series": "{__name__=~\"process_cpu_seconds_total|http_connections_open\"}"},
      {"metric": "connections", "series": "http_connections_open"}]})"))},
                  &store_, &clock_);
  EXPECT_EQ(scraper.PollDue(kT0), 1);
  const std::vector<ScrapeEndpointStatus> status = scraper.Status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].last_error.ok());
  EXPECT_EQ(status[0].last_samples, 1);
  EXPECT_THAT(status[0].last_warnings,
              ElementsAre("requests: no series matches grpc_server_handled_total",
                          HasSubstr("cpu: {__name__=~\"process_cpu_seconds_total|http_connections_"
                                    "open\"} matches process_cpu_seconds_total (a counter")));
  EXPECT_THAT(Values(MetricType::kRequests, kT0), ElementsAre(Pair("<error>", std::nullopt)));
  EXPECT_THAT(Values(MetricType::kCpu, kT0), ElementsAre(Pair("<error>", std::nullopt)));
}

TEST_F(ScraperTest, EndpointsFileChangesAddAndRemoveReplicas) {
  ::limiar::testing::TestDir dir;
  const std::string file = dir.File("web.endpoints");
  for (const char* path : {"/static", "/web-1", "/web-2", "/web-3"}) {
    server_.Set(path, Body(0, 0, 0, 0, 1));
  }
  Scraper scraper({Target(absl::StrCat(R"({"endpoints": [{"address": ")", server_.url("/static"),
                                       R"(", "replica": "static"}], "endpoints_file": ")", file,
                                       R"(", "metrics": )", kMetrics, "}"))},
                  &store_, &clock_);

  // No file yet: the config's endpoint alone, and the file's absence in status.
  EXPECT_EQ(scraper.PollDue(kT0), 1);
  std::vector<ScrapeTargetStatus> targets = scraper.TargetStatus();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].endpoints_file, file);
  EXPECT_EQ(targets[0].file_error.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(targets[0].file_loads, 0);
  EXPECT_EQ(targets[0].endpoints, 1);

  ::limiar::testing::ReplaceFile(file, absl::StrCat("# storefront\n", server_.url("/web-1"),
                                                    " web-1\n", server_.url("/web-2"), " web-2\n"));
  absl::Time now = kT0 + absl::Seconds(5);
  EXPECT_EQ(scraper.PollDue(now), 2);  // the new ones at once; static is not due yet
  EXPECT_THAT(Values(MetricType::kConnections, now),
              ElementsAre(Pair("static", std::nullopt), Pair("web-1", 2), Pair("web-2", 2)));
  targets = scraper.TargetStatus();
  EXPECT_TRUE(targets[0].file_error.ok());
  EXPECT_EQ(targets[0].file_loads, 1);
  EXPECT_EQ(targets[0].last_file_load, now);
  EXPECT_EQ(targets[0].endpoints, 3);

  now = kT0 + absl::Seconds(20);
  server_.Set("/web-2", Body(150, 0, 0, 0, 1));
  EXPECT_EQ(scraper.PollDue(now), 3);
  EXPECT_THAT(Values(MetricType::kRequests, now),
              ElementsAre(Pair("static", 0), Pair("web-1", 0), Pair("web-2", 10)));

  // web-1 leaves, web-3 arrives; a bad line and a replica that clashes with the config's
  // are left out. web-2 keeps its counter history: it has a rate in this very poll.
  ::limiar::testing::ReplaceFile(
      file, absl::StrCat(server_.url("/web-2"), " web-2\n", server_.url("/web-3"),
                         " web-3\nnot-an-endpoint\n", server_.url("/web-1"), " static\n"));
  server_.Set("/web-2", Body(300, 0, 0, 0, 1));
  now = kT0 + absl::Seconds(35);
  EXPECT_EQ(scraper.PollDue(now), 3);
  EXPECT_THAT(Values(MetricType::kConnections, now),
              ElementsAre(Pair("static", 2), Pair("web-2", 2), Pair("web-3", 2)));
  EXPECT_THAT(Values(MetricType::kRequests, now),
              ElementsAre(Pair("static", 0), Pair("web-2", 10)));  // web-3: no rate yet
  targets = scraper.TargetStatus();
  EXPECT_EQ(targets[0].file_loads, 2);
  EXPECT_EQ(targets[0].endpoints, 3);
  EXPECT_THAT(targets[0].file_line_errors,
              ElementsAre(StartsWith("line 3: \"not-an-endpoint\" must be host:port"),
                          "line 4: replica \"static\" is listed already"));
  std::vector<ScrapeEndpointStatus> status = scraper.Status();
  ASSERT_EQ(status.size(), 3u);
  EXPECT_EQ(status[0].replica, "static");
  EXPECT_EQ(status[1].replica, "web-2");
  EXPECT_TRUE(status[1].from_file);
  EXPECT_EQ(status[1].total_scrapes, 3);
  EXPECT_EQ(status[2].replica, "web-3");
  EXPECT_EQ(status[2].total_scrapes, 1);

  // The file goes away: an error to see, and the last list stays.
  std::filesystem::remove(file);
  now = kT0 + absl::Seconds(50);
  EXPECT_EQ(scraper.PollDue(now), 3);
  targets = scraper.TargetStatus();
  EXPECT_EQ(targets[0].file_error.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(targets[0].endpoints, 3);
  EXPECT_EQ(server_.requests("/web-1"), 2);  // never again after it left
}

TEST_F(ScraperTest, EachTargetOnItsIntervalWithManyEndpointsAtOnce) {
  std::string fast_endpoints;
  for (int i = 0; i < 12; ++i) {
    const std::string path = absl::StrCat("/fast-", i);
    server_.Set(path, Body(0, 0, 0, 0, static_cast<double>(i)));
    absl::StrAppend(&fast_endpoints, i == 0 ? "" : ", ", "\"", server_.url(path), "\"");
  }
  server_.Set("/slow", Body(0, 0, 0, 0, 1));
  ScrapeTarget fast = Target(absl::StrCat(R"({"interval_s": 10, "endpoints": [)", fast_endpoints,
                                          R"(], "metrics": )", kMetrics, "}"));
  ScrapeTarget slow =
      Target(absl::StrCat(R"({"interval_s": 30, "endpoints": [")", server_.url("/slow"),
                          R"("], "metrics": )", kMetrics, "}"));
  slow.target = "checkout";
  Scraper scraper({std::move(fast), std::move(slow)}, &store_, &clock_,
                  ScraperOptions{.max_concurrency = 4});

  EXPECT_EQ(scraper.PollDue(kT0), 13);
  EXPECT_EQ(scraper.PollDue(kT0 + absl::Seconds(5)), 0);
  EXPECT_EQ(scraper.PollDue(kT0 + absl::Seconds(10)), 12);
  EXPECT_EQ(scraper.PollDue(kT0 + absl::Seconds(23)), 12);  // late: from 23, not 20
  EXPECT_EQ(scraper.PollDue(kT0 + absl::Seconds(30)), 1);
  EXPECT_EQ(scraper.PollDue(kT0 + absl::Seconds(32)), 0);
  EXPECT_EQ(scraper.PollDue(kT0 + absl::Seconds(33)), 12);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(server_.requests(absl::StrCat("/fast-", i)), 4);
  EXPECT_EQ(server_.requests("/slow"), 2);
  const std::map<std::string, std::optional<double>> connections =
      Values(MetricType::kConnections, kT0 + absl::Seconds(33));
  ASSERT_EQ(connections.size(), 12u);
  EXPECT_EQ(connections.at(server_.url("/fast-11")), 22);
  EXPECT_EQ(scraper.Status().size(), 13u);
}

TEST_F(ScraperTest, StartPollsOnItsOwnThreadUntilStop) {
  server_.Set("/app", Body(0, 0, 0, 0, 3));
  Scraper scraper({Target(absl::StrCat(R"({"endpoints": [")", server_.url("/app"),
                                       R"("], "metrics": )", kMetrics, "}"))},
                  &store_, &clock_);
  scraper.Start();
  scraper.Start();  // no-op
  EXPECT_TRUE(server_.WaitForRequests(1, std::chrono::seconds(10)));
  scraper.Stop();
  scraper.Stop();  // no-op
  // The scrape itself finishes on the pool; the clock stood still: nothing else was due.
  ASSERT_TRUE(WaitUntil([&] { return scraper.totals().scrapes == 1; }));
  EXPECT_THAT(Values(MetricType::kConnections, kT0), ElementsAre(Pair(server_.url("/app"), 6)));
}

// Each endpoint is scheduled on its own: while one replica holds its request open, the
// other is scraped again on its interval, and the held one is not handed out twice.
TEST_F(ScraperTest, AHungEndpointDoesNotDelayTheOthers) {
  testing::LocalHttpServer peers;
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  int held_requests = 0;
  peers.server().Get("/held", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    ++held_requests;
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return released; });
    res.set_content(Body(1, 1, 0, 1.0, 3), "text/plain");
  });
  peers.server().Get("/free", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(Body(1, 1, 0, 1.0, 5), "text/plain");
  });
  peers.Start();
  const auto release = [&] {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  };
  ScraperOptions options;
  options.max_concurrency = 2;
  Scraper scraper(
      {Target(absl::StrCat(R"({"interval_s": 60, "timeout_s": 60, "endpoints": [{"address": ")",
                           peers.base_url(), R"(/held", "replica": "held"}, {"address": ")",
                           peers.base_url(), R"(/free", "replica": "free"}], "metrics": )",
                           kMetrics, "}"))},
      &store_, &clock_, options);
  const auto scrapes = [&](const std::string& replica) {
    const std::vector<ScrapeEndpointStatus> all = scraper.Status();
    const ScrapeEndpointStatus* s = Find(all, replica);
    return s == nullptr ? int64_t{-1} : s->total_scrapes;
  };

  EXPECT_EQ(scraper.Dispatch(kT0), 2);
  ASSERT_TRUE(WaitUntil([&] { return scrapes("free") == 1; }));
  EXPECT_EQ(scrapes("held"), 0);
  EXPECT_THAT(Values(MetricType::kConnections, kT0), ElementsAre(Pair("free", 10)));

  // A minute on, the held request is still open: only "free" is due and handed out.
  const absl::Time t60 = kT0 + absl::Seconds(60);
  EXPECT_EQ(scraper.Dispatch(t60), 1);
  ASSERT_TRUE(WaitUntil([&] { return scrapes("free") == 2; }));
  EXPECT_EQ(scrapes("held"), 0);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(held_requests, 1);
  }

  release();
  ASSERT_TRUE(WaitUntil([&] { return scrapes("held") == 1; }));
  // The late answer counts for the poll that asked (its gauge only: counters need two).
  const std::vector<ScrapeEndpointStatus> all = scraper.Status();
  const ScrapeEndpointStatus* held = Find(all, "held");
  ASSERT_NE(held, nullptr);
  EXPECT_TRUE(held->last_error.ok()) << held->last_error;
  EXPECT_EQ(held->last_success, kT0);
  EXPECT_EQ(held->last_samples, 1);
  EXPECT_EQ(held->next_due, t60);
}

}  // namespace
}  // namespace limiar::metrics
