// The scrape source's config: every key, defaults, unknown keys with hints, wrong types,
// bad values, endpoint address forms, and the endpoints file (parsing and change
// detection).
#include "src/metrics/scrape/scrape_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "src/common/config/diagnostics.h"
#include "src/metrics/scrape/scrape_endpoints_file.h"
#include "tests/support/test_dir.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kPath[] = "recursos[2].config.scrape";

absl::StatusOr<ScrapeConfig> Parse(const std::string& text) {
  return ParseScrapeConfig(nlohmann::json::parse(text), kPath);
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<ScrapeConfig> c = Parse(text);
  if (c.ok()) return "(ok)";
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(c.status().message());
}

constexpr char kFull[] = R"json({
  "endpoints": ["10.0.0.5:8080", {"address": "https://web-2.internal:9443/stats", "replica": "web-2"},
                "[fd00::7]:9100", {"address": "10.0.0.8:8080"}],
  "endpoints_file": "/etc/limiar/web.endpoints",
  "path": "/custom/metrics",
  "interval_s": 30,
  "timeout_s": 2.5,
  "max_body_bytes": 2097152,
  "max_series": 500,
  "metrics": [
    {"metric": "requests", "series": "http_requests_total{code=~\"2..\"}"},
    {"metric": "cpu", "series": "container_cpu_usage_millicores", "kind": "gauge", "scale": 0.001},
    {"metric": "connections", "series": "nginx_connections_active", "kind": "counter"}
  ]})json";

TEST(ScrapeConfigTest, ReadsEveryKey) {
  absl::StatusOr<ScrapeConfig> c = Parse(kFull);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(
      c->endpoints,
      ElementsAre(
          ScrapeEndpoint{"10.0.0.5:8080", "10.0.0.5:8080", "http://10.0.0.5:8080/custom/metrics"},
          ScrapeEndpoint{"https://web-2.internal:9443/stats", "web-2",
                         "https://web-2.internal:9443/stats"},
          ScrapeEndpoint{"[fd00::7]:9100", "[fd00::7]:9100",
                         "http://[fd00::7]:9100/custom/metrics"},
          ScrapeEndpoint{"10.0.0.8:8080", "10.0.0.8:8080", "http://10.0.0.8:8080/custom/metrics"}));
  EXPECT_EQ(c->endpoints_file, "/etc/limiar/web.endpoints");
  EXPECT_EQ(c->path, "/custom/metrics");
  EXPECT_EQ(c->interval, absl::Seconds(30));
  EXPECT_EQ(c->timeout, absl::Milliseconds(2500));
  EXPECT_EQ(c->max_body_bytes, 2097152u);
  EXPECT_EQ(c->max_series, 500u);
  ASSERT_EQ(c->metrics.size(), 3u);
  EXPECT_EQ(c->metrics[0].metric, policy::MetricType::kRequests);
  EXPECT_EQ(c->metrics[0].series.ToString(), R"(http_requests_total{code=~"2.."})");
  EXPECT_EQ(c->metrics[0].kind, ScrapeKind::kAuto);
  EXPECT_EQ(c->metrics[0].scale, 1);
  EXPECT_EQ(c->metrics[1].metric, policy::MetricType::kCpu);
  EXPECT_EQ(c->metrics[1].kind, ScrapeKind::kGauge);
  EXPECT_EQ(c->metrics[1].scale, 0.001);
  EXPECT_EQ(c->metrics[2].metric, policy::MetricType::kConnections);
  EXPECT_EQ(c->metrics[2].kind, ScrapeKind::kCounter);
}

