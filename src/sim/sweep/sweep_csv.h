// A sweep's results as CSV: a `#` comment header that says what was swept (scenario, its
// fingerprint, SLO, policy, grid, shard), a header row, and one row per point and simulated
// target. Numbers have fixed precision, so the same inputs give the same bytes whatever the
// number of threads; shards of one sweep merge (sweep_merge.h) into exactly the bytes of an
// unsharded run.
//
// Columns: point, one per grid axis (its value), target, meets_slo (true/false),
// slo_violation_s, p50_ms, p95_ms, p99_ms, dropped, drop_rate, replica_hours, cost,
// max_replicas, scale_ups, scale_downs, time_to_capacity_s (empty when demand never outran
// capacity). Several targets give several rows per point; a point's verdict (sweep_front.h)
// takes all of them.
#ifndef LIMIAR_SIM_SWEEP_SWEEP_CSV_H_
#define LIMIAR_SIM_SWEEP_SWEEP_CSV_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/sweep/sweep.h"

namespace limiar::sim {

// What the comment header records. Shards of one sweep agree on everything but `shard`.
struct SweepHeader {
  std::string scenario;           // its name
  std::string source;             // where it was read from (informative: shards may differ)
  std::string fingerprint;        // ScenarioFingerprint
  std::string slo;                // "p95 <= 250 ms, drop rate <= 0.001"
  std::string policy;             // --policy as given
  std::vector<std::string> grid;  // one "KEY=VALUES" per axis, in order
  int64_t points = 0;             // in the whole grid
  Shard shard;
  // The part of the run the figures cover: "" for the whole, else "train 0s..42d" or
  // "test 42d..56d" (--train, --test).
  std::string range;

  // The axes' CSV columns, from `grid`: "limiar", "web.limiar".
  std::vector<std::string> Columns() const;
};

// One point on one target, with numbers exactly as the CSV holds them.
struct SweepRow {
  int64_t point = 0;
  std::vector<std::string> settings;  // per grid axis, the value's text
  std::string target;
  bool meets_slo = false;
  double slo_violation_s = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  double dropped = 0;
  double drop_rate = 0;
  double replica_hours = 0;
  double cost = 0;
  int32_t max_replicas = 0;
  int32_t scale_ups = 0;
  int32_t scale_downs = 0;
  std::optional<double> time_to_capacity_s;
};

// Rows ordered by point, then by the scenario's order of targets.
struct SweepTable {
  SweepHeader header;
  std::vector<SweepRow> rows;
};

// "p95 <= 250 ms, drop rate <= 0.001[, at most 60 s in violation]", and back (nullopt when
// the text is not of that form).
std::string DescribeSlo(const SloSpec& slo);
std::optional<SloSpec> ParseSloDescription(const std::string& text);

// The table of a run: its header from the scenario and plan, its rows from `results` (their
// test figures when `test`), with every number rounded as the CSV writes it.
SweepTable MakeSweepTable(const Scenario& scenario, const PreparedTraffic& traffic,
                          const SweepPlan& plan, const std::vector<PointResult>& results,
                          bool test = false);

// Fields as RFC 4180 quotes them (src/common/csv.h): a compute named `web, "eu"` or holding a
// line break reads back as it was.
std::string FormatSweepCsv(const SweepTable& table);
// Parses what FormatSweepCsv wrote; `source` names the file in errors (`file:line: ...`).
absl::StatusOr<SweepTable> ParseSweepCsv(absl::string_view text, const std::string& source);
// The largest sweep CSV read: a million-point grid over a few targets.
inline constexpr size_t kMaxSweepCsvBytes = size_t{1} << 30;
// A regular file of at most kMaxSweepCsvBytes (a FIFO or a device is refused unread).
absl::StatusOr<SweepTable> ReadSweepCsvFile(const std::string& path);
// Writes through a temporary file and a rename, so a killed job leaves no half a CSV.
absl::Status WriteSweepCsvFile(const std::string& path, const SweepTable& table);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_SWEEP_SWEEP_CSV_H_
