// The scraper against a real Debian prometheus-node-exporter that the test starts on
// 127.0.0.1 (a free port, --no-collector.systemd) and stops by pid (SIGTERM, waitpid).
// Skipped when the binary is not installed (apt-get install prometheus-node-exporter).
// Waits are bounded polls for the port to accept connections; no sleeps.
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

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/metrics/scrape/scrape_config.h"
#include "src/metrics/scrape/scrape_poller.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"

extern char** environ;

namespace limiar::metrics {
namespace {

constexpr char kExporter[] = "prometheus-node-exporter";

std::string FindExporter() {
  const char* path_env = std::getenv("PATH");
  std::vector<std::string> dirs = absl::StrSplit(path_env ? path_env : "", ':', absl::SkipEmpty());
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    const std::string candidate = absl::StrCat(dir, "/", kExporter);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// The exporter cannot bind port 0: ask the kernel for a free one, release it, hand it over.
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in addr = Loopback(port);
  const bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

class Exporter {
 public:
  ~Exporter() { Stop(); }

  // Starts the exporter and waits until it accepts connections: each failed attempt waits
  // for its next log line up to 50 ms, 200 attempts at most (10 s).
  std::string Start(const std::string& binary, int port) {
    int log_pipe[2];
    if (pipe2(log_pipe, O_CLOEXEC) != 0) return "pipe2 failed";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_pipe[1], STDERR_FILENO);
    std::vector<std::string> args = {binary, absl::StrCat("--web.listen-address=127.0.0.1:", port),
                                     "--no-collector.systemd"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(log_pipe[1]);
    log_fd_ = log_pipe[0];
    if (rc != 0) {
      pid_ = -1;
      return absl::StrCat("posix_spawn ", binary, ": ", std::strerror(rc));
    }
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (Accepts(port)) return "";
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        DrainLog(0);
        return absl::StrCat("the exporter exited (status ", status, "); its log:\n", log_);
      }
      DrainLog(50);
    }
    return absl::StrCat("the exporter did not listen on port ", port, "; its log:\n", log_);
  }

  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (log_fd_ >= 0) close(log_fd_);
    log_fd_ = -1;
  }

 private:
  void DrainLog(int timeout_ms) {
    pollfd p{log_fd_, POLLIN, 0};
    while (poll(&p, 1, timeout_ms) > 0) {
      char buf[4096];
      const ssize_t n = read(log_fd_, buf, sizeof(buf));
      if (n <= 0) return;
      if (log_.size() < 64 * 1024) log_.append(buf, static_cast<size_t>(n));
      timeout_ms = 0;
    }
  }

  pid_t pid_ = -1;
  int log_fd_ = -1;
  std::string log_;
};

TEST(ScrapeLiveTest, NodeExporterCpuSecondsBecomeCores) {
  const std::string binary = FindExporter();
  if (binary.empty()) {
    GTEST_SKIP() << kExporter << " is not installed (apt-get install -y " << kExporter
                 << "); the in-process server tests cover the scraper";
  }
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  Exporter exporter;
  const std::string error = exporter.Start(binary, port);
  ASSERT_EQ(error, "");

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
