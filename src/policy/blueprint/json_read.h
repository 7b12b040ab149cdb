// Typed reads of blueprint values. Each reader reports a type or range problem to
// Diagnostics with the JSON path and returns nullopt, so callers go on checking the rest.
#ifndef LIMIAR_POLICY_BLUEPRINT_JSON_READ_H_
#define LIMIAR_POLICY_BLUEPRINT_JSON_READ_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/policy/blueprint/diagnostics.h"
#include "src/policy/blueprint/suggest.h"

namespace limiar::policy::blueprint {

// JSON paths as users read them: `recursos[8].config.limiar` (the root is "").
std::string Child(absl::string_view path, absl::string_view key);
std::string Index(absl::string_view path, size_t i);

// A value as an error message shows it: `the string "5m"`, `-3`, `an object`.
std::string Describe(const nlohmann::json& v);

std::optional<std::string> ReadString(const nlohmann::json& v, const std::string& path,
                                      Diagnostics& diag);
std::optional<double> ReadNumber(const nlohmann::json& v, const std::string& path,
                                 Diagnostics& diag);
// A whole number within [min, max]; 2.0 counts as 2, 2.5 is an error.
std::optional<int32_t> ReadInteger(const nlohmann::json& v, const std::string& path,
                                   Diagnostics& diag, int64_t min, int64_t max);
// A non-negative number of seconds, at most `max_s`. A string such as "5m" is an error that
// says which number to write instead.
std::optional<double> ReadSeconds(const nlohmann::json& v, const std::string& path,
                                  Diagnostics& diag, double max_s);
// One of `allowed` (exact spelling); otherwise an error with a suggestion.
std::optional<std::string> ReadEnum(const nlohmann::json& v, const std::string& path,
                                    Diagnostics& diag, const std::vector<std::string>& allowed,
                                    const AliasMap& aliases);
// An object, or an error naming what it should hold.
const nlohmann::json* ReadObject(const nlohmann::json& v, const std::string& path,
                                 Diagnostics& diag, absl::string_view what_it_holds);

// Reports every key of `object` not in `known` as an error with a suggestion. Returns the
// keys suggested, so that a caller does not also report them as missing.
std::set<std::string> RejectUnknownKeys(const nlohmann::json& object, const std::string& path,
                                        const std::vector<std::string>& known,
                                        const AliasMap& aliases, Diagnostics& diag);

// Formats a number as written in a blueprint: 2 rather than 2.000000, 0.1 rather than
// 0.10000000000000001.
std::string FormatNumber(double v);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_JSON_READ_H_
