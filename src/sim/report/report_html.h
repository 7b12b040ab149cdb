// report.html: one self-contained page (inline SVG and CSS, a few lines of inline script,
// nothing fetched) that shows, per resource and per policy, demand vs ready capacity vs
// replicas over time, decision markers, injected events and SLO-violation shading, below
// the header and the summary table. Long runs are downsampled for drawing (min/max per pixel
// column), so the file stays small and spikes stay visible.
#ifndef LIMIAR_SIM_REPORT_REPORT_HTML_H_
#define LIMIAR_SIM_REPORT_REPORT_HTML_H_

#include <string>

#include "src/sim/model/sim_result.h"

namespace limiar::sim {

std::string RenderReportHtml(const Report& report);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_REPORT_HTML_H_
