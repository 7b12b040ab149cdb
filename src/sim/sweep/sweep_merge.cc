#include "src/sim/sweep/sweep_merge.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/plural.h"

namespace limiar::sim {
namespace {

// "3, 7, 11 and 5 more".
std::string ListPoints(const std::vector<int64_t>& points) {
  constexpr size_t kShown = 10;
  std::vector<int64_t> shown(points.begin(), points.begin() + std::min(points.size(), kShown));
  std::string s = absl::StrJoin(shown, ", ");
  if (points.size() > kShown) absl::StrAppend(&s, " and ", points.size() - kShown, " more");
  return s;
}

}  // namespace

absl::StatusOr<SweepTable> MergeSweepTables(
    const std::vector<std::pair<std::string, SweepTable>>& shards) {
  if (shards.empty()) {
    return absl::InvalidArgumentError("no sweep CSVs to merge; give the shards' files");
  }
  const std::string& first_name = shards.front().first;
  const SweepHeader& ref = shards.front().second.header;
  for (const auto& shard : shards) {
    const std::string& name = shard.first;
    const SweepHeader& h = shard.second.header;
    auto differ = [&](absl::string_view what, absl::string_view mine, absl::string_view theirs,
                      absl::string_view fix) {
      return absl::FailedPreconditionError(absl::StrCat(name, ": its ", what, " (", mine,
                                                        ") differs from ", first_name, "'s (",
                                                        theirs, "); ", fix));
    };
    const char* kOneSweep = "merge only the shards of one sweep";
    if (h.scenario != ref.scenario) return differ("scenario", h.scenario, ref.scenario, kOneSweep);
    if (h.fingerprint != ref.fingerprint) {
      return differ("scenario fingerprint", h.fingerprint, ref.fingerprint,
                    "the scenario, its blueprint or its traffic changed between shards; rerun "
                    "them from the same inputs");
    }
    if (h.slo != ref.slo) return differ("SLO", h.slo, ref.slo, kOneSweep);
    if (h.policy != ref.policy) return differ("--policy", h.policy, ref.policy, kOneSweep);
    if (h.range != ref.range) return differ("range", h.range, ref.range, kOneSweep);
    if (h.grid != ref.grid) {
      return differ("grid", absl::StrJoin(h.grid, " "), absl::StrJoin(ref.grid, " "), kOneSweep);
    }
  }
  // Which file holds each point, and how many rows (targets) a point has.
  std::vector<int> owner(ref.points, -1);
  std::optional<size_t> rows_per_point;
  SweepTable merged;
  merged.header = ref;
  merged.header.shard = Shard{};
  for (size_t f = 0; f < shards.size(); ++f) {
    const std::string& name = shards[f].first;
    const SweepTable& t = shards[f].second;
    std::map<int64_t, size_t> rows_of;
    for (const SweepRow& r : t.rows) rows_of[r.point]++;
    for (const auto& [point, count] : rows_of) {
      if (owner[point] >= 0) {
        const std::string& other = shards[owner[point]].first;
        const SweepTable& other_table = shards[owner[point]].second;
        return absl::FailedPreconditionError(absl::StrCat(
            "point ", point, " is in both ", other, " (shard ", other_table.header.shard.ToString(),
            ") and ", name, " (shard ", t.header.shard.ToString(),
            "); each point must come from one shard: drop the "
            "duplicate file"));
      }
      owner[point] = static_cast<int>(f);
      if (!rows_per_point) rows_per_point = count;
      if (count != *rows_per_point) {
        return absl::FailedPreconditionError(absl::StrCat(
            name, ": point ", point, " has ", Counted(count, "row"), " where other points have ",
            *rows_per_point, " (one per target); the file was edited: rerun its shard"));
      }
    }
    merged.rows.insert(merged.rows.end(), t.rows.begin(), t.rows.end());
  }
  std::vector<int64_t> missing;
  for (int64_t p = 0; p < ref.points; ++p) {
    if (owner[p] < 0) missing.push_back(p);
  }
  if (!missing.empty()) {
    std::string hint = "add the missing shards' files";
    // With shards all cut the same way, the missing points say which shards are missing.
    const int64_t count = shards.front().second.header.shard.count;
    if (std::all_of(shards.begin(), shards.end(),
                    [&](const auto& s) { return s.second.header.shard.count == count; })) {
      std::set<int64_t> absent;
      for (int64_t p : missing) absent.insert(p % count);
      std::vector<std::string> names;
      for (int64_t i : absent) names.push_back(absl::StrCat(i, "/", count));
      hint = absl::StrCat("shard", absent.size() == 1 ? " " : "s ", absl::StrJoin(names, ", "),
                          absent.size() == 1 ? " is" : " are", " missing: add ",
                          absent.size() == 1 ? "its file" : "their files");
    }
    return absl::FailedPreconditionError(
        absl::StrCat(missing.size() == 1 ? "point " : "points ", ListPoints(missing), " of ",
                     ref.points, missing.size() == 1 ? " is" : " are", " in no file; ", hint));
  }
  std::stable_sort(merged.rows.begin(), merged.rows.end(),
                   [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });
  return merged;
}

}  // namespace limiar::sim
