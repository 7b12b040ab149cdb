// Typed reads of config values in the words of blueprints and scenarios: each reader reports
// a type or range problem to Diagnostics as `PATH: what is wrong; what to do` and returns
// nullopt, so callers go on checking the rest. (The service's own config files word their
// problems differently; see field_reader.h.)
#ifndef LIMIAR_COMMON_CONFIG_JSON_READ_H_
#define LIMIAR_COMMON_CONFIG_JSON_READ_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/config/diagnostics.h"
#include "src/common/config/did_you_mean.h"
#include "src/common/config/json_path.h"

namespace limiar::config {

// A value as an error message shows it: `the string "5m"`, `-3`, `an object`.
std::string Describe(const nlohmann::json& v);

// Formats a number as written in a config: 2 rather than 2.000000, 0.1 rather than
// 0.10000000000000001.
std::string FormatNumber(double v);

// "write 30 without quotes" for a string that holds what `want` is of (a finite number;
// true or false); nullopt otherwise. KEDA's metadata values are all strings: users bring
// them along.
enum class JsonKind { kNumber, kBoolean };
std::optional<std::string> UnquoteHint(const nlohmann::json& v, JsonKind want);

std::optional<std::string> ReadString(const nlohmann::json& v, const std::string& path,
                                      Diagnostics& diag);
std::optional<double> ReadNumber(const nlohmann::json& v, const std::string& path,
                                 Diagnostics& diag);
// true or false; `todo` says what each means when that helps.
std::optional<bool> ReadBool(const nlohmann::json& v, const std::string& path, Diagnostics& diag,
                             absl::string_view todo = "write true or false, without quotes");

// A number within a range whose ends are open or closed (`hi` may be infinite).
struct NumberRange {
  double lo = 0;
  bool lo_closed = true;
  double hi = 0;
  bool hi_closed = true;
};
// A number in `range`; outside it, `N is out of range [lo, hi)` and `todo`.
std::optional<double> ReadNumberIn(const nlohmann::json& v, const std::string& path,
                                   Diagnostics& diag, const NumberRange& range,
                                   absl::string_view todo);
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
// A list, or an error with `todo` (e.g. "write a list: [...]").
const nlohmann::json* ReadList(const nlohmann::json& v, const std::string& path, Diagnostics& diag,
                               absl::string_view todo);

// RFC 3339 with a zone ("2026-11-27T08:00:00Z", "...T05:00:00-03:00"), seconds optional
// ("...T08:00Z"): people often leave them out.
std::optional<absl::Time> ParseZonedTime(const std::string& s);

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_JSON_READ_H_
