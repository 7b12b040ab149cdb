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
namespace {

using Op = LabelRequirement::Op;

// Label names may carry a DNS prefix ("app.kubernetes.io/name"); values may be empty.
bool IsValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}
bool IsKeyChar(char c) { return IsValueChar(c) || c == '/'; }

class SelectorReader {
 public:
  explicit SelectorReader(absl::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpaces();
    return pos_ >= text_.size();
  }
  bool Peek(char c) {
    SkipSpaces();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool Take(absl::string_view token) {
    SkipSpaces();
    if (!absl::StartsWith(text_.substr(pos_), token)) return false;
    pos_ += token.size();
    return true;
  }
  std::string Read(bool (*allowed)(char)) {
    SkipSpaces();
    const size_t start = pos_;
    while (pos_ < text_.size() && allowed(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(
        "unable to parse requirement: ", what, " at offset ", pos_, " of ", Excerpt(text_, 80)));
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<std::vector<std::string>> ReadValueSet(SelectorReader& in) {
  if (!in.Take("(")) return in.Error("expected '(' after in/notin");
  std::vector<std::string> values;
  do {
    values.push_back(in.Read(IsValueChar));
  } while (in.Take(","));
  if (!in.Take(")")) return in.Error("expected ')' closing the value set");
  return values;
}

absl::StatusOr<LabelRequirement> ReadRequirement(SelectorReader& in) {
  LabelRequirement r;
  const bool negated = in.Take("!");
  r.key = in.Read(IsKeyChar);
  if (r.key.empty()) return in.Error("expected a label key");
  if (negated) {
    r.op = Op::kDoesNotExist;
    return r;
  }
  if (in.AtEnd() || in.Peek(',')) {
    r.op = Op::kExists;
    return r;
  }
  if (in.Take("==") || in.Take("=")) {
    r.op = Op::kEquals;
    r.values = {in.Read(IsValueChar)};
  } else if (in.Take("!=")) {
    r.op = Op::kNotEquals;
    r.values = {in.Read(IsValueChar)};
  } else if (in.Take("notin")) {
    r.op = Op::kNotIn;
  } else if (in.Take("in")) {
    r.op = Op::kIn;
  } else {
    return in.Error("expected an operator (=, ==, !=, in, notin)");
  }
  if (r.op == Op::kIn || r.op == Op::kNotIn) {
    absl::StatusOr<std::vector<std::string>> values = ReadValueSet(in);
    if (!values.ok()) return values.status();
    r.values = std::move(*values);
  }
  return r;
}

}  // namespace

absl::StatusOr<LabelSelector> ParseLabelSelector(absl::string_view text) {
  LabelSelector selector;
  SelectorReader in(text);
  if (in.AtEnd()) return selector;
  while (true) {
    absl::StatusOr<LabelRequirement> r = ReadRequirement(in);
    if (!r.ok()) return r.status();
    selector.push_back(std::move(*r));
    if (in.AtEnd()) return selector;
    if (!in.Take(",")) return in.Error("expected ',' between requirements");
  }
}

bool LabelsMatch(const LabelSelector& selector, const nlohmann::json& labels) {
  for (const LabelRequirement& r : selector) {
    const nlohmann::json* value = nullptr;
    if (labels.is_object()) {
      auto it = labels.find(r.key);
      if (it != labels.end() && it->is_string()) value = &*it;
    }
    const bool in_values =
        value != nullptr &&
        std::find(r.values.begin(), r.values.end(), value->get<std::string>()) != r.values.end();
    bool ok = false;
    switch (r.op) {
      case Op::kEquals:
      case Op::kIn:
        ok = in_values;
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        ok = !in_values;
        break;
      case Op::kExists:
        ok = value != nullptr;
        break;
      case Op::kDoesNotExist:
        ok = value == nullptr;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

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
