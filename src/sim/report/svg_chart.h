// The small amount of charting report.html needs, written out as SVG text: scales from data
// to SVG units, "nice" tick positions, and compact path data. No layout or styling here;
// the report's panels decide where charts go and the page's CSS decides how they look.
#ifndef LIMIAR_SIM_REPORT_SVG_CHART_H_
#define LIMIAR_SIM_REPORT_SVG_CHART_H_

#include <string>
#include <vector>

namespace limiar::sim {

// Appends a coordinate rounded to 0.1 unit, without a trailing ".0": at a thousand units
// across, a tenth is below a pixel, and the short form keeps long paths small.
void AppendCoord(std::string& out, double v);

// Data value -> SVG coordinate, linear, clamped to the range so that an outlier cannot
// draw outside its chart.
class LinearScale {
 public:
  LinearScale(double domain_lo, double domain_hi, double range_lo, double range_hi);
  double operator()(double v) const;

 private:
  double d0_, d1_, r0_, r1_;
};

// Data value -> SVG coordinate on a log10 axis; values at or below the domain's low end
// (including 0) sit on it.
class LogScale {
 public:
  LogScale(double domain_lo, double domain_hi, double range_lo, double range_hi);
  double operator()(double v) const;

 private:
  double l0_;           // log10(domain_lo), where values without a logarithm go
  LinearScale linear_;  // over log10 of the values: a log axis is a linear one on logs
};

// Ticks from 0 to a "nice" top (1, 2 or 5 x 10^k steps) that covers `max`, about
// `target_count` intervals. With `integers`, steps are whole numbers (replica counts).
// The last tick is the axis' top. `max` <= 0 gives the axis [0, 1].
std::vector<double> NiceTicks(double max, int target_count, bool integers);

// A log axis: the domain is widened to 1-2-5 values around [lo, hi]; the ticks are those
// 1-2-5 values, thinned to 1-5 or to powers of ten as the range grows.
struct LogAxis {
  double lo = 1;
  double hi = 10;
  std::vector<double> ticks;
};
LogAxis NiceLogAxis(double lo, double hi);

// Time ticks over [t0, t0 + span): a round step (seconds to days) giving at most
// `max_ticks` labels, in whole seconds for runs up to ten minutes, h:mm beyond.
struct TimeTicks {
  std::vector<double> at;
  bool in_seconds = true;
};
TimeTicks ChooseTimeTicks(double t0, double span, int max_ticks);

// SVG path data, built command by command with compact coordinates.
class PathData {
 public:
  void MoveTo(double x, double y);
  void LineTo(double x, double y);
  void HorizontalTo(double x);
  void VerticalTo(double y);
  void Close();
  bool empty() const { return d_.empty(); }
  const std::string& str() const { return d_; }

 private:
  std::string d_;
};

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_SVG_CHART_H_