TEST(ScrapeConfigTest, Defaults) {
  absl::StatusOr<ScrapeConfig> c =
      Parse(R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->path, "/metrics");
  EXPECT_EQ(c->endpoints[0].url, "http://a:1/metrics");
  EXPECT_EQ(c->interval, absl::Seconds(15));
  EXPECT_EQ(c->timeout, absl::Seconds(10));
  EXPECT_EQ(c->endpoints_file, "");
  EXPECT_EQ(c->max_body_bytes, 16u << 20);
  EXPECT_EQ(c->max_series, 10'000u);
  EXPECT_EQ(c->max_concurrency, 16);

  // Prometheus' rule: the default timeout never outlasts the interval.
  c = Parse(R"({"endpoints": ["a:1"], "interval_s": 4, "metrics": [{"metric": "cpu",
               "series": "x"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->timeout, absl::Seconds(4));

  // A file alone is enough; it is read at scrape time, not now.
  c = Parse(R"({"endpoints_file": "/nonexistent", "metrics": [{"metric": "cpu",
               "series": "x"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->endpoints, IsEmpty());
}

TEST(ScrapeConfigTest, UnknownKeysGetAHint) {
  const std::pair<const char*, const char*> top[] = {
      {"metrics_path", "did you mean path?"},
      {"scrape_interval", "did you mean interval_s? (in seconds)"},
      {"scrapeTimeout", "did you mean timeout_s? (in seconds)"},
      {"targets", "did you mean endpoints?"},
      {"EndpointsFile", "did you mean endpoints_file?"},
      {"interval-s", "did you mean interval_s?"},
      // A typo gets the nearest key, as in every other config.
      {"intreval_s", "did you mean interval_s?"},
      {"max_seires", "did you mean max_series?"},
      {"zzz",
       "known keys: endpoints, endpoints_file, path, interval_s, timeout_s, max_body_bytes, "
       "max_series, max_concurrency, metrics"},
      {"max_concurency", "did you mean max_concurrency?"},
      {"threads", "did you mean max_concurrency?"},
      {"body_size_limit", "did you mean max_body_bytes? (an integer number of bytes)"},
      {"sample_limit", "did you mean max_series?"},
      // A mapping's alias is no hint at the top level.
      {"type", "known keys: endpoints,"},
  };
  for (const auto& [key, hint] : top) {
    const std::string text =
        absl::StrCat(R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x"}], ")",
                     key, R"(": 1})");
    EXPECT_THAT(ErrorOf(text), StartsWith(absl::StrCat(kPath, ".", key, ": unknown key; ", hint)));
  }
  const std::pair<const char*, const char*> mapping[] = {
      {"selector", "did you mean series?"},
      {"query", "did you mean series? (a series selector, not a PromQL query)"},
      {"type", "did you mean kind?"},
      {"multiplier", "did you mean scale?"},
      {"Metric", "did you mean metric?"},
      {"seires", "did you mean series?"},
      {"scael", "did you mean scale?"},
      {"zz", "known keys: metric, series, kind, scale"},
  };
  for (const auto& [key, hint] : mapping) {
    const std::string text =
        absl::StrCat(R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x", ")",
                     key, R"(": 1}]})");
    EXPECT_THAT(ErrorOf(text),
                StartsWith(absl::StrCat(kPath, ".metrics[0].", key, ": unknown key; ", hint)));
  }
  EXPECT_EQ(ErrorOf(R"({"endpoints": [{"url": "a:1"}], "metrics": [{"metric": "cpu",
                       "series": "x"}]})"),
            absl::StrCat(kPath, ".endpoints[0].url: unknown key; did you mean address?"));
  EXPECT_EQ(ErrorOf(R"({"endpoints": [{"address": "a:1", "replca": "r"}], "metrics": [
                       {"metric": "cpu", "series": "x"}]})"),
            absl::StrCat(kPath, ".endpoints[0].replca: unknown key; did you mean replica?"));
}

TEST(ScrapeConfigTest, WrongTypesAreNamed) {
  const std::pair<const char*, std::string> cases[] = {
      {"[1]", ": must be an object, not array"},
      {R"({"endpoints": "a:1", "metrics": []})", ".endpoints: must be an array, not string"},
      {R"({"endpoints": [5], "metrics": []})",
       ".endpoints[0]: must be a string or an object with address and replica, not number"},
      {R"({"endpoints": [{"address": 5}], "metrics": []})",
       ".endpoints[0].address: must be a string, not number"},
      {R"({"endpoints": ["a:1"], "interval_s": "15", "metrics": []})",
       ".interval_s: must be a number, not string (write 15 without quotes)"},
      {R"({"endpoints": ["a:1"], "timeout_s": null, "metrics": []})",
       ".timeout_s: must be a number, not null"},
      {R"({"endpoints": ["a:1"], "metrics": {}})", ".metrics: must be an array, not object"},
      {R"({"endpoints": ["a:1"], "metrics": ["cpu"]})",
       ".metrics[0]: must be an object, not string"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x", "scale": "2"}]})",
       ".metrics[0].scale: must be a number, not string (write 2 without quotes)"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": 1, "series": "x"}]})",
       ".metrics[0].metric: must be a string, not number"},
      {R"({"endpoints": ["a:1"], "endpoints_file": true, "metrics": []})",
       ".endpoints_file: must be a string, not boolean"},
      {R"({"endpoints": ["a:1"], "max_series": "10", "metrics": []})",
       ".max_series: must be a number, not string (write 10 without quotes)"},
  };
  // Other problems of the same config follow on their own lines.
  for (const auto& [text, want] : cases) {
    EXPECT_THAT(ErrorOf(text), StartsWith(absl::StrCat(kPath, want))) << text;
  }
}

