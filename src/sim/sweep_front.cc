#include "src/sim/sweep_front.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/sim/policy_variant.h"
#include "src/sim/sweep_grid.h"

namespace limiar::sim {
namespace {

namespace bp = ::limiar::policy::blueprint;

auto CostKey(const PointOutcome& o) {
  return std::make_tuple(o.replica_hours, o.slo_violation_s, o.p95_ms, o.point);
}

// Columns padded to their widest cell; the first `left` columns align left, numbers right.
std::string AlignedTable(const std::vector<std::vector<std::string>>& rows, size_t left) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      absl::StrAppend(&line, c == 0 ? "  " : "  ", c < left ? row[c] + pad : pad + row[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string ShellQuote(absl::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// "limiar=70, espera_descida_s=60".
std::string Settings(const std::vector<std::string>& columns, const PointOutcome& o) {
  std::vector<std::string> parts;
  for (size_t a = 0; a < columns.size(); ++a) parts.push_back(columns[a] + "=" + o.settings[a]);
  return absl::StrJoin(parts, ", ");
}

std::string Figures(const PointOutcome& o, bool priced) {
  std::string s = absl::StrFormat("%.3f replica-hours", o.replica_hours);
  if (priced) absl::StrAppend(&s, absl::StrFormat(" (cost %.2f)", o.cost));
  absl::StrAppend(&s, absl::StrFormat(", %.1f s in violation, p95 %.1f ms, p99 %.1f ms, drop rate "
                                      "%.5f",
                                      o.slo_violation_s, o.p95_ms, o.p99_ms, o.drop_rate));
  return s;
}

// The point's knobs as blueprint keys, grouped by where they go: a compute's config for the
// replica bounds, its autoscale resources' config for the rest.
std::vector<std::string> BlueprintLines(const PolicyVariant& fixed,
                                        const std::vector<std::string>& columns,
                                        const PointOutcome& o) {
  std::vector<KnobOverride> knobs = fixed.overrides;
  for (size_t a = 0; a < columns.size(); ++a) {
    absl::StatusOr<KnobOverride> k = ParseKnobOverride(columns[a] + "=" + o.settings[a]);
    if (k.ok()) knobs.push_back(*std::move(k));
  }
  std::map<std::pair<std::string, bool>, std::vector<std::string>> by_place;
  for (const KnobOverride& k : knobs) {
    const std::string key = CanonicalKnobKey(k.key);
    const bool compute = key == bp::key::kReplicasMin || key == bp::key::kReplicasMax;
    by_place[{k.target, compute}].push_back(absl::StrCat("\"", key, "\": ", k.value.dump()));
  }
  std::vector<std::string> lines;
  for (const auto& [place, keys] : by_place) {
    const std::string who =
        place.first.empty() ? "each simulated target's" : absl::StrCat(place.first, "'s");
    lines.push_back(absl::StrCat(
        "in ", who,
        place.second ? " compute config: " : " autoscale config: ", absl::StrJoin(keys, ", ")));
  }
  if (fixed.base != PolicyVariant::Base::kBlueprint) {
    const char* algorithm = fixed.base == PolicyVariant::Base::kHpaDefaults ? "hpa" : "kpa";
    lines.push_back(absl::StrCat("on the ", algorithm, " base: also \"algoritmo\": \"", algorithm,
                                 "\", and remove the other tuning keys (the sweep ran ", algorithm,
                                 "'s defaults for them)"));
  }
  return lines;
}

// Advice about axes at whose edge `o` sits: the grid may end short of something better.
std::vector<std::string> EdgeNotes(const std::vector<std::string>& grid, const PointOutcome& o,
                                   absl::string_view beyond) {
  std::vector<std::string> notes;
  for (size_t a = 0; a < grid.size(); ++a) {
    absl::StatusOr<GridAxis> axis = ParseGridAxis(grid[a]);
    if (!axis.ok() || axis->values.size() < 2) continue;
    std::vector<double> values;
    for (const GridValue& v : axis->values) {
      double d;
      if (!absl::SimpleAtod(v.text, &d)) break;
      values.push_back(d);
    }
    double mine;
    if (values.size() != axis->values.size() || !absl::SimpleAtod(o.settings[a], &mine)) continue;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (mine != *lo && mine != *hi) continue;
    notes.push_back(absl::StrCat(axis->Column(), " is at the ", mine == *lo ? "lowest" : "highest",
                                 " value of its grid (", o.settings[a], "): ", beyond,
                                 mine == *lo ? " below it" : " above it"));
  }
  return notes;
}

}  // namespace

std::vector<PointOutcome> AggregatePoints(const SweepTable& table) {
  std::vector<PointOutcome> out;
  for (const SweepRow& r : table.rows) {
    if (out.empty() || out.back().point != r.point) {
      PointOutcome o;
      o.point = r.point;
      o.settings = r.settings;
      out.push_back(std::move(o));
    }
    PointOutcome& o = out.back();
    o.meets_slo = o.meets_slo && r.meets_slo;
    o.slo_violation_s += r.slo_violation_s;
    o.replica_hours += r.replica_hours;
    o.cost += r.cost;
    o.p95_ms = std::max(o.p95_ms, r.p95_ms);
    o.p99_ms = std::max(o.p99_ms, r.p99_ms);
    o.drop_rate = std::max(o.drop_rate, r.drop_rate);
  }
  return out;
}

bool Dominates(const PointOutcome& a, const PointOutcome& b) {
  if (a.replica_hours > b.replica_hours || a.slo_violation_s > b.slo_violation_s) return false;
  return a.replica_hours < b.replica_hours || a.slo_violation_s < b.slo_violation_s ||
         a.p95_ms < b.p95_ms;
}

std::vector<size_t> ParetoFront(const std::vector<PointOutcome>& outcomes) {
  std::vector<size_t> order(outcomes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return CostKey(outcomes[a]) < CostKey(outcomes[b]); });
  // A point can only be dominated by one sorted before it, and dominance is transitive, so
  // checking against the front found so far is enough.
  std::vector<size_t> front;
  for (size_t i : order) {
    if (std::none_of(front.begin(), front.end(),
                     [&](size_t f) { return Dominates(outcomes[f], outcomes[i]); })) {
      front.push_back(i);
    }
  }
  return front;
}

Recommendation Recommend(const std::vector<PointOutcome>& outcomes) {
  Recommendation r;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const PointOutcome& o = outcomes[i];
    if (o.meets_slo && (!r.cheapest || CostKey(o) < CostKey(outcomes[*r.cheapest]))) r.cheapest = i;
  }
  if (r.cheapest) return r;
  auto nearness = [](const PointOutcome& o) {
    return std::make_tuple(o.slo_violation_s, o.p95_ms, o.drop_rate, o.replica_hours, o.point);
  };
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!r.closest || nearness(outcomes[i]) < nearness(outcomes[*r.closest])) r.closest = i;
  }
  return r;
}

