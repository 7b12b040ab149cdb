#include "src/common/bounded_json.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/excerpt.h"

namespace limiar {
namespace {

// Bytes of a bare token: the literals true, false and null, and numbers.
bool IsBareByte(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// The 0-based offset of the first byte of the token nlohmann stopped in. `stop` is the
// offset of the last byte it read (text.size() at the end of the input).
size_t TokenStart(absl::string_view text, size_t stop, absl::string_view message) {
  // Inside a string or a number the byte read last is the one that is wrong.
  if (absl::StrContains(message, "invalid string") ||
      absl::StrContains(message, "invalid number")) {
    return stop;
  }
  size_t last = stop;
  if (absl::StrContains(message, "invalid literal")) {
    // Read up to the byte that broke the literal (`tru}`), or to the end (`nul`).
    if ((stop == text.size() || !IsBareByte(text[stop])) && stop > 0) last = stop - 1;
  }
  if (last >= text.size()) return stop;
  if (IsBareByte(text[last])) {
    while (last > 0 && IsBareByte(text[last - 1])) --last;
    return last;
  }
  if (text[last] == '"' && absl::StrContains(message, "string literal")) {
    // A whole string that should not be there: from its opening quote, the previous quote
    // not escaped by an odd run of backslashes.
    for (size_t k = last; k-- > 0;) {
      size_t backslashes = 0;
      while (k >= backslashes + 1 && text[k - backslashes - 1] == '\\') ++backslashes;
      if (text[k] == '"' && backslashes % 2 == 0) return k;
    }
  }
  return last;
}

}  // namespace

std::string JsonErrorText(const nlohmann::json::exception& e) {
  const absl::string_view what = e.what();
  const size_t column = what.find("column ");
  if (column != absl::string_view::npos) {
    const size_t colon = what.find(": ", column);
    if (colon != absl::string_view::npos) return std::string(what.substr(colon + 2));
  }
  const size_t bracket = what.find("] ");
  return std::string(bracket == absl::string_view::npos ? what : what.substr(bracket + 2));
}

JsonSyntaxError LocateJsonSyntaxError(absl::string_view text,
                                      const nlohmann::json::parse_error& e) {
  JsonSyntaxError out;
  out.message = JsonErrorText(e);
  // e.byte is 1-based: the count of bytes read, the end of the input counting as one.
  const size_t stop = std::min(text.size(), e.byte > 0 ? e.byte - 1 : 0);
  const size_t at = TokenStart(text, stop, out.message);
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++out.line;
      out.column = 1;
    } else {
      ++out.column;
    }
  }
  return out;
}

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
  } catch (const nlohmann::json::parse_error& e) {
    const JsonSyntaxError at = LocateJsonSyntaxError(text, e);
    // nlohmann's message quotes the token it choked on, which may be the whole text.
    return absl::InvalidArgumentError(absl::StrCat(what, ": not valid JSON at line ", at.line,
                                                   ", column ", at.column, ": ",
                                                   Excerpt(at.message, 160)));
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
