// Kubernetes label and field selectors as the API server reads them from a list or watch
// query, for the fake API server (fake_kube_api.h); and the selector string that the scale
// subresource reports in status.selector. Grammar and semantics follow apimachinery
// `pkg/labels/selector.go` (Parse, Requirement.Matches, Requirement.String) and
// `pkg/fields/selector.go`:
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
// Parsing is one pass over the text, with no recursion; the caller bounds its length.
#ifndef LIMIAR_TESTS_FAKES_KUBE_SELECTORS_H_
#define LIMIAR_TESTS_FAKES_KUBE_SELECTORS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar::testing {

struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;  // one for (Not)Equals; one or more for (Not)In
};
using LabelSelector = std::vector<LabelRequirement>;

// InvalidArgument naming the requirement that does not parse.
absl::StatusOr<LabelSelector> ParseLabelSelector(absl::string_view text);
// `labels` is metadata.labels (an object of strings), or null when the object has none.
bool LabelsMatch(const LabelSelector& selector, const nlohmann::json& labels);

// A field selector: only equality and inequality exist for fields.
struct FieldRequirement {
  std::string field;  // a dotted path such as "metadata.name"
  bool equals = true;
  std::string value;
};
using FieldSelector = std::vector<FieldRequirement>;

absl::StatusOr<FieldSelector> ParseFieldSelector(absl::string_view text);
// A field that the object lacks reads as "" (as the server's field sets do).
bool FieldsMatch(const FieldSelector& selector, const nlohmann::json& object);

// The string form of a metav1.LabelSelector (`{"matchLabels":{...},"matchExpressions":[...]}`)
// as LabelSelectorAsSelector(...).String() writes it: requirements sorted by key, values of
// (not)in sorted, e.g. "app=web,tier in (a,b)". InvalidArgument for an operator it does not
// know.
absl::StatusOr<std::string> LabelSelectorString(const nlohmann::json& selector);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_FAKES_KUBE_SELECTORS_H_
