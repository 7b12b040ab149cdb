// Scrapes a real Debian prometheus-node-exporter on 127.0.0.1 and parses what it serves.
// Skipped when the binary is not installed (apt-get install prometheus-node-exporter).
// The exporter is started with posix_spawn and stopped by pid (kill + waitpid) whatever the
// outcome; only loopback traffic, one request.
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
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/metrics/prometheus/prometheus_selector.h"
#include "src/metrics/prometheus/prometheus_text.h"

extern char** environ;

namespace limiar::metrics {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kExporter[] = "prometheus-node-exporter";

// The exporter's path from $PATH (plus /usr/bin, where Debian puts it), or "".
std::string FindExporter() {
  const char* path_env = std::getenv("PATH");
  std::vector<std::string> dirs = absl::StrSplit(path_env ? path_env : "", ':', absl::SkipEmpty());
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    std::string candidate = absl::StrCat(dir, "/", kExporter);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// The exporter cannot bind port 0, so the test asks the kernel for a free port, releases it
// and hands it over; another process taking it in between is possible but unlikely.
absl::StatusOr<int> FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    absl::Status s = Errno("bind 127.0.0.1:0");
    close(fd);
    return s;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// A connected TCP socket to 127.0.0.1:port, or -1.
int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The exporter as a child process with its log on a pipe; the destructor stops it.
class ExporterProcess {
 public:
  ExporterProcess() = default;
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;
  ~ExporterProcess() { Stop(); }

  absl::Status Start(const std::string& binary, int port) {
    int log_pipe[2];
    if (pipe2(log_pipe, O_CLOEXEC) != 0) return Errno("pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_pipe[1], STDERR_FILENO);
    const std::string listen = absl::StrCat("--web.listen-address=127.0.0.1:", port);
    // systemd's collector needs a running systemd, which test machines may not have.
    std::vector<std::string> args = {binary, listen, "--no-collector.systemd"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(log_pipe[1]);
    log_fd_ = log_pipe[0];
    if (rc != 0) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat("posix_spawn ", binary, ": ", std::strerror(rc)));
    }
    return absl::OkStatus();
  }

  // Waits until the exporter accepts connections: each attempt to connect that fails waits
  // for the exporter's next log line (it logs as it starts up) for at most 50 ms, so there
  // is no fixed sleep and the whole wait is bounded (200 attempts, 10 s at worst).
  absl::Status WaitUntilListening(int port) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (const int fd = ConnectLoopback(port); fd >= 0) {
        close(fd);
        return absl::OkStatus();
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        DrainLog(0);
        return absl::InternalError(absl::StrCat("the exporter exited (status ", status,
                                                ") before listening; its log:\n", log_));
      }
      DrainLog(50);
    }
    return absl::DeadlineExceededError(
        absl::StrCat("the exporter did not listen on port ", port, "; its log:\n", log_));
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
  // Appends whatever the exporter has logged, waiting up to `timeout_ms` for something.
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

struct HttpResponse {
  std::string status_line;
  std::string content_type;
  std::string body;
};

// GET over HTTP/1.0, so the server sends the body plainly and closes the connection at its
// end (no chunking, no keep-alive); no gzip, since the request does not offer it.
absl::StatusOr<HttpResponse> HttpGet(int port, absl::string_view path) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return Errno("connect");
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1:", port,
                                           "\r\nAccept: text/plain;version=0.0.4\r\n\r\n");
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      absl::Status s = Errno("send");
      close(fd);
      return s;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[16384];
  while (true) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status s = Errno("recv");
      close(fd);
      return s;
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);

  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) {
    return absl::DataLossError(absl::StrCat("no end of headers in ", raw.size(), " bytes"));
  }
  HttpResponse response;
  response.body = raw.substr(header_end + 4);
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(raw).substr(0, header_end), "\r\n");
  response.status_line = std::string(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(lines[i], ':');
    if (absl::EqualsIgnoreCase(kv.first, "content-type")) {
      response.content_type = std::string(absl::StripAsciiWhitespace(kv.second));
    }
  }
  return response;
}

TEST(PrometheusLiveTest, ParsesNodeExporterMetrics) {
  const std::string binary = FindExporter();
  if (binary.empty()) {
    GTEST_SKIP() << kExporter << " is not installed (apt-get install -y " << kExporter
                 << "); the fixture tests cover its output";
  }
  absl::StatusOr<int> port = FreeLoopbackPort();
  ASSERT_TRUE(port.ok()) << port.status();

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(binary, *port).ok());
  absl::Status listening = exporter.WaitUntilListening(*port);
  ASSERT_TRUE(listening.ok()) << listening;

  absl::StatusOr<HttpResponse> response = HttpGet(*port, "/metrics");
  exporter.Stop();  // everything needed is in hand
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_TRUE(absl::StartsWith(response->status_line, "HTTP/1.0 200")) << response->status_line;
  EXPECT_TRUE(absl::StrContains(response->content_type, "text/plain")) << response->content_type;
  EXPECT_TRUE(absl::StrContains(response->content_type, "version=0.0.4")) << response->content_type;

  absl::StatusOr<ParsedExposition> parsed = ParsePrometheusText(response->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(ParsePrometheusTextLenient(response->body).errors, IsEmpty());
  EXPECT_GT(parsed->samples.size(), 100u);

  const MetricFamily* cpu = parsed->FindFamily("node_cpu_seconds_total");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->type, FamilyType::kCounter);
  absl::StatusOr<SeriesSelector> idle =
      SeriesSelector::Parse("node_cpu_seconds_total{mode=\"idle\"}");
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_THAT(idle->Select(*parsed), ::testing::Not(IsEmpty()));
  absl::StatusOr<SeriesSelector> build = SeriesSelector::Parse("node_exporter_build_info");
  ASSERT_TRUE(build.ok()) << build.status();
  auto info = build->Select(*parsed);
  ASSERT_THAT(info, SizeIs(1));
  EXPECT_NE(info[0]->FindLabel("version"), nullptr);
  const MetricFamily* gc = parsed->FindFamily("go_gc_duration_seconds");
  ASSERT_NE(gc, nullptr);
  EXPECT_EQ(gc->type, FamilyType::kSummary);
}

}  // namespace
}  // namespace limiar::metrics
