// The chart of one resource under one policy: three stacked plots on one time axis —
// demand vs ready capacity, replicas (spec, ready, desired, the policy's bounds, a marker
// per actuated scale decision) and response time against the SLO — with SLO-violation
// bands and injected events drawn across all three. One <svg> per panel.
#ifndef LIMIAR_SIM_REPORT_RESOURCE_CHART_H_
#define LIMIAR_SIM_REPORT_RESOURCE_CHART_H_

#include <string>
#include <vector>

#include "src/sim/model/sim_result.h"

namespace limiar::sim {

struct ChartInput {
  const ResourceRun* resource = nullptr;  // with a non-empty timeline
  const std::vector<EventRecord>* events = nullptr;
  const SloSpec* slo = nullptr;
  double step_s = 1;
  double width = 1160;  // SVG user units; the page scales the chart to its column
  std::string aria_label;
};

struct ChartStats {
  int markers_drawn = 0;
  int markers_total = 0;  // actuated decisions that changed the count
  int violation_bands = 0;
};

// Markers drawn at most per chart. Beyond it they are sampled evenly: thousands of
// overlapping triangles say no more than two thousand do, and each carries a tooltip.
inline constexpr int kMaxDecisionMarkers = 2000;
// Pixel columns the timeline is reduced to.
inline constexpr int kMaxChartColumns = 1200;

ChartStats AppendResourceChart(std::string& out, const ChartInput& input);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_RESOURCE_CHART_H_
