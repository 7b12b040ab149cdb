#include "src/policy/blueprint/policy_table.h"

#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"
#include "src/common/text_table.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/blueprint/knob_view.h"

namespace limiar::policy::blueprint {

using config::FormatNumber;

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
  absl::StrAppend(&out, AlignedTable(metrics, metrics.front().size(), "  "), "\n");

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
  absl::StrAppend(&out, AlignedTable(knobs, knobs.front().size(), "  "));
  return out;
}

}  // namespace limiar::policy::blueprint
