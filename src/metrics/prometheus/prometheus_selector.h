// Series selection for scrape mappings: a PromQL instant-vector selector such as
// `http_requests_total{code=~"2..",job="api"}`, matched against parsed exposition samples.
//
// Semantics are PromQL's (Prometheus 2.x): a regular expression must match the whole value
// (RE2 syntax, as Go's regexp uses; `.` does not match a line feed), a label the sample does
// not have has the value "", and the metric name is the `__name__` label, i.e. the sample's
// own name (`x_bucket`, not its family). Regular expressions are compiled once, when the
// selector is parsed; matching allocates nothing.
#ifndef LIMIAR_METRICS_PROMETHEUS_PROMETHEUS_SELECTOR_H_
#define LIMIAR_METRICS_PROMETHEUS_PROMETHEUS_SELECTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/metrics/prometheus/prometheus_text.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace limiar::metrics {

class LabelMatcher {
 public:
  enum class Op { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

  // InvalidArgument when `name` is not a label name or a regular expression does not
  // compile.
  static absl::StatusOr<LabelMatcher> Create(absl::string_view name, Op op,
                                             absl::string_view value);

  const std::string& name() const { return name_; }
  Op op() const { return op_; }
  const std::string& value() const { return value_; }

  // Whether a label value ("" for an absent label) satisfies the matcher.
  bool Matches(absl::string_view label_value) const;
  // `code=~"2.."`, re-parseable by SeriesSelector::Parse.
  std::string ToString() const;

 private:
  LabelMatcher(std::string name, Op op, std::string value, std::shared_ptr<const re2::RE2> regex);

  std::string name_;
  Op op_;
  std::string value_;
  // Shared so that matchers copy cheaply; RE2 is thread-safe for matching.
  std::shared_ptr<const re2::RE2> regex_;
};

class SeriesSelector {
 public:
  // Parses `name`, `name{matchers}` or `{matchers}`; a matcher is `label op "value"` with op
  // one of =, !=, =~, !~ and the value in double quotes, single quotes (Go escapes) or
  // backticks (raw). As in PromQL, a selector must not match every series: it needs a name
  // or a matcher that does not match "". Errors name the column (1-based) and what is wrong.
  static absl::StatusOr<SeriesSelector> Parse(absl::string_view text);

  // Every matcher, the name first (as `__name__ = ...`) when given before the braces.
  const std::vector<LabelMatcher>& matchers() const { return matchers_; }
  // The metric name when the selector fixes one by equality, else "".
  const std::string& metric_name() const { return metric_name_; }

  bool Matches(const ExpositionSample& sample) const;
  bool Matches(absl::string_view sample_name, const SeriesLabels& labels) const;
  // The matching samples of `exposition`, in its order.
  std::vector<const ExpositionSample*> Select(const ParsedExposition& exposition) const;

  // Canonical form, e.g. `http_requests_total{code=~"2..",job="api"}`.
  std::string ToString() const;

 private:
  SeriesSelector() = default;

  std::string metric_name_;
  std::vector<LabelMatcher> matchers_;
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMETHEUS_PROMETHEUS_SELECTOR_H_
