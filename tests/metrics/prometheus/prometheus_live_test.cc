// Scrapes a real Debian prometheus-node-exporter on 127.0.0.1 and parses what it serves.
// Skipped when the binary is not installed (apt-get install prometheus-node-exporter).
// The exporter (tests/support/node_exporter.h) is stopped by pid whatever the outcome;
// only loopback traffic, one request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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
#include "tests/support/node_exporter.h"
#include "tests/support/ports.h"

namespace limiar::metrics {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

struct HttpResponse {
  std::string status_line;
  std::string content_type;
  std::string body;
};

// GET over HTTP/1.0, so the server sends the body plainly and closes the connection at its
// end (no chunking, no keep-alive); no gzip, since the request does not offer it.
absl::StatusOr<HttpResponse> HttpGet(int port, absl::string_view path) {
  const int fd = testing::ConnectLoopback(port);
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
  const std::string binary = testing::NodeExporter::Find();
  if (binary.empty()) {
    GTEST_SKIP() << testing::kNodeExporter << " is not installed (apt-get install -y "
                 << testing::kNodeExporter << "); the fixture tests cover its output";
  }
  testing::NodeExporter exporter;
  const absl::Status started = exporter.Start(binary);
  ASSERT_TRUE(started.ok()) << started;

  absl::StatusOr<HttpResponse> response = HttpGet(exporter.port(), "/metrics");
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