std::string FormatSweepReport(const SweepTable& table) {
  const SweepHeader& h = table.header;
  const std::vector<PointOutcome> outcomes = AggregatePoints(table);
  if (outcomes.empty()) return "no points in the table: nothing to compare\n";
  const std::vector<std::string> columns = h.Columns();
  const bool priced = std::any_of(outcomes.begin(), outcomes.end(),
                                  [](const PointOutcome& o) { return o.cost > 0; });
  const size_t targets = table.rows.size() / outcomes.size();

  const std::vector<size_t> front = ParetoFront(outcomes);
  std::string out = absl::StrCat(
      "Pareto front, fewest replica-hours against least time in SLO "
      "violation (p95 breaks ties): ",
      front.size(), " of ", outcomes.size(), " points\n");
  if (targets > 1) {
    absl::StrAppend(&out, "  (", targets,
                    " targets per point: replica-hours and violation summed, latency and drop "
                    "rate the worst target's)\n");
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"point"};
  head.insert(head.end(), columns.begin(), columns.end());
  for (const char* c :
       {"replica_h", "cost", "violation_s", "p95_ms", "p99_ms", "drop_rate", "meets_slo"}) {
    if (std::string(c) != "cost" || priced) head.push_back(c);
  }
  rows.push_back(head);
  for (size_t i : front) {
    const PointOutcome& o = outcomes[i];
    std::vector<std::string> row = {absl::StrCat(o.point)};
    row.insert(row.end(), o.settings.begin(), o.settings.end());
    row.push_back(absl::StrFormat("%.3f", o.replica_hours));
    if (priced) row.push_back(absl::StrFormat("%.2f", o.cost));
    row.push_back(absl::StrFormat("%.1f", o.slo_violation_s));
    row.push_back(absl::StrFormat("%.1f", o.p95_ms));
    row.push_back(absl::StrFormat("%.1f", o.p99_ms));
    row.push_back(absl::StrFormat("%.5f", o.drop_rate));
    row.push_back(o.meets_slo ? "yes" : "no");
    rows.push_back(std::move(row));
  }
  absl::StrAppend(&out, AlignedTable(rows, 1), "\n");

  absl::StatusOr<PolicyVariant> fixed = ParsePolicyVariant(h.policy);
  const Recommendation rec = Recommend(outcomes);
  if (rec.cheapest) {
    const PointOutcome& o = outcomes[*rec.cheapest];
    absl::StrAppend(&out, "Recommended: point ", o.point, ", the cheapest that meets the SLO (",
                    h.slo, ")\n");
    absl::StrAppend(&out, "  ", Settings(columns, o), "\n");
    absl::StrAppend(&out, "  ", Figures(o, priced), "\n");
    std::vector<std::string> parts = {h.policy};
    for (size_t a = 0; a < columns.size(); ++a) parts.push_back(columns[a] + "=" + o.settings[a]);
    absl::StrAppend(&out, "  --policy ", ShellQuote(absl::StrJoin(parts, ",")), "\n");
    if (fixed.ok()) {
      for (const std::string& line : BlueprintLines(*fixed, columns, o)) {
        absl::StrAppend(&out, "  blueprint: ", line, "\n");
      }
    }
    for (const std::string& note : EdgeNotes(h.grid, o, "a wider grid may find cheaper settings")) {
      absl::StrAppend(&out, "  note: ", note, "\n");
    }
    return out;
  }
  const PointOutcome& o = outcomes[*rec.closest];
  absl::StrAppend(&out, "No point meets the SLO (", h.slo, ").\n");
  absl::StrAppend(&out, "Closest: point ", o.point, " (", Settings(columns, o), ")\n");
  absl::StrAppend(&out, "  ", Figures(o, priced), "\n");
  const std::vector<std::string> edges =
      EdgeNotes(h.grid, o, "extend the grid past it, the SLO may lie");
  for (const std::string& note : edges) absl::StrAppend(&out, "  try: ", note, "\n");
  absl::StrAppend(&out,
                  "  try: more capacity than the grid allows (a higher replicas_max or "
                  "replicas_min), or a faster reaction (lower limiar, shorter "
                  "espera_subida_s / estabilizacao_subida_s); and check that the SLO is reachable "
                  "with the scenario's per-replica capacity\n");
  return out;
}

}  // namespace limiar::sim