TEST(ScrapeConfigTest, BadValues) {
  const std::string m = R"("metrics": [{"metric": "cpu", "series": "x"}])";
  const std::pair<std::string, std::string> cases[] = {
      {R"({"endpoints": ["a:1"]})", ".metrics: required"},
      {absl::StrCat("{", m, "}"), ".endpoints: required (or endpoints_file)"},
      {absl::StrCat(R"({"endpoints": [], )", m, "}"),
       ".endpoints: must not be empty (or set endpoints_file)"},
      {R"({"endpoints": ["a:1"], "metrics": []})", ".metrics: must list at least one mapping"},
      {absl::StrCat(R"({"endpoints": ["a"], )", m, "}"),
       R"(.endpoints[0]: "a" must be host:port ([v6]:port) or an http:// or https:// URL)"},
      {absl::StrCat(R"({"endpoints": ["a:99999"], )", m, "}"),
       R"(.endpoints[0]: "a:99999" must be host:port)"},
      {absl::StrCat(R"({"endpoints": ["ftp://a:1/"], )", m, "}"), R"(.endpoints[0]: "ftp://a:1/")"},
      {absl::StrCat(R"({"endpoints": ["http://u:p@a:1/"], )", m, "}"),
       R"(.endpoints[0]: "http://u:p@a:1/" needs a host (and no user:password@)"},
      {absl::StrCat(R"({"endpoints": [{"address": "a :1"}], )", m, "}"),
       R"(.endpoints[0].address: "a :1" must not contain whitespace)"},
      {absl::StrCat(R"({"endpoints": [{"replica": "r"}], )", m, "}"),
       ".endpoints[0].address: required"},
      {absl::StrCat(R"({"endpoints": ["a:1", {"address": "b:1", "replica": "a:1"}], )", m, "}"),
       R"(.endpoints[1]: replica "a:1" is already endpoints[0]; give each endpoint its own replica)"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "path": "metrics", )", m, "}"),
       R"(.path: must start with / and hold no whitespace or #, not "metrics")"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "interval_s": 0.5, )", m, "}"),
       ".interval_s: must be at least 1 and at most 86400 seconds, not 0.5"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "timeout_s": 0, )", m, "}"),
       ".timeout_s: must be more than 0 and at most 300 seconds, not 0"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "interval_s": 5, "timeout_s": 6, )", m, "}"),
       ".timeout_s: must not be longer than interval_s (5 s)"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "max_body_bytes": 100, )", m, "}"),
       ".max_body_bytes: must be an integer from 1024 to 67108864, not 100"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "max_body_bytes": 1e12, )", m, "}"),
       ".max_body_bytes: must be an integer from 1024 to 67108864, not 1000000000000.0"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "max_series": 0, )", m, "}"),
       ".max_series: must be an integer from 1 to 1000000, not 0"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "max_series": 2.5, )", m, "}"),
       ".max_series: must be an integer from 1 to 1000000, not 2.5"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "max_concurrency": 0, )", m, "}"),
       ".max_concurrency: must be an integer from 1 to 256, not 0"},
      {absl::StrCat(R"({"endpoints": ["a:1"], "max_concurrency": 257, )", m, "}"),
       ".max_concurrency: must be an integer from 1 to 256, not 257"},
      {R"({"endpoints": ["a:1"], "metrics": [{"series": "x"}]})", ".metrics[0].metric: required"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu"}]})", ".metrics[0].series: required"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "memory", "series": "x"}]})",
       R"(.metrics[0].metric: must be one of cpu, requests, connections, not "memory")"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x{a=b}"}]})",
       ".metrics[0].series: "},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "{a=~\".*\"}"}]})",
       ".metrics[0].series: "},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x", "kind": "rate"}]})",
       R"(.metrics[0].kind: must be one of auto, counter, gauge, not "rate" (a counter becomes a rate))"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x", "scale": 0}]})",
       ".metrics[0].scale: must be more than 0, not 0"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x", "scale": -1}]})",
       ".metrics[0].scale: must be more than 0, not -1"},
      {R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "series": "x"},
                                            {"metric": "cpu", "series": "y"}]})",
       ".metrics[1].metric: cpu is already mapped by metrics[0]; one selector can match several "
       "series (they are summed)"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_THAT(ErrorOf(text), StartsWith(absl::StrCat(kPath, want))) << text;
  }
}

