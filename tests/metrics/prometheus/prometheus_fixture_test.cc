// Parses real /metrics output of Debian 12's prometheus 2.42 and node exporter 1.5, captured
// as described in testdata/README.md. Tests run from the repo root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "src/metrics/prometheus/prometheus_selector.h"
#include "src/metrics/prometheus/prometheus_text.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kPrometheusFixture[] = "tests/metrics/testdata/prometheus_2.42_metrics.txt";
constexpr char kNodeExporterFixture[] = "tests/metrics/testdata/node_exporter_1.5_metrics.txt";

std::string ReadFixture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path << " (tests run from the repo root)";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// What the fixture itself says, counted without the parser: sample lines and TYPE lines.
struct LineCounts {
  size_t samples = 0;
  size_t type_lines = 0;
};
LineCounts CountLines(absl::string_view text) {
  LineCounts counts;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "# TYPE ")) ++counts.type_lines;
    if (!absl::StartsWith(line, "#")) ++counts.samples;
  }
  return counts;
}

ParsedExposition MustParseFixture(const std::string& path) {
  const std::string text = ReadFixture(path);
  absl::StatusOr<ParsedExposition> parsed = ParsePrometheusText(text);
  EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.status();
  if (!parsed.ok()) return {};
  // Every line is valid: the lenient parse finds no error and the same samples.
  const ParsedExposition lenient = ParsePrometheusTextLenient(text);
  EXPECT_THAT(lenient.errors, IsEmpty()) << path << ": " << lenient.errors[0].ToString();
  EXPECT_EQ(lenient.samples.size(), parsed->samples.size());
  const LineCounts counts = CountLines(text);
  EXPECT_EQ(parsed->samples.size(), counts.samples) << path;
  // client_golang writes HELP and TYPE for every family, and nothing else names one.
  EXPECT_EQ(parsed->families.size(), counts.type_lines) << path;
  return *std::move(parsed);
}

std::vector<const ExpositionSample*> Select(const ParsedExposition& p, absl::string_view sel) {
  absl::StatusOr<SeriesSelector> selector = SeriesSelector::Parse(sel);
  EXPECT_TRUE(selector.ok()) << selector.status();
  return selector.ok() ? selector->Select(p) : std::vector<const ExpositionSample*>{};
}

// The invariants of every histogram in an exposition: per series (labels without `le`),
// buckets in increasing `le`, cumulative counts that never decrease, a +Inf bucket, and
// `_count` equal to it.
void CheckHistograms(const ParsedExposition& p, int* histograms_seen) {
  struct Series {
    std::vector<std::pair<double, double>> buckets;  // (le, count)
    double count = NAN;
  };
  std::map<std::string, Series> series;
  for (const ExpositionSample& s : p.samples) {
    if (s.type != FamilyType::kHistogram) continue;
    std::string key = s.family;
    for (const SeriesLabel& l : s.labels) {
      if (l.name != "le") absl::StrAppend(&key, ",", l.name, "=", l.value);
    }
    if (absl::EndsWith(s.name, "_bucket")) {
      series[key].buckets.emplace_back(std::stod(*s.FindLabel("le")), s.value);
    } else if (absl::EndsWith(s.name, "_count")) {
      series[key].count = s.value;
    }
  }
  for (const auto& [key, h] : series) {
    ASSERT_FALSE(h.buckets.empty()) << key;
    for (size_t i = 1; i < h.buckets.size(); ++i) {
      EXPECT_LT(h.buckets[i - 1].first, h.buckets[i].first) << key;
      EXPECT_LE(h.buckets[i - 1].second, h.buckets[i].second) << key;
    }
    EXPECT_EQ(h.buckets.back().first, INFINITY) << key;
    EXPECT_EQ(h.buckets.back().second, h.count) << key;
  }
  *histograms_seen = static_cast<int>(series.size());
}

