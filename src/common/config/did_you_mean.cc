#include "src/common/config/did_you_mean.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace limiar::config {

std::string NormalizeName(absl::string_view name) {
  std::string out;
  for (char c : name) {
    if (c != '_' && c != '-') out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

int EditDistance(absl::string_view a_in, absl::string_view b_in) {
  const std::string a = absl::AsciiStrToLower(a_in);
  const std::string b = absl::AsciiStrToLower(b_in);
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::optional<std::string> SuggestNearMiss(absl::string_view word,
                                           const std::vector<std::string>& candidates,
                                           const AliasMap& aliases, int max_distance) {
  const auto is_candidate = [&candidates](const std::string& c) {
    return std::find(candidates.begin(), candidates.end(), c) != candidates.end();
  };
  const std::string normalized = NormalizeName(word);
  // The same name in another convention (serverAddress for server_address) is no typo to
  // measure: it can be long enough to be many edits away.
  for (const std::string& c : candidates) {
    if (NormalizeName(c) == normalized) return c;
  }
  // An alias leading elsewhere (a key of another object) is no suggestion here.
  for (const auto& [alias, ours] : aliases) {
    if (NormalizeName(alias) == normalized && is_candidate(ours)) return ours;
  }
  std::optional<std::string> best;
  int best_distance = std::numeric_limits<int>::max();
  for (const std::string& c : candidates) {
    // The distance is at least the difference in length: a key as long as the file is no
    // near miss of any, and its distance would cost its length times the candidate's.
    const size_t shorter = std::min(word.size(), c.size());
    if (std::max(word.size(), c.size()) - shorter > static_cast<size_t>(max_distance)) continue;
    const int dist = EditDistance(word, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  if (!best || best_distance > max_distance) return std::nullopt;
  return best;
}

std::optional<std::string> Suggest(absl::string_view word,
                                   const std::vector<std::string>& candidates,
                                   const AliasMap& aliases) {
  const int max_distance = std::max<int>(2, static_cast<int>(word.size()) / 3);
  return SuggestNearMiss(word, candidates, aliases, max_distance);
}

std::string DidYouMean(absl::string_view word, const std::vector<std::string>& candidates,
                       const AliasMap& aliases, absl::string_view otherwise) {
  if (auto s = Suggest(word, candidates, aliases)) return absl::StrCat("did you mean ", *s, "?");
  return std::string(otherwise);
}

}  // namespace limiar::config
