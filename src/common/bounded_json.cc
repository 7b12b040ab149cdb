#include "src/common/bounded_json.h"

#include "absl/strings/str_cat.h"
#include "src/common/excerpt.h"

namespace limiar {

absl::Status CheckJsonLimits(absl::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(text.size(), " bytes, over the limit of ", limits.max_bytes, " bytes"));
  }
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        return absl::InvalidArgumentError(
            absl::StrCat("nested more than ", limits.max_depth, " levels deep at byte ", i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;  // unbalanced closers are the parser's to report
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> ParseBoundedJson(absl::string_view text, const JsonLimits& limits,
                                                absl::string_view what) {
  if (absl::Status s = CheckJsonLimits(text, limits); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", s.message()));
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's message quotes the token it choked on, which may be the whole text.
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not valid JSON (", Excerpt(e.what(), 160), ")"));
  }
}

std::string DescribeJsonValue(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return absl::StrCat("a string \"", Excerpt(value.get_ref<const std::string&>(), 40), "\"");
    case nlohmann::json::value_t::array:
      return absl::StrCat("an array of ", value.size(),
                          value.size() == 1 ? " element" : " elements");
    case nlohmann::json::value_t::object:
      return absl::StrCat("an object of ", value.size(), value.size() == 1 ? " key" : " keys");
    case nlohmann::json::value_t::binary:
      return "binary data";
    case nlohmann::json::value_t::discarded:
      return "nothing";
    default:
      return value.dump();  // a number, a boolean or null: short, and one level deep
  }
}

}  // namespace limiar
