// YAML text -> nlohmann::json, for files that other tools write in YAML (a kubeconfig, as
// kubectl writes it). libyaml's event parser, folded into JSON with an explicit stack: no
// recursion, a depth and a size limit, as for every parser here. Plain scalars resolve as
// YAML 1.2's core schema does (null, true/false, integers, floats, else strings); quoted
// ones stay strings. What JSON cannot say is refused with its line and column: aliases
// (also the "billion laughs" expansion), keys that are not scalars, duplicate keys, more
// than one document.
#ifndef LIMIAR_COMMON_CONFIG_YAML_TEXT_H_
#define LIMIAR_COMMON_CONFIG_YAML_TEXT_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "src/common/bounded_json.h"
#include "src/common/config/diagnostics.h"

namespace limiar::config {

// nullopt after reporting the first problem to `diag` as `SOURCE:LINE:COLUMN: what`.
// JSON text is YAML too and reads the same.
std::optional<nlohmann::json> ParseYaml(absl::string_view text, const JsonLimits& limits,
                                        Diagnostics& diag);

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_YAML_TEXT_H_
