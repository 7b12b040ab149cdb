// A label selector comes from the API server (a /scale subresource's status.selector): any
// text must parse or be refused within the limits, never crash, and what parses must be
// well formed and match as its requirements say.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "src/kube/label_selector.h"
#include "tests/fuzz/fuzz_input.h"

using limiar::fuzz::Require;
using limiar::kube::LabelRequirement;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::StatusOr<limiar::kube::LabelSelector> selector =
      limiar::kube::ParseLabelSelector(limiar::fuzz::AsText(data, size));
  if (!selector.ok()) return 0;
  Require(selector->size() <= limiar::kube::kMaxLabelRequirements, "requirement limit passed");
  // Labels that satisfy every positive requirement, for a selector whose keys are distinct
  // and positive: it must match them, and an object without labels must not match it.
  std::map<std::string, std::string> labels;
  std::set<std::string> keys;
  bool positive_distinct = !selector->empty();
  for (const LabelRequirement& r : *selector) {
    Require(!r.key.empty(), "a requirement without a key");
    using Op = LabelRequirement::Op;
    const bool one_value = r.op == Op::kEquals || r.op == Op::kNotEquals;
    const bool value_set = r.op == Op::kIn || r.op == Op::kNotIn;
    Require(!one_value || r.values.size() == 1, "(not)equals without exactly one value");
    Require(!value_set || !r.values.empty(), "(not)in without values");
    Require(one_value || value_set || r.values.empty(), "exists with values");
    positive_distinct = positive_distinct && keys.insert(r.key).second &&
                        (r.op == Op::kEquals || r.op == Op::kIn || r.op == Op::kExists);
    labels[r.key] = r.values.empty() ? "" : r.values.front();
  }
  if (positive_distinct) {
    Require(limiar::kube::LabelsMatch(*selector, labels), "its own labels do not match");
    Require(!limiar::kube::LabelsMatch(*selector, std::map<std::string, std::string>{}),
            "a positive selector matched no labels");
  }
  (void)limiar::kube::LabelsMatch(*selector, nlohmann::json(labels));
  return 0;
}
