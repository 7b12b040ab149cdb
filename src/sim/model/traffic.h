// Demand for the simulator: how many requests arrive per second at each step of a run,
// from a trace CSV or from the built-in generators (constant, step, diurnal, flash sale,
// Poisson noise, and sums of these). A traffic spec is parsed once from the scenario's JSON
// (errors name the JSON path) and rendered into one rate per step.
#ifndef LIMIAR_SIM_MODEL_TRAFFIC_H_
#define LIMIAR_SIM_MODEL_TRAFFIC_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/common/config/diagnostics.h"

namespace limiar::sim {

// How deep traffic nodes nest (a node with no `of` is 1 deep). Real demand needs 3 or so
// (poisson of a sum of diurnal and flash_sale); the limit keeps the parse and the render,
// which recurse once per level, shallow whatever a scenario holds.
inline constexpr int kMaxTrafficDepth = 16;
// What to do about a spec nested deeper, in the parser's and the render's errors.
inline constexpr char kFlattenTraffic[] = "flatten it: a sum adds any number of nodes in one list";
// The finest trace rows: a trace of 1e-300 s rows with "loop" made a replay read 10^300 rows
// per second of run.
inline constexpr double kMinTraceStepS = 0.001;
// The largest trace file read: a month of per-second rows is about 30 MB.
inline constexpr size_t kMaxTraceBytes = 128 << 20;
// The most trace rows one render reads (run steps x rows per step, with speedup): 9.7e8 rows
// took 1.5 s on the 2-core CI machine.
inline constexpr double kMaxTraceRowsRead = 1e9;

// One node of a traffic spec. `kind` selects which fields apply.
struct TrafficSpec {
  enum class Kind { kConstant, kStep, kDiurnal, kFlashSale, kPoisson, kSum, kTrace };
  Kind kind = Kind::kConstant;

  // constant: `rate` requests/s.
  double rate = 0;
  // step: `before` until `at_s`, then `after`.
  double before = 0, after = 0, at_s = 0;
  // diurnal: mean + amplitude * cos(2 pi (t - peak_at_s) / period_s), never below 0.
  double mean = 0, amplitude = 0, period_s = 86400, peak_at_s = 0;
  // flash sale: `baseline` until `start_s`, linear ramp over `ramp_s` to
  // baseline * peak_multiple, held for `hold_s`, linear decay over `decay_s` to baseline.
  double baseline = 0, start_s = 0, ramp_s = 0, peak_multiple = 10, hold_s = 0, decay_s = 0;
  // poisson: arrivals per step drawn from Poisson(rate of `of[0]` x step), seeded.
  // sum: the sum of `of` (one node or more).
  std::vector<TrafficSpec> of;
  // trace: a CSV of `t_seconds,value` (arrivals in each row's step), `#` comments.
  std::string path;     // as resolved (relative paths against the scenario's folder)
  double scale = 1;     // multiplies every value
  double offset_s = 0;  // trace time that maps to t = 0 of the run
  double speedup = 1;   // compresses time: run second t replays trace [t*k, (t+1)*k)
  bool loop = false;    // wraps around at the trace's end instead of failing
};

// Parses a traffic spec at JSON path `path` (e.g. "targets.storefront.traffic"), at most
// kMaxTrafficDepth nodes deep. Relative trace paths resolve against `base_dir`; the trace
// must be a readable regular file within kMaxTraceBytes, but is read only by RenderTraffic.
// Every problem goes to `diag`; nullopt when this spec has any.
std::optional<TrafficSpec> ParseTraffic(const nlohmann::json& v, const std::string& path,
                                        const std::string& base_dir, config::Diagnostics& diag);

// A trace as read from disk: one value per row, at the trace's own step.
struct Trace {
  std::string path;
  double step_s = 1;           // the rows' spacing (must be uniform)
  std::vector<double> values;  // arrivals per row (per step_s)
};
// Reads a trace CSV: a regular file of at most kMaxTraceBytes (a FIFO or a device is refused
// unread), rows at least kMinTraceStepS apart. Errors name `path:line` and say what to fix.
absl::StatusOr<Trace> ReadTraceCsv(const std::string& path);
// The same parse of a trace's bytes, `path` naming them in errors (for a fuzzer, or text that
// is not in a file).
absl::StatusOr<Trace> ParseTraceCsv(absl::string_view text, const std::string& path);

// The arrival rate (requests/s) in each of `steps` steps of `step_s` seconds: step i is the
// mean rate over [i step_s, (i+1) step_s), so a coarser step is the average of finer ones.
// A trace row's value counts arrivals in the trace's step (rate = value / trace step x
// scale); it is averaged when the run's step is coarser and repeated when finer. `seed`
// feeds the Poisson nodes: each draws from its own stream, derived from the seed and the
// node's position in the tree (child indices), so adding a node elsewhere does not reshuffle
// it. The same seed gives the same rates run after run; the sampler is our own, so no
// standard library's choice of Poisson algorithm changes them either.
// Errors: a spec nested deeper than kMaxTrafficDepth, a trace that cannot be read, is
// shorter than the run (unless `loop`) or would be read for more than kMaxTraceRowsRead
// rows, and step_s <= 0 or steps < 0. Given the spec's JSON `path`, an error about a node
// starts with the path of what is wrong there ("targets.web.traffic.of[1].path: ...").
absl::StatusOr<std::vector<double>> RenderTraffic(const TrafficSpec& spec, double step_s,
                                                  int64_t steps, uint64_t seed,
                                                  const std::string& path = "");

// The first flash-sale node of the spec, depth first: the spike that time to capacity is
// measured from (its ramp start, peak and hold). Null when there is none.
const TrafficSpec* FirstFlashSale(const TrafficSpec& spec);

// One line for the terminal, e.g. "flash sale: 70 req/s, x10 from t=300s (ramp 120s, hold
// 600s, decay 300s)".
std::string DescribeTraffic(const TrafficSpec& spec);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_MODEL_TRAFFIC_H_
