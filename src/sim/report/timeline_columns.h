// Downsampling a timeline for drawing. A 48 h per-second run has 172,800 rows per resource;
// a chart is about a thousand pixels wide, so each pixel column summarizes the rows that
// fall in it: min and max for demand and latency (a one-second spike stays visible), the
// last value for the step series (replicas and capacity hold between changes).
#ifndef LIMIAR_SIM_REPORT_TIMELINE_COLUMNS_H_
#define LIMIAR_SIM_REPORT_TIMELINE_COLUMNS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "src/sim/model/sim_result.h"

namespace limiar::sim {

struct TimelineColumns {
  int count = 0;      // columns; each holds at least one row
  double t0_s = 0;    // the first row's time
  double span_s = 0;  // from t0 to the end of the last row's step
  // Demand over the column, and whether its minimum came before its maximum, so that the
  // drawn line visits them in the order the data did.
  std::vector<double> demand_lo, demand_hi;
  std::vector<uint8_t> demand_lo_first;
  // Values at the column's last row.
  std::vector<double> capacity_rps;
  std::vector<int32_t> spec, ready, desired;
  // The worst step's response time at the chosen percentile.
  std::vector<double> latency_max_ms;

  // Where column `c` starts in time; column `count` is the run's end.
  double ColumnStart(int c) const { return t0_s + span_s * c / count; }
};

// Rows go to columns by index (the simulator's rows are evenly spaced), at most
// `max_columns` columns and never more than there are rows. `step_s` is the length of the
// last row's step; `latency_ms` picks the percentile the chart shows (the SLO's). Non-finite
// values read as 0 so they cannot break the drawing.
TimelineColumns DownsampleTimeline(std::span<const TimelineRow> rows, double step_s,
                                   int max_columns, double TimelineRow::*latency_ms);

struct TimeInterval {
  double start_s = 0;
  double end_s = 0;
  double violated_s = 0;  // less than end - start when gaps were merged in
};

// The steps with slo_violated, merged into contiguous intervals [start, end). Intervals
// closer than `min_gap_s` are merged too: a gap narrower than a pixel column cannot be seen,
// and merging bounds the number of shapes on a long, flapping run.
std::vector<TimeInterval> ViolationIntervals(std::span<const TimelineRow> rows, double step_s,
                                             double min_gap_s);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_TIMELINE_COLUMNS_H_
