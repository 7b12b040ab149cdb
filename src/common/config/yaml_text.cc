#include "src/common/config/yaml_text.h"

#include <yaml.h>

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "src/common/excerpt.h"

namespace limiar::config {
namespace {

// YAML 1.2 core schema, for a plain (unquoted) scalar.
nlohmann::json ResolvePlain(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  int64_t integer = 0;
  const bool digits_only =
      text.find_first_not_of("+-0123456789") == std::string::npos && text != "+" && text != "-";
  if (digits_only && absl::SimpleAtoi(text, &integer)) return integer;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
    uint64_t value = 0;
    const bool hex = text[1] == 'x';
    bool ok = true;
    for (size_t i = 2; i < text.size() && ok; ++i) {
      const char c = absl::ascii_tolower(static_cast<unsigned char>(text[i]));
      const int digit = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? c - '0'
                        : (hex && c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                                                                           : 99;
      ok = digit < (hex ? 16 : 8) && value <= (UINT64_MAX >> 4);
      value = value * (hex ? 16 : 8) + static_cast<uint64_t>(digit);
    }
    if (ok && value <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(value);
  }
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == ".inf" || lower == "+.inf" || lower == "-.inf" || lower == ".nan") {
    return text;  // JSON has no infinities or NaN: kept as the text they are
  }
  double number = 0;
  if (text.find_first_not_of("+-.0123456789eE") == std::string::npos &&
      text.find_first_of("0123456789") != std::string::npos && absl::SimpleAtod(text, &number) &&
      std::isfinite(number)) {
    return number;
  }
  return text;
}

// One open mapping or sequence, and for a mapping the key read and awaiting its value.
struct Open {
  nlohmann::json* value;
  std::string key;
  bool has_key = false;
};

class Folder {
 public:
  Folder(const JsonLimits& limits, Diagnostics& diag) : limits_(limits), diag_(diag) {}

  // Reports and returns false on anything JSON cannot hold.
  bool Fold(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_STREAM_END_EVENT:
      case YAML_DOCUMENT_END_EVENT:
        return true;
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1) return Fail(event, "more than one document; keep only one");
        return true;
      case YAML_ALIAS_EVENT:
        return Fail(event, "an alias (*name); write the value out instead");
      case YAML_SCALAR_EVENT: {
        const std::string text(reinterpret_cast<const char*>(event.data.scalar.value),
                               event.data.scalar.length);
        const bool plain =
            event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && event.data.scalar.plain_implicit;
        if (!stack_.empty() && stack_.back().value->is_object() && !stack_.back().has_key) {
          if (stack_.back().value->contains(text)) {
            return Fail(event, absl::StrCat("duplicate key \"", Excerpt(text, 60), "\""));
          }
          stack_.back().key = text;
          stack_.back().has_key = true;
          return true;
        }
        return Place(event, plain ? ResolvePlain(text) : nlohmann::json(text)) != nullptr;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (!stack_.empty() && stack_.back().value->is_object() && !stack_.back().has_key) {
          return Fail(event, "a key that is a list or a map; keys must be plain text");
        }
        if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
          return Fail(event, absl::StrCat("nested more than ", limits_.max_depth,
                                          " levels deep; flatten it"));
        }
        nlohmann::json* placed =
            Place(event, event.type == YAML_MAPPING_START_EVENT ? nlohmann::json::object()
                                                                : nlohmann::json::array());
        if (placed == nullptr) return false;
        stack_.push_back({placed});
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        stack_.pop_back();
        return true;
      default:
        return true;
    }
  }

  nlohmann::json& root() { return root_; }

 private:
  // Puts `value` where the document stands: the root, the next list element or the value
  // of the pending key. Returns where it went.
  nlohmann::json* Place(const yaml_event_t& event, nlohmann::json value) {
    if (stack_.empty()) {
      if (placed_root_) {
        Fail(event, "a second value at the top level");
        return nullptr;
      }
      placed_root_ = true;
      root_ = std::move(value);
      return &root_;
    }
    Open& top = stack_.back();
    if (top.value->is_array()) {
      top.value->push_back(std::move(value));
      return &top.value->back();
    }
    top.has_key = false;
    nlohmann::json& slot = (*top.value)[top.key];
    slot = std::move(value);
    return &slot;
  }

  bool Fail(const yaml_event_t& event, absl::string_view what) {
    diag_.RawError(absl::StrCat(diag_.source(), ":", event.start_mark.line + 1, ":",
                                event.start_mark.column + 1, ": ", what));
    return false;
  }

  const JsonLimits& limits_;
  Diagnostics& diag_;
  nlohmann::json root_;
  bool placed_root_ = false;
  int documents_ = 0;
  std::vector<Open> stack_;
};

}  // namespace

std::optional<nlohmann::json> ParseYaml(absl::string_view text, const JsonLimits& limits,
                                        Diagnostics& diag) {
  if (text.size() > limits.max_bytes) {
    diag.RawError(absl::StrCat(diag.source(), ": ", text.size(), " bytes, over the limit of ",
                               limits.max_bytes, " bytes"));
    return std::nullopt;
  }
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) {
    diag.RawError(absl::StrCat(diag.source(), ": cannot start the YAML parser (out of memory)"));
    return std::nullopt;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  Folder folder(limits, diag);
  bool ok = true;
  for (bool done = false; ok && !done;) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      diag.RawError(absl::StrCat(
          diag.source(), ":", parser.problem_mark.line + 1, ":", parser.problem_mark.column + 1,
          ": ", parser.problem != nullptr ? parser.problem : "not YAML",
          parser.context != nullptr ? absl::StrCat(" (", parser.context, ")") : std::string()));
      ok = false;
      break;
    }
    ok = folder.Fold(event);
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (!ok) return std::nullopt;
  return std::move(folder.root());
}

}  // namespace limiar::config
