#include "src/kube/label_selector.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/excerpt.h"

namespace limiar::kube {
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
  if (text.size() > kMaxLabelSelectorBytes) {
    return absl::InvalidArgumentError(absl::StrCat("label selector of ", text.size(),
                                                   " bytes, more than the ", kMaxLabelSelectorBytes,
                                                   " accepted: ", Excerpt(text, 80)));
  }
  LabelSelector selector;
  SelectorReader in(text);
  if (in.AtEnd()) return selector;
  while (true) {
    if (selector.size() == kMaxLabelRequirements) {
      return in.Error(absl::StrCat("more than ", kMaxLabelRequirements, " requirements"));
    }
    absl::StatusOr<LabelRequirement> r = ReadRequirement(in);
    if (!r.ok()) return r.status();
    selector.push_back(std::move(*r));
    if (in.AtEnd()) return selector;
    if (!in.Take(",")) return in.Error("expected ',' between requirements");
  }
}

namespace {

// `lookup(key)` is the label's value, or nullptr when the object has no such label.
template <typename Lookup>
bool Matches(const LabelSelector& selector, const Lookup& lookup) {
  for (const LabelRequirement& r : selector) {
    const std::string* value = lookup(r.key);
    const bool in_values =
        value != nullptr && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
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

}  // namespace

bool LabelsMatch(const LabelSelector& selector, const nlohmann::json& labels) {
  return Matches(selector, [&labels](const std::string& key) -> const std::string* {
    if (!labels.is_object()) return nullptr;
    auto it = labels.find(key);
    return it != labels.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  });
}

bool LabelsMatch(const LabelSelector& selector, const std::map<std::string, std::string>& labels) {
  return Matches(selector, [&labels](const std::string& key) -> const std::string* {
    auto it = labels.find(key);
    return it == labels.end() ? nullptr : &it->second;
  });
}

}  // namespace limiar::kube
