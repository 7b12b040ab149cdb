// Kubernetes label selectors as the API server reads them and as the scale subresource
// reports them in status.selector. Grammar and semantics follow apimachinery
// `pkg/labels/selector.go` (Parse, Requirement.Matches):
//
//   selector    := requirement ("," requirement)*
//   requirement := key | "!" key | key ("=" | "==" | "!=") value
//                | key ("in" | "notin") "(" value ("," value)* ")"
//
//   key=v, key==v   the label is present and equals v
//   key!=v          the label is absent or differs from v
//   key in (a,b)    the label is present with one of the values
//   key notin (a)   the label is absent or has none of the values
//   key / !key      the label is present / absent
//
// A selector matches when every requirement does; the empty selector matches everything.
// The text is a peer's (a /scale answer): parsing is one pass with no recursion, and
// longer than kMaxLabelSelectorBytes or with more than kMaxLabelRequirements requirements
// it is refused. The Kubernetes source filters a namespace's pods with it, as the HPA's
// pod lister does; the fake API server filters its lists and watches with it.
#ifndef LIMIAR_KUBE_LABEL_SELECTOR_H_
#define LIMIAR_KUBE_LABEL_SELECTOR_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace limiar::kube {

// A label key is at most 317 bytes and a value 63; a few dozen requirements is already a
// strange workload.
inline constexpr size_t kMaxLabelSelectorBytes = 16 * 1024;
inline constexpr size_t kMaxLabelRequirements = 256;

struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;  // one for (Not)Equals; one or more for (Not)In
  friend bool operator==(const LabelRequirement&, const LabelRequirement&) = default;
};
using LabelSelector = std::vector<LabelRequirement>;

// InvalidArgument naming the requirement that does not parse (or the limit passed).
absl::StatusOr<LabelSelector> ParseLabelSelector(absl::string_view text);

// `labels` is metadata.labels (an object of strings), or null when the object has none.
bool LabelsMatch(const LabelSelector& selector, const nlohmann::json& labels);
bool LabelsMatch(const LabelSelector& selector, const std::map<std::string, std::string>& labels);

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_LABEL_SELECTOR_H_
