#include "src/sim/sweep/sweep_front.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "src/common/plural.h"
#include "src/common/text_table.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/sim/engine/policy_variant.h"
#include "src/sim/sweep/sweep_grid.h"

namespace limiar::sim {
namespace {

namespace bp = ::limiar::policy::blueprint;

auto CostKey(const PointOutcome& o) {
  return std::make_tuple(o.replica_hours, o.slo_violation_s, o.p95_ms, o.point);
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
  // In knob order; a member of an object knob (`previsao.margem_pct`) goes inside it.
  std::map<std::pair<std::string, bool>, nlohmann::ordered_json> by_place;
  for (const KnobOverride& k : knobs) {
    const size_t member = k.key.find('.');
    const std::string key = CanonicalKnobKey(k.key.substr(0, member));
    const bool compute = key == bp::key::kReplicasMin || key == bp::key::kReplicasMax;
    nlohmann::ordered_json& config = by_place[{k.target, compute}];
    if (member == std::string::npos) {
      config[key] = k.value;
    } else {
      if (!config[key].is_object()) config[key] = nlohmann::ordered_json::object();
      config[key][k.key.substr(member + 1)] = k.value;
    }
  }
  std::vector<std::string> lines;
  for (const auto& [place, config] : by_place) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : config.items()) {
      keys.push_back(absl::StrCat("\"", key, "\": ", value.dump()));
    }
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

// Notes on the axes at whose edge `o` sits, where the grid may end short of something
// better: only when the next value inwards is worse by `worse` (the trend points outwards),
// and never below 0 (no knob a sweep varies is negative there).
std::vector<std::string> EdgeNotes(const std::vector<std::string>& grid,
                                   const std::vector<PointOutcome>& outcomes, const PointOutcome& o,
                                   const std::function<bool(const PointOutcome&)>& worse,
                                   absl::string_view beyond) {
  std::vector<GridAxis> axes;
  for (const std::string& g : grid) {
    absl::StatusOr<GridAxis> axis = ParseGridAxis(g);
    if (!axis.ok()) return {};
    axes.push_back(*std::move(axis));
  }
  std::vector<std::string> notes;
  int64_t stride = 1;  // of axis `a` in point indices: the product of the later axes' sizes
  for (size_t a = axes.size(); a-- > 0; stride *= static_cast<int64_t>(axes[a].values.size())) {
    const GridAxis& axis = axes[a];
    std::vector<double> values;
    for (const GridValue& v : axis.values) {
      double d;
      if (!absl::SimpleAtod(v.text, &d)) break;
      values.push_back(d);
    }
    if (values.size() < 2 || values.size() != axis.values.size()) continue;
    const size_t mine = std::find_if(axis.values.begin(), axis.values.end(),
                                     [&](const GridValue& v) { return v.text == o.settings[a]; }) -
                        axis.values.begin();
    if (mine == values.size()) continue;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const bool at_lo = values[mine] == *lo, at_hi = values[mine] == *hi;
    if ((!at_lo && !at_hi) || (at_lo && values[mine] <= 0)) continue;
    // The nearest value inwards, and the point that differs from `o` only there.
    size_t inward = mine;
    for (size_t k = 0; k < values.size(); ++k) {
      const bool inside = at_lo ? values[k] > values[mine] : values[k] < values[mine];
      if (inside && (inward == mine || std::abs(values[k] - values[mine]) <
                                           std::abs(values[inward] - values[mine]))) {
        inward = k;
      }
    }
    const int64_t neighbour =
        o.point + (static_cast<int64_t>(inward) - static_cast<int64_t>(mine)) * stride;
    auto it = std::find_if(outcomes.begin(), outcomes.end(),
                           [&](const PointOutcome& p) { return p.point == neighbour; });
    if (it == outcomes.end() || !worse(*it)) continue;
    notes.push_back(absl::StrCat(axis.Column(), " is at the ", at_lo ? "lowest" : "highest",
                                 " value of its grid (", o.settings[a], ") and ",
                                 axis.values[inward].text, " does worse: ", beyond,
                                 at_lo ? " below it" : " above it"));
  }
  return notes;
}

}  // namespace

namespace {

// Adds one target's figures to its point's: costs and violation add up, latency and drop
// rate keep the worst, and the SLO holds only where every target meets it.
template <typename Figures>
void Fold(PointOutcome& o, const Figures& r) {
  o.meets_slo = o.meets_slo && r.meets_slo;
  o.slo_violation_s += r.slo_violation_s;
  o.replica_hours += r.replica_hours;
  o.cost += r.cost;
  o.p50_ms = std::max(o.p50_ms, r.p50_ms);
  o.p95_ms = std::max(o.p95_ms, r.p95_ms);
  o.p99_ms = std::max(o.p99_ms, r.p99_ms);
  o.drop_rate = std::max(o.drop_rate, r.drop_rate);
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
    Fold(out.back(), r);
  }
  return out;
}

PointOutcome OutcomeOf(const std::vector<ResourceSummary>& targets) {
  PointOutcome o;
  o.point = -1;
  for (const ResourceSummary& r : targets) Fold(o, r);
  return o;
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

double SloExcess(const PointOutcome& o, const SloSpec& slo) {
  const double latency = slo.latency_percentile == 50   ? o.p50_ms
                         : slo.latency_percentile == 99 ? o.p99_ms
                                                        : o.p95_ms;
  double excess = slo.latency_ms > 0 ? std::max(0.0, latency / slo.latency_ms - 1) : 0;
  if (o.drop_rate > slo.max_drop_rate) {
    excess += slo.max_drop_rate > 0 ? o.drop_rate / slo.max_drop_rate - 1 : 1;
  }
  return excess;
}

Recommendation Recommend(const std::vector<PointOutcome>& outcomes, const SloSpec& slo) {
  Recommendation r;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const PointOutcome& o = outcomes[i];
    if (o.meets_slo && (!r.cheapest || CostKey(o) < CostKey(outcomes[*r.cheapest]))) r.cheapest = i;
  }
  if (r.cheapest) return r;
  auto nearness = [&](const PointOutcome& o) {
    return std::make_tuple(o.slo_violation_s, SloExcess(o, slo), o.replica_hours, o.point);
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
  const SloSpec slo = ParseSloDescription(h.slo).value_or(SloSpec{});
  const std::vector<std::string> columns = h.Columns();
  const bool priced = std::any_of(outcomes.begin(), outcomes.end(),
                                  [](const PointOutcome& o) { return o.cost > 0; });
  const size_t targets = table.rows.size() / outcomes.size();

  const std::vector<size_t> front = ParetoFront(outcomes);
  std::string out;
  if (!h.range.empty()) absl::StrAppend(&out, "Figures over the run's ", h.range, ".\n");
  absl::StrAppend(
      &out,
      "Pareto front, fewest replica-hours against least time in SLO violation (p95 breaks "
      "ties): ",
      front.size(), " of ", Counted(outcomes.size(), "point"), "\n");
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
  // Points with the same figures (a knob that made no difference there) share one line.
  size_t alike_lines = 0;
  for (size_t k = 0; k < front.size();) {
    const PointOutcome& o = outcomes[front[k]];
    std::vector<std::string> figures = {absl::StrFormat("%.3f", o.replica_hours)};
    if (priced) figures.push_back(absl::StrFormat("%.2f", o.cost));
    figures.push_back(absl::StrFormat("%.1f", o.slo_violation_s));
    figures.push_back(absl::StrFormat("%.1f", o.p95_ms));
    figures.push_back(absl::StrFormat("%.1f", o.p99_ms));
    figures.push_back(absl::StrFormat("%.5f", o.drop_rate));
    figures.push_back(o.meets_slo ? "yes" : "no");
    size_t same = k + 1;
    while (same < front.size() &&
           std::make_tuple(outcomes[front[same]].replica_hours,
                           outcomes[front[same]].slo_violation_s, outcomes[front[same]].p95_ms,
                           outcomes[front[same]].p99_ms, outcomes[front[same]].drop_rate,
                           outcomes[front[same]].meets_slo) ==
               std::make_tuple(o.replica_hours, o.slo_violation_s, o.p95_ms, o.p99_ms, o.drop_rate,
                               o.meets_slo)) {
      ++same;
    }
    std::vector<std::string> row = {absl::StrCat(o.point)};
    if (same - k > 1) {
      absl::StrAppend(&row[0], " (+", same - k - 1, ")");
      ++alike_lines;
    }
    row.insert(row.end(), o.settings.begin(), o.settings.end());
    row.insert(row.end(), figures.begin(), figures.end());
    rows.push_back(std::move(row));
    k = same;
  }
  absl::StrAppend(&out, AlignedTable(rows, 1, "  "));
  if (alike_lines > 0) {
    absl::StrAppend(&out,
                    "  (+N): N more points with other settings and the same figures (in the "
                    "CSV)\n");
  }
  absl::StrAppend(&out, "\n");

  absl::StatusOr<PolicyVariant> fixed = ParsePolicyVariant(h.policy);
  const Recommendation rec = Recommend(outcomes, slo);
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
    const auto costlier = [&](const PointOutcome& n) { return n.replica_hours > o.replica_hours; };
    for (const std::string& note :
         EdgeNotes(h.grid, outcomes, o, costlier, "a wider grid may find cheaper settings")) {
      absl::StrAppend(&out, "  note: ", note, "\n");
    }
    return out;
  }
  const PointOutcome& o = outcomes[*rec.closest];
  absl::StrAppend(&out, "No point meets the SLO (", h.slo, ").\n");
  absl::StrAppend(&out, "Closest: point ", o.point, " (", Settings(columns, o), ")\n");
  absl::StrAppend(&out, "  ", Figures(o, priced), "\n");
  std::vector<std::string> misses;
  const double latency = slo.latency_percentile == 50   ? o.p50_ms
                         : slo.latency_percentile == 99 ? o.p99_ms
                                                        : o.p95_ms;
  if (latency > slo.latency_ms) {
    misses.push_back(
        absl::StrFormat("p%g %.1f ms > %g ms", slo.latency_percentile, latency, slo.latency_ms));
  }
  if (o.drop_rate > slo.max_drop_rate) {
    misses.push_back(absl::StrFormat("drop rate %.5f > %g", o.drop_rate, slo.max_drop_rate));
  }
  if (slo.max_violation_s && o.slo_violation_s > *slo.max_violation_s) {
    misses.push_back(
        absl::StrFormat("%.1f s in violation > %g s", o.slo_violation_s, *slo.max_violation_s));
  }
  if (!misses.empty()) absl::StrAppend(&out, "  misses: ", absl::StrJoin(misses, "; "), "\n");
  const auto further = [&](const PointOutcome& n) {
    return std::make_tuple(n.slo_violation_s, SloExcess(n, slo)) >
           std::make_tuple(o.slo_violation_s, SloExcess(o, slo));
  };
  for (const std::string& note :
       EdgeNotes(h.grid, outcomes, o, further, "extend the grid, the SLO may lie")) {
    absl::StrAppend(&out, "  try: ", note, "\n");
  }
  absl::StrAppend(&out,
                  "  try: more capacity than the grid allows (a higher replicas_max or "
                  "replicas_min), or a faster reaction (lower limiar, shorter "
                  "espera_subida_s / estabilizacao_subida_s); and check that the SLO is reachable "
                  "with the scenario's per-replica capacity\n");
  return out;
}

std::string FormatHeldOutReport(const SweepTable& train, const SweepTable& test) {
  const std::vector<PointOutcome> chosen_from = AggregatePoints(train);
  const std::vector<PointOutcome> held_out = AggregatePoints(test);
  if (chosen_from.empty() || chosen_from.size() != held_out.size()) return "";
  const SloSpec slo = ParseSloDescription(train.header.slo).value_or(SloSpec{});
  const std::vector<std::string> columns = train.header.Columns();
  const bool priced = std::any_of(held_out.begin(), held_out.end(),
                                  [](const PointOutcome& o) { return o.cost > 0; });
  const Recommendation on_train = Recommend(chosen_from, slo);
  const Recommendation on_test = Recommend(held_out, slo);
  const size_t chosen = on_train.cheapest ? *on_train.cheapest : *on_train.closest;
  const size_t hindsight = on_test.cheapest ? *on_test.cheapest : *on_test.closest;
  const PointOutcome& c = held_out[chosen];
  const PointOutcome& b = held_out[hindsight];
  std::string out =
      absl::StrCat("\nHeld out: the run's ", test.header.range, ", which no choice above saw\n");
  absl::StrAppend(&out, "  chosen on ", train.header.range, ": point ", c.point, " (",
                  Settings(columns, c), ")\n    ", Figures(c, priced), "; ",
                  c.meets_slo ? "meets" : "misses", " the SLO\n");
  absl::StrAppend(&out, "  best here in hindsight: point ", b.point, " (", Settings(columns, b),
                  ")\n    ", Figures(b, priced), "; ", b.meets_slo ? "meets" : "misses",
                  " the SLO\n");
  if (chosen == hindsight) {
    absl::StrAppend(&out, "  the choice holds on the held-out range\n");
  } else if (b.replica_hours > 0) {
    absl::StrAppend(&out, absl::StrFormat("  over-fitting: the choice costs %+.1f %% replica-hours "
                                          "and %+.1f s of violation against hindsight's\n",
                                          100 * (c.replica_hours / b.replica_hours - 1),
                                          c.slo_violation_s - b.slo_violation_s));
  }
  return out;
}

std::optional<size_t> LeastViolationWithin(const std::vector<PointOutcome>& outcomes,
                                           double budget_hours) {
  auto key = [](const PointOutcome& o) {
    return std::make_tuple(o.slo_violation_s, o.replica_hours, o.p95_ms, o.point);
  };
  std::optional<size_t> best;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].replica_hours > budget_hours + 1e-9) continue;
    if (!best || key(outcomes[i]) < key(outcomes[*best])) best = i;
  }
  return best;
}

