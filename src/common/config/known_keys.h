// Unknown keys are errors in every config Limiar reads (a typo must not silently fall back
// to a default), and each one says what was most likely meant: the nearest known key, a
// name from another system mapped to ours, or the list of keys.
#ifndef LIMIAR_COMMON_CONFIG_KNOWN_KEYS_H_
#define LIMIAR_COMMON_CONFIG_KNOWN_KEYS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/common/config/diagnostics.h"
#include "src/common/config/did_you_mean.h"

namespace limiar::config {

// The keys one object may hold, and how to answer a key it may not. Readers keep one per
// kind of object, built once.
struct KnownKeys {
  std::vector<std::string> keys;
  // Names from other systems, to one of `keys` (an alias to another object's key is
  // ignored here).
  AliasMap aliases;
  // Said after "did you mean KEY?" when the key was found through this alias, e.g.
  // {"timeout", " (in seconds)"}.
  std::map<std::string, std::string> alias_notes;
  // Names that are no key of this object, with what to say instead, e.g. {"threshold",
  // "not a source key: ..."}; matched like aliases.
  std::map<std::string, std::string> not_keys;
  // What to do when nothing is near; empty: "known keys: a, b, c".
  std::string otherwise;
};

// What to do about `key`, which is not in `known.keys`: "did you mean KEY?" (and the
// alias's note), what `not_keys` says of it, or `otherwise`. `*suggested` is set to the key
// suggested, if any.
std::string UnknownKeyHint(absl::string_view key, const KnownKeys& known,
                           std::string* suggested = nullptr);

// Reports every key of `object` not in `known.keys` as `PATH.key: unknown key; HINT`, in
// the object's (sorted) order. Returns the keys suggested, so that a caller does not also
// report them as missing.
std::set<std::string> RejectUnknownKeys(const nlohmann::json& object, const std::string& path,
                                        const KnownKeys& known, Diagnostics& diag);

// For objects another system owns (a Tesserra blueprint, a resource), whose unknown keys
// are most likely that system's own: reports only a key within `max_distance` edits of one
// Limiar reads (or an alias of one). Returns the keys suggested.
std::set<std::string> RejectNearMisses(const nlohmann::json& object, const std::string& path,
                                       const KnownKeys& known, int max_distance, Diagnostics& diag);

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_KNOWN_KEYS_H_
