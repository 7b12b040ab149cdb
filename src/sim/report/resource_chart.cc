#include "src/sim/report/resource_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "src/sim/report/html_escape.h"
#include "src/sim/report/report_format.h"
#include "src/sim/report/svg_chart.h"
#include "src/sim/report/timeline_columns.h"

namespace limiar::sim {
namespace {

// A plot's vertical extent; all three share the horizontal one.
struct Box {
  double top = 0;
  double bottom = 0;
};

struct Layout {
  double width = 0, height = 0;
  double left = 0, right = 0;
  Box traffic, replicas, latency;
};

// Room for the y labels on the left, titles above each plot, time labels below the last.
Layout MakeLayout(double width) {
  Layout l;
  l.width = width;
  l.left = 52;
  l.right = width - 16;
  l.traffic = {30, 200};
  l.replicas = {236, 366};
  l.latency = {402, 512};
  l.height = 552;
  return l;
}

struct Pt {
  double x = 0, y = 0;
};

std::string Num(double v) {
  std::string s;
  AppendCoord(s, v);
  return s;
}

void AppendLine(std::string& out, absl::string_view cls, double x1, double y1, double x2,
                double y2) {
  absl::StrAppend(&out, "<line class=\"", cls, "\" x1=\"", Num(x1), "\" y1=\"", Num(y1), "\" x2=\"",
                  Num(x2), "\" y2=\"", Num(y2), "\"/>");
}

void AppendText(std::string& out, absl::string_view cls, double x, double y,
                absl::string_view text) {
  absl::StrAppend(&out, "<text class=\"", cls, "\" x=\"", Num(x), "\" y=\"", Num(y), "\">");
  AppendHtmlEscaped(out, text);
  out.append("</text>");
}

// A full-height band (violation or event) with its tooltip.
void AppendBand(std::string& out, absl::string_view cls, double x0, double x1, const Layout& l,
                absl::string_view title) {
  // A band narrower than a pixel or two would vanish; one violated second in 48 hours
  // still deserves a visible sliver.
  const double w = std::max(x1 - x0, 2.0);
  absl::StrAppend(&out, "<rect class=\"", cls, "\" x=\"", Num(x0), "\" y=\"", Num(l.traffic.top),
                  "\" width=\"", Num(w), "\" height=\"", Num(l.latency.bottom - l.traffic.top),
                  "\"><title>");
  AppendHtmlEscaped(out, title);
  out.append("</title></rect>");
}

void AppendPath(std::string& out, absl::string_view cls, const PathData& d) {
  if (d.empty()) return;
  absl::StrAppend(&out, "<path class=\"", cls, "\" d=\"", d.str(), "\"/>");
}

// Emits the polyline through `pts`, with H and V where a segment is axis-parallel (most of
// a step line), which halves the bytes of a long run.
void AppendPolyline(PathData& d, const std::vector<Pt>& pts, bool move_first) {
  for (size_t i = 0; i < pts.size(); ++i) {
    const Pt& p = pts[i];
    if (i == 0) {
      if (move_first) {
        d.MoveTo(p.x, p.y);
      } else {
        d.LineTo(p.x, p.y);
      }
    } else if (p.y == pts[i - 1].y) {
      d.HorizontalTo(p.x);
    } else if (p.x == pts[i - 1].x) {
      d.VerticalTo(p.y);
    } else {
      d.LineTo(p.x, p.y);
    }
  }
}

// A step line's corners: column c holds its value from its start to the next column's.
template <typename T, typename YScale>
std::vector<Pt> StepCorners(const std::vector<T>& values, const std::vector<double>& col_x,
                            const YScale& y) {
  std::vector<Pt> pts;
  if (values.empty()) return pts;
  double last_y = y(static_cast<double>(values[0]));
  pts.push_back({col_x[0], last_y});
  for (size_t c = 1; c < values.size(); ++c) {
    const double vy = y(static_cast<double>(values[c]));
    if (vy == last_y) continue;
    pts.push_back({col_x[c], last_y});
    pts.push_back({col_x[c], vy});
    last_y = vy;
  }
  pts.push_back({col_x[values.size()], last_y});
  return pts;
}

PathData StepPath(const std::vector<Pt>& pts) {
  PathData d;
  AppendPolyline(d, pts, true);
  return d;
}

absl::string_view LatencyLabel(double percentile) {
  if (percentile == 50) return "p50";
  if (percentile == 99) return "p99";
  return "p95";
}

double TimelineRow::*LatencyField(double percentile) {
  if (percentile == 50) return &TimelineRow::p50_ms;
  if (percentile == 99) return &TimelineRow::p99_ms;
  return &TimelineRow::p95_ms;
}

std::string HumanKind(absl::string_view kind) {
  std::string s(kind);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

// Horizontal grid lines and their labels for one plot.
template <typename YScale, typename Label>
void AppendYGrid(std::string& out, const Layout& l, const std::vector<double>& ticks,
                 const YScale& y, const Label& label) {
  for (double t : ticks) {
    const double ty = y(t);
    AppendLine(out, "grid", l.left, ty, l.right, ty);
    AppendText(out, "yl", l.left - 6, ty + 3.5, label(t));
  }
}

void AppendTimeGrid(std::string& out, const Layout& l, const TimeTicks& ticks,
                    const LinearScale& x) {
  for (double t : ticks.at) {
    const double tx = x(t);
    for (const Box* b : {&l.traffic, &l.replicas, &l.latency}) {
      AppendLine(out, "grid", tx, b->top, tx, b->bottom);
    }
    AppendText(out, "xl", tx, l.latency.bottom + 15, FormatAxisTime(t, ticks.in_seconds));
  }
  AppendText(out, "xt", (l.left + l.right) / 2, l.latency.bottom + 31,
             ticks.in_seconds ? "time since start (s)" : "time since start (h:mm)");
}

void AppendFrames(std::string& out, const Layout& l) {
  for (const Box* b : {&l.traffic, &l.replicas, &l.latency}) {
    absl::StrAppend(&out, "<rect class=\"frame\" x=\"", Num(l.left), "\" y=\"", Num(b->top),
                    "\" width=\"", Num(l.right - l.left), "\" height=\"", Num(b->bottom - b->top),
                    "\"/>");
  }
}

int AppendViolationBands(std::string& out, const ChartInput& in, const TimelineColumns& cols,
                         const Layout& l, const LinearScale& x) {
  const std::vector<TimeInterval> bands =
      ViolationIntervals(in.resource->timeline, in.step_s, cols.span_s / cols.count);
  for (const TimeInterval& b : bands) {
    // A merged band says how much of it was in violation, not only where it lies.
    const bool whole = b.violated_s >= b.end_s - b.start_s - 1e-9;
    AppendBand(out, "viol", x(b.start_s), x(b.end_s), l,
               whole ? absl::StrCat("SLO violated ", FormatClock(b.start_s), "–",
                                    FormatClock(b.end_s), " (", FormatDuration(b.violated_s), ")")
                     : absl::StrCat("SLO violated for ", FormatDuration(b.violated_s), " between ",
                                    FormatClock(b.start_s), " and ", FormatClock(b.end_s)));
  }
  return static_cast<int>(bands.size());
}

std::string EventTitle(const EventRecord& e) {
  std::string s = absl::StrCat(HumanKind(e.kind), " at ", FormatClock(e.t_s));
  if (e.duration_s > 0) absl::StrAppend(&s, " for ", FormatDuration(e.duration_s));
  if (!e.description.empty()) absl::StrAppend(&s, ": ", e.description);
  return s;
}

void AppendEventBands(std::string& out, const ChartInput& in, const Layout& l,
                      const LinearScale& x) {
  for (const EventRecord& e : *in.events) {
    if (e.duration_s > 0) {
      AppendBand(out, "ev-band", x(e.t_s), x(e.t_s + e.duration_s), l, EventTitle(e));
    }
  }
}

// Event lines and labels go above the data so the label stays legible.
void AppendEventMarks(std::string& out, const ChartInput& in, const Layout& l,
                      const LinearScale& x) {
  for (const EventRecord& e : *in.events) {
    const double ex = x(e.t_s);
    out.append("<g class=\"ev\"><title>");
    AppendHtmlEscaped(out, EventTitle(e));
    out.append("</title>");
    AppendLine(out, "ev-line", ex, l.traffic.top, ex, l.latency.bottom);
    // Near the right edge the label reads leftwards so it stays inside the chart.
    const bool flip = ex > l.right - 110;
    AppendText(out, flip ? "ev-label end" : "ev-label", flip ? ex - 4 : ex + 4, l.traffic.top + 13,
               HumanKind(e.kind));
    out.append("</g>");
  }
}

void AppendTrafficPlot(std::string& out, const TimelineColumns& cols,
                       const std::vector<double>& col_x, const Layout& l) {
  double top = 0;
  for (int c = 0; c < cols.count; ++c) {
    top = std::max({top, cols.demand_hi[c], cols.capacity_rps[c]});
  }
  const std::vector<double> ticks = NiceTicks(top * 1.05, 4, false);
  const LinearScale y(0, ticks.back(), l.traffic.bottom, l.traffic.top);
  AppendYGrid(out, l, ticks, y, [](double v) { return FormatCompact(v); });
  AppendText(out, "ct", l.left, l.traffic.top - 9, "Demand vs ready capacity (requests/s)");

  // The envelope through each column's min and max, in the order they happened.
  std::vector<Pt> pts;
  pts.reserve(2 * cols.count);
  for (int c = 0; c < cols.count; ++c) {
    const double cx = (col_x[c] + col_x[c + 1]) / 2;
    const double lo = y(cols.demand_lo[c]), hi = y(cols.demand_hi[c]);
    if (lo == hi) {
      pts.push_back({cx, lo});
    } else if (cols.demand_lo_first[c]) {
      pts.push_back({cx, lo});
      pts.push_back({cx, hi});
    } else {
      pts.push_back({cx, hi});
      pts.push_back({cx, lo});
    }
  }
  PathData area;
  area.MoveTo(pts.front().x, l.traffic.bottom);
  AppendPolyline(area, pts, false);
  area.VerticalTo(l.traffic.bottom);
  area.Close();
  AppendPath(out, "s-demand-area", area);
  PathData line;
  AppendPolyline(line, pts, true);
  AppendPath(out, "s-demand", line);
  AppendPath(out, "s-capacity", StepPath(StepCorners(cols.capacity_rps, col_x, y)));
}

// Returns the replica scale so that decision markers land on it.
LinearScale AppendReplicasPlot(std::string& out, const ChartInput& in, const TimelineColumns& cols,
                               const std::vector<double>& col_x, const Layout& l,
                               double marker_max) {
  const ResourceRun& r = *in.resource;
  double data_max = std::max<double>(marker_max, r.min_replicas);
  for (int c = 0; c < cols.count; ++c) {
    data_max = std::max<double>({data_max, static_cast<double>(cols.spec[c]),
                                 static_cast<double>(cols.ready[c]),
                                 static_cast<double>(cols.desired[c])});
  }
  // A far-away ceiling (max 1000 for a service that peaks at 12) would flatten the lines;
  // it is then named in the title instead of drawn.
  const bool show_max = r.max_replicas > 0 && r.max_replicas <= 1.5 * std::max(data_max, 1.0);
  if (show_max) data_max = std::max<double>(data_max, r.max_replicas);
  const std::vector<double> ticks = NiceTicks(std::max(data_max, 1.0) * 1.08, 4, true);
  const LinearScale y(0, ticks.back(), l.replicas.bottom, l.replicas.top);
  AppendYGrid(out, l, ticks, y, [](double v) { return FormatCompact(v); });
  std::string title = "Replicas";
  if (r.max_replicas > 0 && !show_max) {
    absl::StrAppend(&title, " (max ", r.max_replicas, ", off scale)");
  }
  AppendText(out, "ct", l.left, l.replicas.top - 9, title);

  const std::vector<Pt> spec = StepCorners(cols.spec, col_x, y);
  const std::vector<Pt> ready = StepCorners(cols.ready, col_x, y);
  // Replicas still starting: the area between what was asked for and what is ready.
  if (cols.spec != cols.ready) {
    PathData starting;
    AppendPolyline(starting, spec, true);
    AppendPolyline(starting, std::vector<Pt>(ready.rbegin(), ready.rend()), false);
    starting.Close();
    AppendPath(out, "s-starting", starting);
  }
  const auto guide = [&](int32_t v, absl::string_view name) {
    const double gy = y(v);
    AppendLine(out, "guide", l.left, gy, l.right, gy);
    AppendText(out, "gl", l.right - 4, gy - 4, absl::StrCat(name, " ", v));
  };
  if (r.min_replicas > 0) guide(r.min_replicas, "min");
  if (show_max) guide(r.max_replicas, "max");
  AppendPath(out, "s-spec", StepPath(spec));
  AppendPath(out, "s-ready", StepPath(ready));
  AppendPath(out, "s-desired", StepPath(StepCorners(cols.desired, col_x, y)));
  return y;
}

void AppendLatencyPlot(std::string& out, const ChartInput& in, const TimelineColumns& cols,
                       const std::vector<double>& col_x, const Layout& l) {
  const double slo_ms = in.slo->latency_ms;
  double lo = 0, hi = 0;
  for (double v : cols.latency_max_ms) {
    if (v > 0) lo = lo == 0 ? v : std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (slo_ms > 0) {
    lo = lo == 0 ? slo_ms / 10 : std::min(lo, slo_ms);
    hi = std::max(hi, slo_ms * 1.2);
  }
  const LogAxis axis = NiceLogAxis(lo, hi);
  const LogScale y(axis.lo, axis.hi, l.latency.bottom, l.latency.top);
  AppendYGrid(out, l, axis.ticks, y, [](double v) { return FormatCompact(v); });
  AppendText(
      out, "ct", l.left, l.latency.top - 9,
      absl::StrCat(LatencyLabel(in.slo->latency_percentile), " response time (ms, log scale)"));
  if (slo_ms > 0) {
    const double sy = y(slo_ms);
    AppendLine(out, "slo-line", l.left, sy, l.right, sy);
    AppendText(out, "gl slo", l.right - 4, sy - 4, absl::StrCat("SLO ", FormatMs(slo_ms), " ms"));
  }
  PathData d;
  for (int c = 0; c < cols.count; ++c) {
    const double cx = (col_x[c] + col_x[c + 1]) / 2;
    const double cy = y(cols.latency_max_ms[c]);
    if (c == 0) {
      d.MoveTo(cx, cy);
    } else {
      d.LineTo(cx, cy);
    }
  }
  AppendPath(out, "s-latency", d);
}

// The actuated decisions that changed the replica count, thinned evenly past the cap.
std::vector<const DecisionRecord*> MarkerDecisions(const ResourceRun& r, int* total) {
  std::vector<const DecisionRecord*> all;
  for (const DecisionRecord& d : r.decisions) {
    if (d.actuated && d.desired != d.current) all.push_back(&d);
  }
  *total = static_cast<int>(all.size());
  if (all.size() <= static_cast<size_t>(kMaxDecisionMarkers)) return all;
  std::vector<const DecisionRecord*> kept;
  kept.reserve(kMaxDecisionMarkers);
  for (int k = 0; k < kMaxDecisionMarkers; ++k) {
    kept.push_back(all[static_cast<size_t>(k) * all.size() / kMaxDecisionMarkers]);
  }
  return kept;
}

void AppendMarkers(std::string& out, const std::vector<const DecisionRecord*>& decisions,
                   const LinearScale& x, const LinearScale& y) {
  if (decisions.empty()) return;
  out.append("<g class=\"mk\">");
  for (const DecisionRecord* d : decisions) {
    const bool up = d->desired > d->current;
    const double mx = x(d->t_s), my = y(d->desired);
    absl::StrAppend(&out, "<path class=\"", up ? "mk-up" : "mk-down", "\" d=\"M", Num(mx), " ",
                    Num(up ? my - 5 : my + 5), up ? "l5 9h-10z" : "l5 -9h-10z", "\"><title>");
    AppendHtmlEscaped(
        out, absl::StrCat(FormatClock(d->t_s), " · scale ", up ? "up " : "down ", d->current, " → ",
                          d->desired, " (ready ", d->ready, ")\n", d->reason));
    if (!d->message.empty()) {
      out.push_back('\n');
      AppendHtmlEscaped(out, d->message);
    }
    out.append("</title></path>");
  }
  out.append("</g>");
}

}  // namespace

ChartStats AppendResourceChart(std::string& out, const ChartInput& in) {
  ChartStats stats;
  const ResourceRun& r = *in.resource;
  const TimelineColumns cols = DownsampleTimeline(r.timeline, in.step_s, kMaxChartColumns,
                                                  LatencyField(in.slo->latency_percentile));
  if (cols.count == 0) return stats;
  const Layout l = MakeLayout(in.width);
  const LinearScale x(cols.t0_s, cols.t0_s + cols.span_s, l.left, l.right);
  std::vector<double> col_x(cols.count + 1);
  for (int c = 0; c <= cols.count; ++c) col_x[c] = x(cols.ColumnStart(c));

  const std::vector<const DecisionRecord*> markers = MarkerDecisions(r, &stats.markers_total);
  stats.markers_drawn = static_cast<int>(markers.size());
  double marker_max = 0;
  for (const DecisionRecord* d : markers) marker_max = std::max<double>(marker_max, d->desired);

  absl::StrAppend(&out, "<svg class=\"chart\" viewBox=\"0 0 ", Num(l.width), " ", Num(l.height),
                  "\" role=\"img\" aria-label=\"");
  AppendHtmlEscaped(out, in.aria_label);
  out.append("\">");
  AppendFrames(out, l);
  stats.violation_bands = AppendViolationBands(out, in, cols, l, x);
  AppendEventBands(out, in, l, x);
  AppendTimeGrid(out, l, ChooseTimeTicks(cols.t0_s, cols.span_s, 8), x);
  AppendTrafficPlot(out, cols, col_x, l);
  const LinearScale y_replicas = AppendReplicasPlot(out, in, cols, col_x, l, marker_max);
  AppendLatencyPlot(out, in, cols, col_x, l);
  AppendEventMarks(out, in, l, x);
  AppendMarkers(out, markers, x, y_replicas);
  out.append("</svg>");
  return stats;
}

}  // namespace limiar::sim
