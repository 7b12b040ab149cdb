// `limiar sweep-merge`: the shards of one sweep, each a table read from its CSV, back into
// the table of the whole grid.
#ifndef LIMIAR_SIM_SWEEP_SWEEP_MERGE_H_
#define LIMIAR_SIM_SWEEP_SWEEP_MERGE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "src/sim/sweep/sweep_csv.h"

namespace limiar::sim {

// Combines the shards of one sweep (file name, table): they must agree on scenario,
// fingerprint, SLO, policy and grid, and together hold every point exactly once. The result
// is the table an unsharded run writes.
absl::StatusOr<SweepTable> MergeSweepTables(
    const std::vector<std::pair<std::string, SweepTable>>& shards);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_SWEEP_SWEEP_MERGE_H_
