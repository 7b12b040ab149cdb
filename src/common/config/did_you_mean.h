// "Did you mean ...?" for misspelt keys and values: a typo in a config must fail loudly with
// the likely fix, never be ignored. The one edit distance of the code base: every config
// reader (blueprints, scenarios and traffic, the serve config, actuators, metric sources)
// suggests through it.
#ifndef LIMIAR_COMMON_CONFIG_DID_YOU_MEAN_H_
#define LIMIAR_COMMON_CONFIG_DID_YOU_MEAN_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace limiar::config {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so
// "limair" is one edit from "limiar"), ignoring ASCII case.
//
//   d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (a[i] != b[j]),
//                 d[i-2][j-2] + 1 when a[i-1..i] is b[j-1..j] swapped)
//
// O(|a| |b|) time and memory.
int EditDistance(absl::string_view a, absl::string_view b);

// Lowercase without '_' and '-', so that maxScaleUpRate, max_scale_up_rate and
// max-scale-up-rate are one name.
std::string NormalizeName(absl::string_view name);

// Maps names users bring from other systems (HPA, KEDA, Knative, Prometheus, English) to
// ours. Matching ignores case, '_' and '-'.
using AliasMap = std::map<std::string, std::string>;

// The candidate `word` most plausibly meant: one that differs only in case, '_' and '-',
// then an alias that leads to a candidate, then the nearest candidate within max(2,
// len/3) edits. nullopt when nothing is close.
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

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_DID_YOU_MEAN_H_
