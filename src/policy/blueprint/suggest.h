// "Did you mean ...?" for misspelt keys and values: a typo in a policy knob must fail loudly
// with the likely fix, never be ignored.
#ifndef LIMIAR_POLICY_BLUEPRINT_SUGGEST_H_
#define LIMIAR_POLICY_BLUEPRINT_SUGGEST_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace limiar::policy::blueprint {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so
// "limair" is one edit from "limiar"), ignoring ASCII case.
int EditDistance(absl::string_view a, absl::string_view b);

// Maps names users bring from other systems (HPA, KEDA, Knative, English) to ours. Matching
// ignores case, '_' and '-'.
using AliasMap = std::map<std::string, std::string>;

// The candidate `word` most plausibly meant: an alias first, then the nearest candidate
// within max(2, len/3) edits. nullopt when nothing is close.
std::optional<std::string> Suggest(absl::string_view word,
                                   const std::vector<std::string>& candidates,
                                   const AliasMap& aliases = {});

// Like Suggest, but only within `max_distance` edits; for objects Limiar does not own,
// where an unknown key is most likely someone else's and only a near miss is suspicious.
std::optional<std::string> SuggestNearMiss(absl::string_view word,
                                           const std::vector<std::string>& candidates,
                                           const AliasMap& aliases, int max_distance);

// "did you mean X?" or `otherwise` when there is no plausible candidate.
std::string DidYouMean(absl::string_view word, const std::vector<std::string>& candidates,
                       const AliasMap& aliases, absl::string_view otherwise);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_SUGGEST_H_
