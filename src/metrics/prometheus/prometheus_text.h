// Parser for the Prometheus text exposition format 0.0.4, the body a `/metrics` endpoint
// serves as `Content-Type: text/plain; version=0.0.4`. Pure: it parses a string the caller
// has already fetched, so the scrape loop owns all I/O, timeouts and size limits.
//
// What it accepts follows Prometheus' own parsers: expfmt's TextParser (client_golang,
// promtool) for the grammar, the escapes and the HELP/TYPE rules, and the server's scrape
// parser (textparse) where that one is more lenient, so that what Prometheus scrapes, Limiar
// scrapes too:
//   - blanks (space, tab) between tokens, before the first and after the last (expfmt
//     refuses trailing ones);
//   - unknown escapes in HELP text are kept verbatim (expfmt rejects the line; a help string
//     is never worth losing a family's metadata over).
// Beyond both, where the intent cannot be mistaken:
//   - a missing line feed after the last line, and CRLF line ends (a '\r' right before the
//     '\n' is dropped; anywhere else it is still an error);
//   - an unknown TYPE word (e.g. OpenMetrics' "info") makes the family untyped instead of
//     failing the line.
// It is stricter than textparse where a silent acceptance would hand the autoscaler a
// wrong series: label pairs need commas, label values know only \\, \" and \n, duplicate
// label names, duplicate series, a second HELP or TYPE line, a TYPE line after the family's
// samples, a histogram line other than `_bucket` (with a parseable `le`), `_sum` and
// `_count`, and a summary quantile line without a parseable `quantile` are errors.
// 0.0.4 has no quoted (UTF-8) metric or label names; they are errors here.
#ifndef LIMIAR_METRICS_PROMETHEUS_PROMETHEUS_TEXT_H_
#define LIMIAR_METRICS_PROMETHEUS_PROMETHEUS_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar::metrics {

enum class FamilyType { kUntyped, kCounter, kGauge, kHistogram, kSummary };

// "untyped", "counter", "gauge", "histogram", "summary": the words of a TYPE line.
absl::string_view FamilyTypeName(FamilyType type);

// [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*, the names 0.0.4 allows.
bool IsValidMetricName(absl::string_view name);
bool IsValidLabelName(absl::string_view name);

struct SeriesLabel {
  std::string name;
  std::string value;  // unescaped
  friend bool operator==(const SeriesLabel&, const SeriesLabel&) = default;
};
// Sorted by name, names unique.
using SeriesLabels = std::vector<SeriesLabel>;

// One sample line. Histogram and summary lines keep `le` / `quantile` among their labels
// (they tell the series apart) and carry their family's name and type.
struct ExpositionSample {
  std::string family;  // e.g. "http_request_duration_seconds"
  std::string name;    // as written, e.g. "http_request_duration_seconds_bucket"
  FamilyType type = FamilyType::kUntyped;
  SeriesLabels labels;
  double value = 0;                     // NaN and +-Inf included
  std::optional<int64_t> timestamp_ms;  // milliseconds since the Unix epoch, when written
  int line = 0;                         // 1-based, for diagnostics

  // The value of label `name`, or null when the sample has no such label.
  const std::string* FindLabel(absl::string_view label_name) const;
};

// A metric family as declared by its HELP/TYPE lines or, without them, by its first sample.
struct MetricFamily {
  std::string name;
  FamilyType type = FamilyType::kUntyped;
  std::string help;  // unescaped; empty when there is no HELP line
};

// A malformed line: what is wrong with it, for an operator to fix the exporter.
struct LineError {
  int line = 0;         // 1-based
  std::string message;  // e.g. `expected '=' after label name "code"`

  // "line 12: expected '=' after label name \"code\"".
  std::string ToString() const;
};

// What a lenient parse keeps, so that the series nobody asked for cost no memory: a
// scraper wants two families out of an exposition that may hold millions of series.
struct SampleFilter {
  // Asked with each sample line's metric name before anything else on the line is read;
  // a line it refuses is skipped unread (so its errors go unreported) and counted in
  // skipped_samples. A HELP or TYPE line of family F is kept when F, F_bucket, F_sum or
  // F_count is kept. Null: every name.
  std::function<bool(absl::string_view name)> keep_name;
  // Asked with each valid sample whose name was kept; a refused one is dropped and counted
  // in skipped_samples. Null: every sample.
  std::function<bool(absl::string_view name, const SeriesLabels& labels)> keep_series;
  // The parse stops at the first kept sample past this many (sample_limit_hit).
  size_t max_samples = std::numeric_limits<size_t>::max();
};

struct ParsedExposition {
  // Every family that a HELP or TYPE line or a sample named, in order of first mention; a
  // family may have no samples (e.g. a labelled vector no one has observed yet).
  std::vector<MetricFamily> families;
  // The valid samples, in input order.
  std::vector<ExpositionSample> samples;
  // Lenient parsing only: the malformed lines, in order, at most `max_errors` of them.
  std::vector<LineError> errors;
  // Lenient parsing only: how many lines were malformed, including those past `max_errors`.
  int64_t error_count = 0;
  // Filtered parsing only: sample lines the filter refused, and whether the parse stopped
  // because more than `max_samples` samples were kept (the samples are then the first
  // max_samples, and the rest of the text was not read).
  int64_t skipped_samples = 0;
  bool sample_limit_hit = false;

  // The family called `name`, or null.
  const MetricFamily* FindFamily(absl::string_view name) const;
};

// Strict: the first malformed line fails the whole parse with InvalidArgument whose message
// is that line's LineError::ToString(). For fixtures, config checks and tests.
absl::StatusOr<ParsedExposition> ParsePrometheusText(absl::string_view text);

// Lenient: keeps every valid line that `filter` keeps and reports each malformed one in
// `errors`, so one bad line on an endpoint does not hide its other series. A malformed
// line contributes nothing (no sample, no HELP, no TYPE). Cannot fail. For the scrape loop.
ParsedExposition ParsePrometheusTextLenient(absl::string_view text, size_t max_errors = 100,
                                            const SampleFilter& filter = {});

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMETHEUS_PROMETHEUS_TEXT_H_
