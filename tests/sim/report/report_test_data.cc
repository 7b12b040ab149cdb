#include "tests/sim/report/report_test_data.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace limiar::sim::testing {
namespace {

constexpr double kBaselineRps = 200;
constexpr double kReplicaRps = 50;
constexpr int32_t kMinReplicas = 2;
constexpr int32_t kMaxReplicas = 60;

// A fixed pseudo-random sequence (splitmix64), so every run of the tests sees the same data.
double Jitter(uint64_t i) {
  uint64_t z = i + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / static_cast<double>(1ull << 53) * 2 - 1;  // [-1, 1)
}

// Baseline, then from 20 % of the run a ramp to 10x, held until 45 %, decaying by 55 %.
double FlashSale(double f) {
  double m = 1;
  if (f >= 0.2 && f < 0.22) m = 1 + 9 * (f - 0.2) / 0.02;
  if (f >= 0.22 && f < 0.45) m = 10;
  if (f >= 0.45 && f < 0.55) m = 10 - 9 * (f - 0.45) / 0.1;
  return kBaselineRps * m;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p / 100 * (v.size() - 1))];
}

}  // namespace

RunResult SyntheticFlashSaleRun(const SyntheticRunOptions& o) {
  RunResult run;
  run.policy = o.policy;
  run.description =
      absl::StrFormat("synthetic: headroom %.2f, start-up %.0f s", o.headroom, o.start_delay_s);
  ResourceRun& r = run.resources.emplace_back();
  r.target = o.target;
  r.min_replicas = kMinReplicas;
  r.max_replicas = kMaxReplicas;
  r.capacity_per_replica_rps = kReplicaRps;
  const int n = o.steps;
  const int delay = static_cast<int>(o.start_delay_s);
  std::vector<int32_t> spec_at(n);
  const auto wanted = [&](double demand) {
    return std::clamp(static_cast<int32_t>(std::ceil(demand * o.headroom / kReplicaRps)),
                      kMinReplicas, kMaxReplicas);
  };
  const int32_t initial = wanted(kBaselineRps);
  int32_t spec = initial, desired = initial;
  ResourceSummary& s = r.summary;
  s.target = o.target;
  std::vector<double> p95s;
  int64_t first_short = -1, caught_up = -1;
  for (int i = 0; i < n; ++i) {
    const double demand =
        std::max(0.0, FlashSale(static_cast<double>(i) / n) * (1 + o.jitter * Jitter(i)));
    if (i % 15 == 0) {
      DecisionRecord d;
      d.t_s = i;
      d.current = spec;
      d.ready = i >= delay ? std::min(spec, spec_at[i - delay]) : spec;
      d.desired = wanted(demand);
      // A 10 % tolerance, as real policies have, so that jitter alone rarely scales.
      if (std::abs(d.desired - spec) <= 0.1 * spec) d.desired = spec;
      d.actuated = d.desired != spec;
      d.reason = d.desired > spec   ? "scale_up_limited"
                 : d.desired < spec ? "scale_down"
                                    : "within_tolerance";
      d.message = absl::StrFormat("demand %.0f rps needs %d replicas at %.0f %% headroom", demand,
                                  d.desired, (o.headroom - 1) * 100);
      if (!d.actuated) d.note = "no change";
      if (d.desired > spec) ++s.scale_ups;
      if (d.desired < spec) ++s.scale_downs;
      desired = d.desired;
      spec = d.desired;
      r.decisions.push_back(d);
    }
    spec_at[i] = spec;
    TimelineRow row;
    row.t_s = i;
    row.demand_rps = demand;
    row.spec = spec;
    // Scale-up waits for start-up; scale-down is immediate.
    row.ready = i >= delay ? std::min(spec, spec_at[i - delay]) : std::min(spec, initial);
    row.starting = row.spec - row.ready;
    row.desired = desired;
    row.capacity_rps = row.ready * kReplicaRps;
    row.utilization = row.capacity_rps > 0 ? demand / row.capacity_rps : 0;
    const double u = row.utilization;
    row.p50_ms = 20 + 20 * std::min(u, 1.0);
    row.p95_ms = u < 0.9 ? 60 + 40 * u : std::min(5000.0, 96 + 4000 * (u - 0.9));
    row.p99_ms = row.p95_ms * 1.6;
    row.dropped = u > 1.2 ? demand - 1.2 * row.capacity_rps : 0;
    if (!o.allow_violations) {
      row.p95_ms = std::min(row.p95_ms, 200.0);
      row.p99_ms = std::min(row.p99_ms, 240.0);
      row.dropped = 0;
    }
    row.slo_violated = row.p95_ms > 250 || row.dropped > 0;
    if (demand > row.capacity_rps && first_short < 0) first_short = i;
    if (first_short >= 0 && caught_up < 0 && demand <= row.capacity_rps) caught_up = i;
    s.requests += demand;
    s.dropped += row.dropped;
    s.replica_hours += row.spec / 3600.0;
    s.max_replicas = std::max(s.max_replicas, row.spec);
    s.peak_demand_rps = std::max(s.peak_demand_rps, demand);
    if (row.slo_violated) s.slo_violation_s += 1;
    p95s.push_back(row.p95_ms);
    r.timeline.push_back(row);
  }
  s.p50_ms = Percentile(p95s, 50) * 0.5;
  s.p95_ms = Percentile(p95s, 95);
  s.p99_ms = Percentile(p95s, 99);
  s.slo_latency_ms = s.p95_ms;
  s.drop_rate = s.requests > 0 ? s.dropped / s.requests : 0;
  s.cost = s.replica_hours * o.price_per_replica_hour;
  if (first_short >= 0) s.time_to_capacity_s = (caught_up >= 0 ? caught_up : n) - first_short;
  s.capacity_reached = first_short < 0 || caught_up >= 0;
  s.meets_slo = s.slo_violation_s == 0 && s.drop_rate <= 0.001;
  run.events.push_back({0.3 * n, 0, "zone_outage", "zone b lost a third of the replicas"});
  run.events.push_back({0.7 * n, 0.05 * n, "metric_outage", "Prometheus unreachable"});
  return run;
}

Report SyntheticReport(std::vector<RunResult> runs) {
  Report report;
  report.scenario = "flash-sale";
  report.description = "flash sale: 200 rps baseline, 10x peak; 1 s steps; seed 7";
  report.start_time = "2024-11-29T09:00:00Z";
  report.step_s = 1;
  report.loop_interval_s = 15;
  report.runs = std::move(runs);
  return report;
}

int CountOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace limiar::sim::testing