TEST(ScrapeConfigTest, MaxConcurrencyIsRead) {
  absl::StatusOr<ScrapeConfig> c = Parse(R"({"endpoints": ["a:1"], "max_concurrency": 64,
                                            "metrics": [{"metric": "cpu", "series": "x"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->max_concurrency, 64);
}

// Every problem at once, each at its path, so that one run fixes them all: two in one
// mapping, one in another, and the good keys around them do not hide them.
TEST(ScrapeConfigTest, ReportsEveryProblemAtOnce) {
  const std::string error = ErrorOf(R"({"endpoints": ["a:1", "b"], "interval_s": 0,
      "metrics": [{"metric": "memory", "series": "x", "kind": "rate"},
                  {"metric": "cpu", "series": "y", "scale": 0}]})");
  const std::string p = kPath;
  EXPECT_THAT(error, HasSubstr(p + ".interval_s: must be at least 1"));
  EXPECT_THAT(error, HasSubstr(p + ".endpoints[1]: \"b\" must be host:port"));
  EXPECT_THAT(error, HasSubstr(p + ".metrics[0].metric: must be one of cpu, requests"));
  EXPECT_THAT(error, HasSubstr(p + ".metrics[0].kind: must be one of auto, counter, gauge"));
  EXPECT_THAT(error, HasSubstr(p + ".metrics[1].scale: must be more than 0"));
  EXPECT_EQ(config::ProblemCount(Parse(R"({"endpoints": ["a:1"], "metrics": [
                {"metric": "memory", "series": "x", "kind": "rate"}]})")
                                     .status()),
            2);
  // A misspelt key's hint stands for the "required" it would otherwise cause.
  EXPECT_EQ(ErrorOf(R"({"endpoints": ["a:1"], "metrics": [{"metric": "cpu", "selector": "x"}]})"),
            p + ".metrics[0].selector: unknown key; did you mean series?");
}

TEST(ScrapeEndpointTest, AddressForms) {
  const struct {
    const char* address;
    const char* replica;
    const char* url;  // "" when invalid
  } cases[] = {
      {"10.0.0.5:8080", "10.0.0.5:8080", "http://10.0.0.5:8080/metrics"},
      {"web-1.ns.svc:80", "web-1.ns.svc:80", "http://web-1.ns.svc:80/metrics"},
      {"[::1]:9100", "[::1]:9100", "http://[::1]:9100/metrics"},
      {"http://h:1", "http://h:1", "http://h:1/metrics"},
      {"https://h:1/", "https://h:1/", "https://h:1/"},  // has a path: kept
      {"http://h/x?format=text", "http://h/x?format=text", "http://h/x?format=text"},
      {"h", "", ""},
      {"h:0", "", ""},
      {"h:port", "", ""},
      {":80", "", ""},
      {"h/x:80", "", ""},
      {"::1:80", "", ""},
      {"[::1]", "", ""},
      {"http://", "", ""},
      {"http:///metrics", "", ""},
  };
  for (const auto& c : cases) {
    absl::StatusOr<ScrapeEndpoint> e = MakeScrapeEndpoint(c.address, "", "/metrics");
    if (c.url[0] == '\0') {
      EXPECT_FALSE(e.ok()) << c.address << " -> " << (e.ok() ? e->url : "");
      continue;
    }
    ASSERT_TRUE(e.ok()) << c.address << ": " << e.status();
    EXPECT_EQ(e->replica, c.replica);
    EXPECT_EQ(e->url, c.url);
  }
  absl::StatusOr<ScrapeEndpoint> named = MakeScrapeEndpoint("h:1", "web-7", "/m");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, (ScrapeEndpoint{"h:1", "web-7", "http://h:1/m"}));
}

