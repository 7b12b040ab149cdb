#include "tests/fakes/kube_selectors.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "src/common/excerpt.h"

namespace limiar::testing {

absl::StatusOr<FieldSelector> ParseFieldSelector(absl::string_view text) {
  FieldSelector selector;
  if (absl::StripAsciiWhitespace(text).empty()) return selector;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    FieldRequirement r;
    size_t at = part.find("!=");
    size_t width = 2;
    r.equals = at == absl::string_view::npos;
    if (r.equals) {
      at = part.find("==");
      if (at == absl::string_view::npos) {
        at = part.find('=');
        width = 1;
      }
    }
    if (at == absl::string_view::npos || at == 0) {
      return absl::InvalidArgumentError(absl::StrCat("invalid selector: ", Excerpt(text, 80),
                                                     "; can't understand ", Excerpt(part, 80)));
    }
    r.field = std::string(absl::StripAsciiWhitespace(part.substr(0, at)));
    r.value = std::string(absl::StripAsciiWhitespace(part.substr(at + width)));
    selector.push_back(std::move(r));
  }
  return selector;
}

bool FieldsMatch(const FieldSelector& selector, const nlohmann::json& object) {
  for (const FieldRequirement& r : selector) {
    const nlohmann::json* at = &object;
    for (absl::string_view step : absl::StrSplit(r.field, '.')) {
      if (at == nullptr || !at->is_object()) {
        at = nullptr;
        break;
      }
      auto it = at->find(std::string(step));
      at = it == at->end() ? nullptr : &*it;
    }
    std::string value;
    if (at != nullptr && at->is_string()) {
      value = at->get<std::string>();
    } else if (at != nullptr && (at->is_boolean() || at->is_number())) {
      value = at->dump();
    }
    if ((value == r.value) != r.equals) return false;
  }
  return true;
}

absl::StatusOr<std::string> LabelSelectorString(const nlohmann::json& selector) {
  // (key, text) pairs, sorted by key as labels.Selector sorts its requirements.
  std::vector<std::pair<std::string, std::string>> parts;
  if (!selector.is_object()) return std::string();
  if (auto it = selector.find("matchLabels"); it != selector.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) return absl::InvalidArgumentError("matchLabels value not a string");
      parts.emplace_back(key, absl::StrCat(key, "=", value.get<std::string>()));
    }
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && it->is_array()) {
    for (const nlohmann::json& e : *it) {
      const std::string key = e.value("key", "");
      const std::string op = e.value("operator", "");
      std::vector<std::string> values;
      if (auto v = e.find("values"); v != e.end() && v->is_array()) {
        for (const nlohmann::json& value : *v) {
          if (value.is_string()) values.push_back(value.get<std::string>());
        }
      }
      std::sort(values.begin(), values.end());
      if (op == "In" || op == "NotIn") {
        parts.emplace_back(key, absl::StrCat(key, op == "In" ? " in (" : " notin (",
                                             absl::StrJoin(values, ","), ")"));
      } else if (op == "Exists") {
        parts.emplace_back(key, key);
      } else if (op == "DoesNotExist") {
        parts.emplace_back(key, "!" + key);
      } else {
        return absl::InvalidArgumentError(absl::StrCat("not a valid selector operator: ", op));
      }
    }
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> texts;
  texts.reserve(parts.size());
  for (auto& [key, text] : parts) texts.push_back(std::move(text));
  return absl::StrJoin(texts, ",");
}

}  // namespace limiar::testing
