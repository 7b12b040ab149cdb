// JSON text -> nlohmann::json for blueprints and scenarios: size and nesting depth checked
// before parsing (src/common/bounded_json.h), syntax errors as `SOURCE:LINE:COLUMN: ...`
// (LocateJsonSyntaxError), and duplicate keys, which JSON parsers silently collapse
// to the last one, reported by JSON path.
#ifndef LIMIAR_COMMON_CONFIG_JSON_TEXT_H_
#define LIMIAR_COMMON_CONFIG_JSON_TEXT_H_

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/string_view.h"
#include "src/common/bounded_json.h"
#include "src/common/config/diagnostics.h"

namespace limiar::config {

// What a text may be, and what to do when it is nested too deep (e.g. "flatten it: a
// blueprint's values nest 6 levels deep at most").
struct JsonTextLimits {
  JsonLimits limits;
  absl::string_view too_deep_todo;
};

// nullopt on a text over the limits (the error names the JSON path where the nesting goes
// past the limit) or a syntax error, reported to `diag`; duplicate keys are reported but do
// not stop parsing, so the rest of the text is still checked.
std::optional<nlohmann::json> ParseJson(absl::string_view text, const JsonTextLimits& limits,
                                        Diagnostics& diag);

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_JSON_TEXT_H_
