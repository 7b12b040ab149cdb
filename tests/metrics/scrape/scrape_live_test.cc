// The scraper against a real Debian prometheus-node-exporter that the test starts on
// 127.0.0.1 and stops by pid (tests/support/node_exporter.h). Skipped when the binary is
// not installed (apt-get install prometheus-node-exporter).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/metrics/scrape/scrape_config.h"
#include "src/metrics/scrape/scrape_poller.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "tests/support/node_exporter.h"

namespace limiar::metrics {
namespace {

TEST(ScrapeLiveTest, NodeExporterCpuSecondsBecomeCores) {
  const std::string binary = testing::NodeExporter::Find();
  if (binary.empty()) {
    GTEST_SKIP() << testing::kNodeExporter << " is not installed (apt-get install -y "
                 << testing::kNodeExporter << "); the in-process server tests cover the scraper";
  }
  testing::NodeExporter exporter;
  const absl::Status started = exporter.Start(binary);
  ASSERT_TRUE(started.ok()) << started;
  const int port = exporter.port();

  absl::StatusOr<ScrapeConfig> config = ParseScrapeConfig(
      nlohmann::json::parse(absl::StrCat(R"({"endpoints": ["127.0.0.1:)", port, R"("], "metrics": [
      {"metric": "cpu", "series": "node_cpu_seconds_total{mode!=\"idle\"}"},
      {"metric": "requests", "series": "promhttp_metric_handler_requests_total{code=\"200\"}"},
      {"metric": "connections", "series": "process_open_fds"}]})")),
      "scrape");
  ASSERT_TRUE(config.ok()) << config.status();
  SampleStoreOptions options;
  options.metric_window = absl::Seconds(1);
  SampleStore store(options);
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  ManualClock clock(t0);
  Scraper scraper({{"node", *std::move(config)}}, &store, &clock);

  ASSERT_EQ(scraper.PollDue(t0), 1);
  const absl::Time t1 = t0 + absl::Seconds(15);
  ASSERT_EQ(scraper.PollDue(t1), 1);
  exporter.Stop();  // everything needed is in the store

  const std::vector<ScrapeEndpointStatus> status = scraper.Status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].last_error.ok()) << status[0].last_error;
  EXPECT_EQ(status[0].total_failures, 0);
  EXPECT_EQ(status[0].last_parse_errors, 0) << status[0].last_parse_error;
  EXPECT_THAT(status[0].last_warnings, ::testing::IsEmpty());
  EXPECT_EQ(status[0].last_samples, 3);

  policy::TargetPolicy target;
  target.target = "node";
  for (const policy::MetricType m : {policy::MetricType::kCpu, policy::MetricType::kRequests,
                                     policy::MetricType::kConnections}) {
    target.metrics.push_back({"node", m, 70, 1});
  }
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(target, t1, &out).ok());
  for (const policy::MetricObservation& o : out) {
    ASSERT_TRUE(o.error.ok()) << o.error;
    ASSERT_EQ(o.replicas.size(), 1u);
    EXPECT_EQ(o.replicas[0].replica_id, absl::StrCat("127.0.0.1:", port));
    ASSERT_TRUE(o.replicas[0].value.has_value());
  }
  // Non-idle cpu seconds per second are cores in use: at least none, at most all. (The
  // ManualClock says 15 s passed; far less did, so the figure is small but real.)
  const double cores = *out[0].replicas[0].value;
  EXPECT_GE(cores, 0);
  EXPECT_LE(cores, std::thread::hardware_concurrency());
  // The exporter counts its own scrapes: the first was counted by the second, 1 in 15 s.
  EXPECT_DOUBLE_EQ(*out[1].replicas[0].value, 1.0 / 15);
  EXPECT_GT(*out[2].replicas[0].value, 0);  // open file descriptors, a gauge
}

}  // namespace
}  // namespace limiar::metrics