absl::StatusOr<Budget> ParseBudget(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--budget \"", text, "\": ", why,
                     "; write replica-hours (2400) or a policy and a margin (hpa+10%)"));
  };
  Budget b;
  double hours;
  if (absl::SimpleAtod(text, &hours)) {
    if (!(hours > 0) || !std::isfinite(hours)) return bad("must be above 0");
    b.hours = hours;
    return b;
  }
  const size_t sign = text.find_last_of("+-");
  if (sign == absl::string_view::npos) {
    b.baseline = std::string(text);
  } else {
    b.baseline = std::string(text.substr(0, sign));
    absl::string_view margin = text.substr(sign + 1);
    if (!absl::ConsumeSuffix(&margin, "%") || !absl::SimpleAtod(margin, &b.margin_percent) ||
        !std::isfinite(b.margin_percent) || b.margin_percent < 0 || b.margin_percent >= 1000) {
      return bad(absl::StrCat("the margin \"", text.substr(sign + 1),
                              "\" is not a percentage from 0% to 999%"));
    }
    if (text[sign] == '-') b.margin_percent = -b.margin_percent;
  }
  if (b.baseline.empty()) return bad("no policy before the margin");
  return b;
}

namespace {

// "-18.9 % replica-hours, +60.0 s of violation (60.0 s against 0.0 s)".
std::string Against(const PointOutcome& o, const PointOutcome& base) {
  std::string s = base.replica_hours > 0
                      ? absl::StrFormat("%+.1f %% replica-hours",
                                        100 * (o.replica_hours / base.replica_hours - 1))
                      : absl::StrFormat("%.3f replica-hours", o.replica_hours);
  if (base.slo_violation_s > 0) {
    absl::StrAppend(&s, absl::StrFormat(", %+.1f %% time in violation",
                                        100 * (o.slo_violation_s / base.slo_violation_s - 1)));
  }
  absl::StrAppend(&s, absl::StrFormat(" (%.1f s in violation against %.1f s)", o.slo_violation_s,
                                      base.slo_violation_s));
  absl::StrAppend(&s, Dominates(o, base)   ? "; dominates the baseline"
                      : Dominates(base, o) ? "; the baseline dominates it"
                                           : "; neither dominates");
  return s;
}

}  // namespace

