// The one spelling of the policy vocabulary's enums, in both directions, each from a single
// table so that printing and parsing cannot drift apart: the blueprint, the serve config,
// the state file, the CLI, decision logs and the admin API all spell modes, algorithms and
// metrics through here. MetricTypeName, AlgorithmName and ModeName are declared beside
// their enums in policy_config.h and defined in names.cc from the same tables.
//
// Parsing takes the exact spelling; a reader that wants to suggest the nearest one for a
// typo passes the *Names() lists to config::DidYouMean.
#ifndef LIMIAR_POLICY_NAMES_H_
#define LIMIAR_POLICY_NAMES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/policy/policy_config.h"

namespace limiar::policy {

// Every spelling, in enum order: {"cpu", "requests", "connections"}, {"hpa", "kpa"},
// {"enforce", "dry-run", "paused"}.
const std::vector<std::string>& MetricTypeNames();
const std::vector<std::string>& AlgorithmNames();
const std::vector<std::string>& ModeNames();

// nullopt when `name` is not exactly one of the spellings above.
std::optional<MetricType> MetricTypeFromName(absl::string_view name);
std::optional<Algorithm> AlgorithmFromName(absl::string_view name);
std::optional<Mode> ModeFromName(absl::string_view name);

// The unit a metric's per-replica capacity and values are in: "cores", "requests/s",
// "connections".
const char* MetricUnit(MetricType m);

// "a, b or c": the allowed values, for an error about an unknown one.
std::string Alternatives(const std::vector<std::string>& names);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_NAMES_H_
