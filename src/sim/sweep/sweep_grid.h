// The grid of a `limiar sweep`: which policy knobs vary over which values, and the points of
// their cartesian product in one stable order, so that point N means the same settings in
// every run, every shard and every merge.
#ifndef LIMIAR_SIM_SWEEP_SWEEP_GRID_H_
#define LIMIAR_SIM_SWEEP_SWEEP_GRID_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/sim/engine/policy_variant.h"

namespace limiar::sim {

// The most points one grid may hold: past it a typo in a range step (0:3600:1) would
// silently queue days of runs and gigabytes of rows.
inline constexpr int64_t kMaxSweepPoints = 1'000'000;

struct GridValue {
  std::string text;      // as the CSV and `--policy` spell it: "0.15", "120", "max"
  nlohmann::json value;  // what the blueprint receives (ParseKnobValue of `text`)
};

// One `--grid [TARGET.]KEY=VALUES`.
struct GridAxis {
  std::string target;  // empty: every simulated target
  std::string key;     // as the blueprint spells it (friendly aliases resolved)
  std::string spec;    // the values as given: "40:80:10" or "0,60,300"
  std::vector<GridValue> values;

  // The CSV column and `--policy` key: "limiar" or "web.limiar".
  std::string Column() const;
  // "limiar=40:80:10", as the CSV's comment header records it.
  std::string ToString() const;
};

struct Grid {
  std::vector<GridAxis> axes;

  int64_t size() const;
  // For each axis, the index of its value at `point`; the first axis varies slowest.
  std::vector<size_t> ValueIndices(int64_t point) const;
  // "limiar=40, espera_descida_s=60".
  std::string DescribePoint(int64_t point) const;
};

// The blueprint key a user's spelling stands for: blueprint keys as they are, known foreign
// names mapped (tolerance -> tolerancia, cooldown_down -> espera_descida_s, min_replicas ->
// replicas_min), anything else unchanged so that the loader rejects it with a suggestion.
std::string CanonicalKnobKey(absl::string_view key);

// START:STOP:STEP as decimal words, inclusive of STOP when a step lands on it. Computed on
// scaled integers, so 0.05:0.3:0.05 gives exactly 0.05, 0.1, ..., 0.3 with no float drift.
absl::StatusOr<std::vector<std::string>> ExpandDecimalRange(absl::string_view start,
                                                            absl::string_view stop,
                                                            absl::string_view step);

// Parses one `--grid` value: `[TARGET.]KEY=V1,V2,...` or `[TARGET.]KEY=START:STOP:STEP`.
absl::StatusOr<GridAxis> ParseGridAxis(absl::string_view flag);
// Parses every `--grid`; rejects none at all, a knob given twice and grids over
// kMaxSweepPoints.
absl::StatusOr<Grid> ParseGrid(const std::vector<std::string>& flags);

// A slice of the points for one job of a distributed sweep: the points whose index is
// `index` modulo `count`, so that every shard gets a mix of cheap and costly settings.
struct Shard {
  int64_t index = 0;
  int64_t count = 1;

  bool all() const { return count == 1; }
  bool Contains(int64_t point) const { return point % count == index; }
  // "all", or "2/8".
  std::string ToString() const;
};
// Parses "i/N" (0 <= i < N), or "all" / "" for the whole grid.
absl::StatusOr<Shard> ParseShard(absl::string_view text);
// The points of `grid` in `shard`, ascending.
std::vector<int64_t> ShardPoints(const Grid& grid, const Shard& shard);

// The policy point `point` stands for: `base` (its base and fixed knobs) plus one override
// per axis.
PolicyVariant PointVariant(const PolicyVariant& base, const Grid& grid, int64_t point);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_SWEEP_SWEEP_GRID_H_
