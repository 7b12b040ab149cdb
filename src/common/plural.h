// A count and its noun, agreeing: "1 point", "3 points", "1 policy", "2 policies". Every
// user-facing count goes through it, so that no output reads "1 threads".
#ifndef LIMIAR_COMMON_PLURAL_H_
#define LIMIAR_COMMON_PLURAL_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace limiar {

// `plural` defaults to `singular` + "s".
inline std::string Counted(int64_t n, absl::string_view singular, absl::string_view plural = {}) {
  if (n == 1) return absl::StrCat(n, " ", singular);
  if (plural.empty()) return absl::StrCat(n, " ", singular, "s");
  return absl::StrCat(n, " ", plural);
}

}  // namespace limiar

#endif  // LIMIAR_COMMON_PLURAL_H_