TEST(ScrapeEndpointsFileTest, ParsesLinesCommentsAndReplicaIds) {
  const EndpointsFileContents c = ParseEndpointsFile(
      "# web replicas\n"
      "10.0.0.5:8080\n"
      "\n"
      "  10.0.0.6:8080\tweb-2   # the second\r\n"
      "https://10.0.0.7:8443/m\n"
      "10.0.0.9\n"
      "10.0.0.8:8080 web-2\n"
      "a:1 b c\n"
      "taken:1 static-1\n"
      "10.0.0.10:8080",
      "/metrics", {"static-1"});
  EXPECT_THAT(
      c.endpoints,
      ElementsAre(
          ScrapeEndpoint{"10.0.0.5:8080", "10.0.0.5:8080", "http://10.0.0.5:8080/metrics"},
          ScrapeEndpoint{"10.0.0.6:8080", "web-2", "http://10.0.0.6:8080/metrics"},
          ScrapeEndpoint{"https://10.0.0.7:8443/m", "https://10.0.0.7:8443/m",
                         "https://10.0.0.7:8443/m"},
          ScrapeEndpoint{"10.0.0.10:8080", "10.0.0.10:8080", "http://10.0.0.10:8080/metrics"}));
  EXPECT_THAT(c.errors,
              ElementsAre(StartsWith("line 6: \"10.0.0.9\" must be host:port"),
                          "line 7: replica \"web-2\" is listed already",
                          "line 8: expected an address and an optional replica id, found 3 fields",
                          "line 9: replica \"static-1\" is listed already"));
  EXPECT_THAT(ParseEndpointsFile("", "/metrics").endpoints, IsEmpty());
}

// A file in a fresh folder: the watcher tests create, replace and remove it.
class TempFile {
 public:
  const std::string& path() const { return path_; }
  void Write(const std::string& text) const { ::limiar::testing::WriteFile(path_, text); }
  void Replace(const std::string& text) const { ::limiar::testing::ReplaceFile(path_, text); }

 private:
  ::limiar::testing::TestDir dir_;
  const std::string path_ = dir_.File("endpoints");
};

// Something else writes the file: a FIFO there must not hang the scraper, and a runaway
// writer must not fill its memory.
TEST(ScrapeEndpointsFileTest, WatcherRefusesWhatIsNoListOfEndpoints) {
  TempFile file;
  ASSERT_EQ(::mkfifo(file.path().c_str(), 0600), 0);
  EndpointsFileWatcher watcher(file.path());
  absl::StatusOr<std::optional<std::string>> r = watcher.ReadIfChanged();
  EXPECT_THAT(
      std::string(r.status().message()),
      HasSubstr("cannot read the endpoints file: not a regular file (a FIFO); give the path of an "
                "endpoints file"));
  std::filesystem::remove(file.path());

  file.Write(std::string(kMaxEndpointsFileBytes + 1, '#'));
  r = watcher.ReadIfChanged();
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr(absl::StrCat(kMaxEndpointsFileBytes + 1, " bytes, over the limit of ",
                                     kMaxEndpointsFileBytes, " bytes for an endpoints file")));
}

TEST(ScrapeEndpointsFileTest, WatcherReadsOnlyWhenTheFileChanges) {
  TempFile file;
  EndpointsFileWatcher watcher(file.path());
  absl::StatusOr<std::optional<std::string>> r = watcher.ReadIfChanged();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("endpoints_file " + file.path()));

  file.Write("a:1\n");
  r = watcher.ReadIfChanged();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "a:1\n");
  r = watcher.ReadIfChanged();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::nullopt);

  file.Write("a:1\nb:2\n");  // in place, another size
  r = watcher.ReadIfChanged();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "a:1\nb:2\n");

  file.Replace("c:3\nd:4\n");  // same size, another inode
  r = watcher.ReadIfChanged();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "c:3\nd:4\n");

  // Same size and inode, written in place: the modification time tells.
  const auto mtime = std::filesystem::last_write_time(file.path());
  file.Write("e:5\nf:6\n");
  std::filesystem::last_write_time(file.path(), mtime + std::chrono::seconds(1));
  r = watcher.ReadIfChanged();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "e:5\nf:6\n");

  file.Write("");
  r = watcher.ReadIfChanged();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

}  // namespace
}  // namespace limiar::metrics
