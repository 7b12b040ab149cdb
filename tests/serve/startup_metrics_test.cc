// Regression (issue 8, item 15): `serve` started its HTTP server before the scraper and
// the PromQL poller were assigned, and the /metrics handler reads both, a data race at
// every start with pollers configured. A ThreadSanitizer build of `limiar` reports it in
// the serve child's log (a unique_ptr written by Service::StartPollers, read by the
// handler), which this test checks. A release build cannot see a race; there the test
// checks what a scrape during start-up must get: an answer, every time, and the pollers'
// counters in it once they have failed.
//
// Only reports naming this code count: Debian's gRPC and Abseil are not built for
// ThreadSanitizer, so it also reports their internals (epoll and eventfd use), which the
// sanitizer job's suppressions cover.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using json = nlohmann::json;

// The ThreadSanitizer reports in `log` that name a frame of the start-up, the pollers or
// the HTTP side.
std::vector<std::string> OurRaces(const std::string& log) {
  static const char* const kOurs[] = {"Service::",      "Scraper",       "PromQlPoller",
                                      "SelfMetrics",    "HttpEndpoints", "ConnectionGate",
                                      "GatedHttpServer"};
  std::vector<std::string> out;
  for (size_t at = log.find("WARNING: ThreadSanitizer"); at != std::string::npos;
       at = log.find("WARNING: ThreadSanitizer", at + 1)) {
    const size_t end = log.find("SUMMARY: ThreadSanitizer", at);
    const std::string report = log.substr(at, end == std::string::npos ? end : end - at);
    for (const char* name : kOurs) {
      if (report.find(name) != std::string::npos) {
        out.push_back(report);
        break;
      }
    }
  }
  return out;
}

// The value of an unlabelled sample `name` in a Prometheus text body; -1 when absent.
double SampleValue(const std::string& body, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, ' ');
    double v;
    if (kv.first == name && absl::SimpleAtod(kv.second, &v)) return v;
  }
  return -1;
}

TEST(StartupMetricsTest, MetricsScrapedWhileServeStartsWithPollersConfigured) {
  testing::TestDir dir;
  // Nothing listens there: every scrape and query fails, and is counted.
  const int dead_port = testing::UnusedPort();
  const std::string dead = absl::StrCat("127.0.0.1:", dead_port);
  const json config{
      {"tick_interval_s", 0.2},
      {"sources",
       {{"storefront",
         {{"promql", {{"server_address", "http://" + dead}, {"query", "up"}, {"interval_s", 1}}},
          {"scrape",
           {{"endpoints", {dead}},
            {"interval_s", 1},
            {"metrics", {{{"metric", "requests"}, {"series", "http_requests_total"}}}}}}}}}}};
  const std::string config_file = WriteConfig(dir, "serve.json", config);

  // From before the process exists until told to stop, scrape /metrics as fast as it
  // answers: the first answers come from the first moment the port listens.
  std::atomic<int> http_port{0};
  std::atomic<bool> stop{false};
  std::atomic<int> answers{0}, not_ok{0};
  std::thread scraper([&] {
    while (!stop.load()) {
      const HttpResult r = HttpGet(http_port.load(), "/metrics");
      if (r.status < 0) continue;  // not listening yet
      ++answers;
      if (r.status != 200) ++not_ok;
    }
  });
  // The HTTP port is chosen before serve starts, so that it can be scraped from its first
  // moment; another test may bind it in between, so a start refused for that is retried
  // on another port (and the dead address is never it).
  std::unique_ptr<ServeProcess> serve;
  bool serving = false;
  for (int attempt = 0; attempt < 5 && !serving; ++attempt) {
    int port = testing::UnusedPort();
    while (port == dead_port) port = testing::UnusedPort();
    http_port.store(port);
    serve = std::make_unique<ServeProcess>(std::vector<std::string>{
        "--blueprint", TestData("no_warnings.json"), "--grpc-listen", "127.0.0.1:0",
        "--http-listen", absl::StrCat("127.0.0.1:", port), "--config", config_file});
    serving = serve->WaitServing();
    if (!serving && serve->Log().find("cannot bind HTTP") == std::string::npos) break;
  }
  HttpResult last;
  const bool counted = serving && PollUntil([&] {
                         last = HttpGet(http_port.load(), "/metrics");
                         return SampleValue(last.body, "limiar_scrape_failures_total") >= 1 &&
                                SampleValue(last.body, "limiar_promql_failures_total") >= 1;
                       });
  stop.store(true);
  scraper.join();
  ASSERT_TRUE(serving) << serve->Log();
  EXPECT_TRUE(counted) << last.body;
  EXPECT_GT(answers.load(), 0);
  EXPECT_EQ(not_ok.load(), 0);

  serve->Signal(SIGTERM);
  ASSERT_TRUE(serve->WaitExit().has_value()) << serve->Log();
  const std::vector<std::string> races = OurRaces(serve->Log());
  EXPECT_TRUE(races.empty()) << races.size() << " races, the first:\n" << races.front();
}

}  // namespace
}  // namespace limiar::serve_test
