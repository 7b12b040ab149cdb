#include "src/common/config/known_keys.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/config/json_path.h"

namespace limiar::config {
namespace {

bool IsKnown(const std::string& key, const KnownKeys& known) {
  return std::find(known.keys.begin(), known.keys.end(), key) != known.keys.end();
}

// The entry of `names` (aliases, notes) that `key` spells, ignoring case, '_' and '-'.
const std::string* Lookup(const std::map<std::string, std::string>& names, absl::string_view key) {
  const std::string normalized = NormalizeName(key);
  for (const auto& [name, value] : names) {
    if (NormalizeName(name) == normalized) return &value;
  }
  return nullptr;
}

std::string Hint(absl::string_view key, const KnownKeys& known,
                 const std::optional<std::string>& guess) {
  if (const std::string* instead = Lookup(known.not_keys, key)) return *instead;
  if (guess) {
    const std::string* alias_target = Lookup(known.aliases, key);
    const std::string* note = alias_target != nullptr && *alias_target == *guess
                                  ? Lookup(known.alias_notes, key)
                                  : nullptr;
    return absl::StrCat("did you mean ", *guess, "?", note != nullptr ? *note : "");
  }
  if (!known.otherwise.empty()) return known.otherwise;
  return absl::StrCat("known keys: ", absl::StrJoin(known.keys, ", "));
}

}  // namespace

std::string UnknownKeyHint(absl::string_view key, const KnownKeys& known, std::string* suggested) {
  std::optional<std::string> guess;
  if (Lookup(known.not_keys, key) == nullptr) guess = Suggest(key, known.keys, known.aliases);
  if (guess && suggested != nullptr) *suggested = *guess;
  return Hint(key, known, guess);
}

std::set<std::string> RejectUnknownKeys(const nlohmann::json& object, const std::string& path,
                                        const KnownKeys& known, Diagnostics& diag) {
  std::set<std::string> suggested;
  for (const auto& [key, unused] : object.items()) {
    if (IsKnown(key, known)) continue;
    std::string guess;
    const std::string hint = UnknownKeyHint(key, known, &guess);
    diag.Error(Child(path, key), "unknown key", hint);
    if (!guess.empty()) suggested.insert(guess);
  }
  return suggested;
}

std::set<std::string> RejectNearMisses(const nlohmann::json& object, const std::string& path,
                                       const KnownKeys& known, int max_distance,
                                       Diagnostics& diag) {
  std::set<std::string> suggested;
  for (const auto& [key, unused] : object.items()) {
    if (IsKnown(key, known)) continue;
    if (std::optional<std::string> guess =
            SuggestNearMiss(key, known.keys, known.aliases, max_distance)) {
      diag.Error(Child(path, key), "unknown key", Hint(key, known, guess));
      suggested.insert(*guess);
    }
  }
  return suggested;
}

}  // namespace limiar::config