std::string FormatObjectiveReport(const SweepTable& train, const SweepTable* test,
                                  const BaselineRun* baseline, const Budget* budget) {
  const std::vector<PointOutcome> outcomes = AggregatePoints(train);
  if (outcomes.empty()) return "";
  const SloSpec slo = ParseSloDescription(train.header.slo).value_or(SloSpec{});
  const std::vector<std::string> columns = train.header.Columns();
  const bool priced = std::any_of(outcomes.begin(), outcomes.end(),
                                  [](const PointOutcome& o) { return o.cost > 0; });
  const std::string over = train.header.range.empty() ? "the whole run" : train.header.range;
  std::string out = "\n";
  std::optional<size_t> chosen;
  if (budget) {
    double hours = budget->hours.value_or(0);
    std::string what = absl::StrFormat("%.3f replica-hours", hours);
    if (!budget->hours && baseline) {
      hours = baseline->train.replica_hours * (1 + budget->margin_percent / 100);
      what = absl::StrFormat("%.3f replica-hours (%s %+g %% on %s)", hours, baseline->spec,
                             budget->margin_percent, over);
    }
    absl::StrAppend(&out, "Objective: the least time in SLO violation within ", what, "\n");
    chosen = LeastViolationWithin(outcomes, hours);
    if (!chosen) {
      absl::StrAppend(&out, "  no point stays within it: the cheapest costs ",
                      absl::StrFormat("%.3f", std::min_element(outcomes.begin(), outcomes.end(),
                                                               [](const auto& a, const auto& b) {
                                                                 return a.replica_hours <
                                                                        b.replica_hours;
                                                               })
                                                  ->replica_hours),
                      " replica-hours; raise the budget or widen the grid\n");
    }
  } else {
    absl::StrAppend(&out, "Objective: the cheapest point that meets the SLO (", train.header.slo,
                    ")\n");
    const Recommendation rec = Recommend(outcomes, slo);
    chosen = rec.cheapest ? rec.cheapest : rec.closest;
  }
  if (chosen) {
    const PointOutcome& c = outcomes[*chosen];
    absl::StrAppend(&out, "  chosen: point ", c.point, " (", Settings(columns, c), ")\n    ",
                    Figures(c, priced), "\n");
  }
  if (!baseline) return out;
  absl::StrAppend(&out, "  baseline ", baseline->spec, " on ", over, ": ",
                  Figures(baseline->train, priced), "\n");
  if (chosen) {
    absl::StrAppend(&out, "    the choice: ", Against(outcomes[*chosen], baseline->train), "\n");
  }
  const std::vector<PointOutcome> held_out =
      test ? AggregatePoints(*test) : std::vector<PointOutcome>{};
  if (chosen && baseline->test && held_out.size() == outcomes.size()) {
    absl::StrAppend(&out, "  held out, ", test->header.range, ": baseline ",
                    Figures(*baseline->test, priced),
                    "\n    the choice: ", Figures(held_out[*chosen], priced), "\n    ",
                    Against(held_out[*chosen], *baseline->test), "\n");
  }
  return out;
}

}  // namespace limiar::sim
