// What a sweep's table says: each point's verdict across its targets, the cost/SLO Pareto
// front, and the recommended setting, as figures and as the text `limiar sweep` and
// `limiar sweep-merge` print. Both read only the table (what the CSV holds), so a merge of
// shards prints exactly what the unsharded run printed.
#ifndef LIMIAR_SIM_SWEEP_SWEEP_FRONT_H_
#define LIMIAR_SIM_SWEEP_SWEEP_FRONT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/sim/sweep/sweep_csv.h"

namespace limiar::sim {

// One point over all its targets: costs and violation time add up, latency and drop rate are
// the worst target's, and the point meets the SLO only when every target does.
struct PointOutcome {
  int64_t point = 0;
  std::vector<std::string> settings;
  bool meets_slo = true;
  double slo_violation_s = 0;
  double replica_hours = 0;
  double cost = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double drop_rate = 0;
};

// One outcome per point of the table, in point order.
std::vector<PointOutcome> AggregatePoints(const SweepTable& table);
// One policy's outcome from its targets' summaries (a baseline run beside the grid).
PointOutcome OutcomeOf(const std::vector<ResourceSummary>& targets);

// `a` dominates `b`: no more replica-hours and no more violation time, and strictly better
// in one of them or, when both tie, a lower p95.
bool Dominates(const PointOutcome& a, const PointOutcome& b);

// The positions (in `outcomes`) of the points no other point dominates, cheapest first.
std::vector<size_t> ParetoFront(const std::vector<PointOutcome>& outcomes);

// How far `o` is from meeting `slo`: the relative excess of its latency percentile over the
// bound plus that of its drop rate over the allowed rate; 0 when both are within.
double SloExcess(const PointOutcome& o, const SloSpec& slo);

struct Recommendation {
  // The cheapest point that meets the SLO (ties: less violation, lower p95, lower index).
  std::optional<size_t> cheapest;
  // When none meets it: the nearest, by least time in violation, then least SloExcess,
  // then cost.
  std::optional<size_t> closest;
};
Recommendation Recommend(const std::vector<PointOutcome>& outcomes, const SloSpec& slo);

// The front as an aligned table and the recommendation: the settings as a ready-to-paste
// --policy and as blueprint keys, or, when nothing meets the SLO, the nearest point and
// what to try next.
std::string FormatSweepReport(const SweepTable& table);

// The second objective: the least time in SLO violation within `budget_hours` replica-hours
// (ties: fewer replica-hours, lower p95, lower index); nullopt when every point costs more.
std::optional<size_t> LeastViolationWithin(const std::vector<PointOutcome>& outcomes,
                                           double budget_hours);

// `--budget`: a number of replica-hours ("2400"), or a policy and a margin over its
// replica-hours ("hpa+10%", "blueprint", "hpa-5%"): the policy becomes the baseline.
struct Budget {
  std::optional<double> hours;  // absolute
  std::string baseline;         // else relative to this policy
  double margin_percent = 0;    // over the baseline's replica-hours
};
absl::StatusOr<Budget> ParseBudget(absl::string_view text);

// The grid against a baseline policy run over the same ranges: its figures, the point the
// objective picks (the cheapest that meets the SLO, or with a budget the least violation
// within it), and whether that point Pareto-dominates the baseline, on the train figures
// and, when given, on the held-out ones.
struct BaselineRun {
  std::string spec;  // as --baseline (or --budget) names it
  PointOutcome train;
  std::optional<PointOutcome> test;
};
std::string FormatObjectiveReport(const SweepTable& train, const SweepTable* test,
                                  const BaselineRun* baseline, const Budget* budget);

// Train/test discipline: the point `train` recommends, as it did on `test` (the same points
// over a held-out range), beside the point `test` itself would have recommended; "" when the
// tables do not hold the same points.
std::string FormatHeldOutReport(const SweepTable& train, const SweepTable& test);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_SWEEP_SWEEP_FRONT_H_
