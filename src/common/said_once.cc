#include "src/common/said_once.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace limiar {

std::string ErrorWithDigitsAlike(const absl::Status& status) {
  std::string kind = absl::StrCat(absl::StatusCodeToString(status.code()), ":");
  bool in_digits = false;
  for (const char c : status.message()) {
    const bool digit = absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (!digit) kind.push_back(c);
    if (digit && !in_digits) kind.push_back('#');
    in_digits = digit;
  }
  return kind;
}

}  // namespace limiar
