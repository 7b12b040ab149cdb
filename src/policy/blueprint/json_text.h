// JSON text -> nlohmann::json for blueprints: syntax errors become `SOURCE:LINE:COLUMN: ...`
// (nlohmann reports a byte offset), and duplicate keys, which JSON parsers silently collapse
// to the last one, are reported by JSON path.
#ifndef LIMIAR_POLICY_BLUEPRINT_JSON_TEXT_H_
#define LIMIAR_POLICY_BLUEPRINT_JSON_TEXT_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "absl/strings/string_view.h"
#include "src/policy/blueprint/diagnostics.h"

namespace limiar::policy::blueprint {

// 1-based line and column (in bytes) of the 1-based byte offset `byte` in `text`.
std::pair<int, int> LineColumn(absl::string_view text, size_t byte);

// nullopt on a syntax error (reported to `diag`); duplicate keys are reported but do not
// stop parsing, so the rest of the blueprint is still checked.
std::optional<nlohmann::json> ParseJson(absl::string_view text, Diagnostics& diag);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_JSON_TEXT_H_
