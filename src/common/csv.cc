#include "src/common/csv.h"

#include "absl/strings/str_join.h"

namespace limiar {

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  return absl::StrJoin(fields, ",", [](std::string* out, const std::string& field) {
    out->append(CsvField(field));
  });
}

std::optional<size_t> ReadCsvRecord(absl::string_view text, size_t pos,
                                    std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false;       // inside a quoted field
  bool after_quote = false;  // a quoted field has closed: only a comma or the end may follow
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c != '"') {
        fields.back().push_back(c);
      } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
        fields.back().push_back('"');
        ++pos;
      } else {
        quoted = false;
        after_quote = true;
      }
    } else if (c == ',') {
      fields.emplace_back();
      after_quote = false;
    } else if (c == '\n') {
      break;
    } else if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') {
      continue;  // CRLF ends the record at the LF
    } else if (after_quote) {
      return std::nullopt;
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return std::nullopt;
  return pos < text.size() ? pos + 1 : pos;
}

}  // namespace limiar
