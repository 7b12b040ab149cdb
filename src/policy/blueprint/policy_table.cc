#include "src/policy/blueprint/policy_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "src/common/config/json_read.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/blueprint/knob_view.h"

namespace limiar::policy::blueprint {

using config::FormatNumber;

std::string FormatTable(const std::vector<std::vector<std::string>>& rows,
                        const std::string& indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = indent;
    for (size_t c = 0; c < row.size(); ++c) {
      absl::StrAppend(&line, row[c]);
      if (c + 1 < row.size()) line.append(widths[c] - row[c].size() + 2, ' ');
    }
    absl::StrAppend(&out, absl::StripTrailingAsciiWhitespace(line), "\n");
  }
  return out;
}

std::string RenderPolicyTable(const TargetPolicy& p) {
  std::string out =
      absl::StrCat("target ", p.target, ": ", AlgorithmName(p.algorithm), ", ", ModeName(p.mode),
                   ", replicas ", p.min_replicas, "..", p.max_replicas);
  if (p.algorithm == Algorithm::kHpa) {
    absl::StrAppend(&out, ", HPA ", HpaPathName(p), " path");
  }
  absl::StrAppend(&out, "\n");

  std::vector<std::vector<std::string>> metrics = {
      {"metric", "limiar", "capacity per replica", "capacity source", "autoscale resource"}};
  for (const MetricView& m : DescribeMetrics(p)) {
    metrics.push_back({m.metric, absl::StrCat(FormatNumber(m.limiar), "%"),
                       absl::StrCat(FormatNumber(m.capacity), " ",
                                    m.capacity == 1 && m.unit == "cores" ? "core" : m.unit),
                       OriginName(m.capacity_origin), m.autoscale});
  }
  absl::StrAppend(&out, FormatTable(metrics, "  "), "\n");

  std::vector<std::vector<std::string>> knobs = {{"knob", "value", "source", "note"}};
  for (const KnobView& k : DescribeKnobs(p)) {
    for (size_t i = 0; i < k.text.size(); ++i) {
      // A list value continues on the next lines, under its first entry.
      if (i == 0) {
        knobs.push_back({k.key, k.text[0], OriginName(k.origin), k.note});
      } else {
        knobs.push_back({"", k.text[i], "", ""});
      }
    }
  }
  absl::StrAppend(&out, FormatTable(knobs, "  "));
  return out;
}

}  // namespace limiar::policy::blueprint
