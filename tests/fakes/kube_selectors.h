// Field selectors as the API server reads them from a list or watch query, for the fake
// API server (fake_kube_api.h) (apimachinery `pkg/fields/selector.go`); and the selector
// string that the scale subresource reports in status.selector. Label selectors are the
// product's own (src/kube/label_selector.h): the fake filters with the same code the
// Kubernetes source does, which tests/kube/label_selector_test.cc holds to apimachinery's
// semantics.
#ifndef LIMIAR_TESTS_FAKES_KUBE_SELECTORS_H_
#define LIMIAR_TESTS_FAKES_KUBE_SELECTORS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/kube/label_selector.h"

namespace limiar::testing {

using kube::LabelRequirement;
using kube::LabelSelector;
using kube::LabelsMatch;
using kube::ParseLabelSelector;

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
