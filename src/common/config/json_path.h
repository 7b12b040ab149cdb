// JSON paths as users read them in error messages: `recursos[8].config.limiar`. The root is
// "", so that its children read `recursos`, not `.recursos`.
#ifndef LIMIAR_COMMON_CONFIG_JSON_PATH_H_
#define LIMIAR_COMMON_CONFIG_JSON_PATH_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace limiar::config {

// `path.key`, or `key` at the root.
std::string Child(absl::string_view path, absl::string_view key);
// `path[i]`.
std::string Index(absl::string_view path, size_t i);

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_JSON_PATH_H_
