#include "src/sim/report/timeline_columns.h"

#include <algorithm>
#include <cmath>

namespace limiar::sim {
namespace {

double Finite(double v) { return std::isfinite(v) ? v : 0; }

}  // namespace

TimelineColumns DownsampleTimeline(std::span<const TimelineRow> rows, double step_s,
                                   int max_columns, double TimelineRow::*latency_ms) {
  TimelineColumns out;
  if (rows.empty() || max_columns <= 0) return out;
  const int64_t n = static_cast<int64_t>(rows.size());
  const int count = static_cast<int>(std::min<int64_t>(n, max_columns));
  out.count = count;
  out.t0_s = Finite(rows.front().t_s);
  const double last_step = (std::isfinite(step_s) && step_s > 0) ? step_s : 1;
  out.span_s = std::max(Finite(rows.back().t_s) + last_step - out.t0_s, last_step);
  out.demand_lo.assign(count, 0);
  out.demand_hi.assign(count, 0);
  out.demand_lo_first.assign(count, 1);
  out.capacity_rps.assign(count, 0);
  out.spec.assign(count, 0);
  out.ready.assign(count, 0);
  out.desired.assign(count, 0);
  out.latency_max_ms.assign(count, 0);

  int64_t i = 0;
  for (int c = 0; c < count; ++c) {
    // Rows [i, end) belong to column c; integer arithmetic so the split is exact.
    const int64_t end = (static_cast<int64_t>(c) + 1) * n / count;
    double lo = Finite(rows[i].demand_rps), hi = lo;
    int64_t lo_at = i, hi_at = i;
    double latency = 0;
    for (; i < end; ++i) {
      const TimelineRow& r = rows[i];
      const double d = Finite(r.demand_rps);
      if (d < lo) {
        lo = d;
        lo_at = i;
      }
      if (d > hi) {
        hi = d;
        hi_at = i;
      }
      latency = std::max(latency, Finite(r.*latency_ms));
    }
    const TimelineRow& last = rows[end - 1];
    out.demand_lo[c] = lo;
    out.demand_hi[c] = hi;
    out.demand_lo_first[c] = lo_at <= hi_at ? 1 : 0;
    out.capacity_rps[c] = Finite(last.capacity_rps);
    out.spec[c] = last.spec;
    out.ready[c] = last.ready;
    out.desired[c] = last.desired;
    out.latency_max_ms[c] = latency;
  }
  return out;
}

std::vector<TimeInterval> ViolationIntervals(std::span<const TimelineRow> rows, double step_s,
                                             double min_gap_s) {
  std::vector<TimeInterval> out;
  const double last_step = (std::isfinite(step_s) && step_s > 0) ? step_s : 1;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].slo_violated) continue;
    const double start = Finite(rows[i].t_s);
    const double end = i + 1 < rows.size() ? Finite(rows[i + 1].t_s) : start + last_step;
    if (!out.empty() && start - out.back().end_s < std::max(min_gap_s, 1e-9)) {
      out.back().end_s = std::max(out.back().end_s, end);
    } else {
      out.push_back({start, end, 0});
    }
    out.back().violated_s += end - start;
  }
  return out;
}

}  // namespace limiar::sim
