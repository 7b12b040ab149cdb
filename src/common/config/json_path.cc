#include "src/common/config/json_path.h"

#include "absl/strings/str_cat.h"

namespace limiar::config {

std::string Child(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string Index(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

}  // namespace limiar::config
