#include "src/common/excerpt.h"

#include "absl/strings/str_cat.h"

namespace limiar {

std::string Excerpt(absl::string_view text, size_t max) {
  std::string out;
  for (unsigned char c : text.substr(0, max)) {
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > max) out.append("...");
  return out;
}

}  // namespace limiar