TEST(PrometheusFixtureTest, Prometheus242ParsesWithoutErrors) {
  const ParsedExposition p = MustParseFixture(kPrometheusFixture);
  ASSERT_FALSE(p.samples.empty());

  const MetricFamily* requests = p.FindFamily("prometheus_http_requests_total");
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->type, FamilyType::kCounter);
  EXPECT_EQ(requests->help, "Counter of HTTP requests.");
  auto metrics_requests =
      Select(p, "prometheus_http_requests_total{code=\"200\",handler=\"/metrics\"}");
  ASSERT_THAT(metrics_requests, SizeIs(1));
  EXPECT_EQ(metrics_requests[0]->value, 1);
  EXPECT_EQ(metrics_requests[0]->type, FamilyType::kCounter);

  auto go_info = Select(p, "go_info");
  ASSERT_THAT(go_info, SizeIs(1));
  EXPECT_THAT(go_info[0]->labels, ElementsAre(SeriesLabel{"version", "go1.19.8"}));
  EXPECT_EQ(go_info[0]->value, 1);
  auto build = Select(p, "prometheus_build_info");
  ASSERT_THAT(build, SizeIs(1));
  EXPECT_EQ(*build[0]->FindLabel("version"), "2.42.0+ds");

  // The HTTP handler histogram: ten buckets, sum and count, all in one family.
  const MetricFamily* duration = p.FindFamily("prometheus_http_request_duration_seconds");
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->type, FamilyType::kHistogram);
  auto buckets = Select(p, "prometheus_http_request_duration_seconds_bucket{handler=\"/metrics\"}");
  ASSERT_THAT(buckets, SizeIs(10));
  EXPECT_EQ(*buckets.front()->FindLabel("le"), "0.1");
  EXPECT_EQ(*buckets.back()->FindLabel("le"), "+Inf");
  for (const ExpositionSample* b : buckets) {
    EXPECT_EQ(b->family, "prometheus_http_request_duration_seconds");
    EXPECT_EQ(b->type, FamilyType::kHistogram);
  }
  auto count = Select(p, "prometheus_http_request_duration_seconds_count{handler=\"/metrics\"}");
  ASSERT_THAT(count, SizeIs(1));
  EXPECT_EQ(count[0]->family, "prometheus_http_request_duration_seconds");
  EXPECT_EQ(count[0]->value, buckets.back()->value);

  // The Go GC summary: five quantiles, sum and count.
  auto gc = Select(p, "{__name__=~\"go_gc_duration_seconds.*\"}");
  ASSERT_THAT(gc, SizeIs(7));
  for (const ExpositionSample* s : gc) EXPECT_EQ(s->type, FamilyType::kSummary);
  EXPECT_EQ(*gc[0]->FindLabel("quantile"), "0");
  EXPECT_EQ(*gc[4]->FindLabel("quantile"), "1");
  EXPECT_EQ(gc[5]->name, "go_gc_duration_seconds_sum");
  EXPECT_EQ(gc[6]->name, "go_gc_duration_seconds_count");
  EXPECT_EQ(gc[6]->value, 4);

  EXPECT_EQ(p.FindFamily("prometheus_ready")->type, FamilyType::kGauge);
  int histograms = 0;
  CheckHistograms(p, &histograms);
  EXPECT_GT(histograms, 3);
}

TEST(PrometheusFixtureTest, NodeExporter15ParsesWithoutErrors) {
  const ParsedExposition p = MustParseFixture(kNodeExporterFixture);
  ASSERT_FALSE(p.samples.empty());

  const MetricFamily* cpu = p.FindFamily("node_cpu_seconds_total");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->type, FamilyType::kCounter);
  EXPECT_EQ(cpu->help, "Seconds the CPUs spent in each mode.");
  auto idle = Select(p, "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}");
  ASSERT_THAT(idle, SizeIs(1));
  EXPECT_EQ(idle[0]->value, 853.62);
  EXPECT_THAT(idle[0]->labels, ElementsAre(SeriesLabel{"cpu", "0"}, SeriesLabel{"mode", "idle"}));
  // Eight modes per CPU; user and system for each.
  const size_t cpus = Select(p, "node_cpu_seconds_total{mode=\"idle\"}").size();
  EXPECT_GE(cpus, 1u);
  EXPECT_THAT(Select(p, "node_cpu_seconds_total"), SizeIs(8 * cpus));
  EXPECT_THAT(Select(p, "node_cpu_seconds_total{mode=~\"user|system\"}"), SizeIs(2 * cpus));

  auto go_info = Select(p, "go_info");
  ASSERT_THAT(go_info, SizeIs(1));
  EXPECT_EQ(*go_info[0]->FindLabel("version"), "go1.19.8");
  auto build = Select(p, "node_exporter_build_info");
  ASSERT_THAT(build, SizeIs(1));
  EXPECT_EQ(*build[0]->FindLabel("version"), "1.5.0");

  auto load1 = Select(p, "node_load1");
  ASSERT_THAT(load1, SizeIs(1));
  EXPECT_EQ(load1[0]->type, FamilyType::kGauge);
  EXPECT_EQ(load1[0]->value, 0.56);
  // The netstat collector declares its families untyped.
  EXPECT_EQ(p.FindFamily("node_netstat_Tcp_CurrEstab")->type, FamilyType::kUntyped);
  // Large values are written in exponent form.
  auto size = Select(p, "node_filesystem_size_bytes{mountpoint=\"/\"}");
  ASSERT_THAT(size, SizeIs(1));
  EXPECT_EQ(size[0]->value, 2.70553174016e+11);

  auto gc_count = Select(p, "go_gc_duration_seconds_count");
  ASSERT_THAT(gc_count, SizeIs(1));
  EXPECT_EQ(gc_count[0]->family, "go_gc_duration_seconds");
  EXPECT_EQ(gc_count[0]->type, FamilyType::kSummary);
  int histograms = 0;
  CheckHistograms(p, &histograms);  // none in this exporter's default collectors
  EXPECT_EQ(histograms, 0);
}

// A scraped body with one bad line in the middle still yields every other series.
TEST(PrometheusFixtureTest, OneCorruptedLineLosesOnlyItself) {
  std::string text = ReadFixture(kNodeExporterFixture);
  const size_t at = text.find("\nnode_load1 ");  // the sample, not its HELP line
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "\nnode_load1{oops ");
  const ParsedExposition intact = ParsePrometheusTextLenient(ReadFixture(kNodeExporterFixture));
  const ParsedExposition p = ParsePrometheusTextLenient(text);
  ASSERT_THAT(p.errors, SizeIs(1));
  EXPECT_THAT(p.errors[0].message, ::testing::HasSubstr("label name \"oops\""));
  EXPECT_EQ(p.samples.size(), intact.samples.size() - 1);
  EXPECT_FALSE(ParsePrometheusText(text).ok());
}

}  // namespace
}  // namespace limiar::metrics
