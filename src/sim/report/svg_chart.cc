#include "src/sim/report/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace limiar::sim {
namespace {

double Clamp01(double f) { return std::isfinite(f) ? std::clamp(f, 0.0, 1.0) : 0.0; }

// The smallest 1-2-5 x 10^k value >= v (v > 0).
double Nice125Ceil(double v) {
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v * (1 - 1e-12)) return m * p;
  }
  return 10 * p;
}

// The largest 1-2-5 x 10^k value <= v (v > 0).
double Nice125Floor(double v) {
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {10.0, 5.0, 2.0, 1.0}) {
    if (m * p <= v * (1 + 1e-12)) return m * p;
  }
  return p;
}

}  // namespace

void AppendCoord(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
  const int64_t tenths = std::llround(v * 10);
  const int64_t mag = tenths < 0 ? -tenths : tenths;
  if (tenths < 0) out.push_back('-');
  absl::StrAppend(&out, mag / 10);
  if (mag % 10 != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + mag % 10));
  }
}

LinearScale::LinearScale(double domain_lo, double domain_hi, double range_lo, double range_hi)
    : d0_(domain_lo), d1_(domain_hi), r0_(range_lo), r1_(range_hi) {}

double LinearScale::operator()(double v) const {
  const double f = d1_ == d0_ ? 0 : (v - d0_) / (d1_ - d0_);
  return r0_ + Clamp01(f) * (r1_ - r0_);
}

LogScale::LogScale(double domain_lo, double domain_hi, double range_lo, double range_hi)
    : l0_(std::log10(domain_lo)), linear_(l0_, std::log10(domain_hi), range_lo, range_hi) {}

double LogScale::operator()(double v) const { return linear_(v > 0 ? std::log10(v) : l0_); }

std::vector<double> NiceTicks(double max, int target_count, bool integers) {
  if (!std::isfinite(max) || max <= 0) return {0, 1};
  double step = Nice125Ceil(max / std::max(target_count, 1));
  if (integers) step = std::max(1.0, std::round(step));
  const int n = static_cast<int>(std::ceil(max / step - 1e-9));
  std::vector<double> ticks;
  for (int i = 0; i <= std::max(n, 1); ++i) ticks.push_back(i * step);
  return ticks;
}

LogAxis NiceLogAxis(double lo, double hi) {
  LogAxis axis;
  if (!std::isfinite(lo) || lo <= 0) lo = 1;
  if (!std::isfinite(hi) || hi <= lo) hi = lo * 10;
  axis.lo = Nice125Floor(lo);
  axis.hi = Nice125Ceil(hi);
  if (axis.hi <= axis.lo) axis.hi = axis.lo * 10;
  // A short chart has room for about six labels: 1-2-5 over a decade or so, 1-5 over two
  // or three, powers of ten beyond.
  const double ratio = axis.hi / axis.lo;
  const bool with_2 = ratio <= 20, with_5 = ratio <= 500;
  for (double p = std::pow(10.0, std::floor(std::log10(axis.lo))); p <= axis.hi * 1.0001; p *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      if ((m == 2.0 && !with_2) || (m == 5.0 && !with_5)) continue;
      const double v = m * p;
      if (v >= axis.lo * 0.9999 && v <= axis.hi * 1.0001) axis.ticks.push_back(v);
    }
  }
  return axis;
}

TimeTicks ChooseTimeTicks(double t0, double span, int max_ticks) {
  static constexpr std::array<double, 19> kSteps = {1,     2,     5,     10,    15,   30,   60,
                                                    120,   300,   600,   900,   1800, 3600, 7200,
                                                    10800, 14400, 21600, 43200, 86400};
  TimeTicks ticks;
  ticks.in_seconds = span <= 600;
  double step = kSteps.back();
  for (double s : kSteps) {
    if (!ticks.in_seconds && s < 60) continue;  // h:mm labels need whole minutes
    if (span / s <= max_ticks) {
      step = s;
      break;
    }
  }
  const double end = t0 + span;
  for (double t = std::ceil(t0 / step - 1e-9) * step; t <= end + 1e-9; t += step) {
    ticks.at.push_back(t);
  }
  return ticks;
}

void PathData::MoveTo(double x, double y) {
  d_.push_back('M');
  AppendCoord(d_, x);
  d_.push_back(' ');
  AppendCoord(d_, y);
}

void PathData::LineTo(double x, double y) {
  d_.push_back('L');
  AppendCoord(d_, x);
  d_.push_back(' ');
  AppendCoord(d_, y);
}

void PathData::HorizontalTo(double x) {
  d_.push_back('H');
  AppendCoord(d_, x);
}

void PathData::VerticalTo(double y) {
  d_.push_back('V');
  AppendCoord(d_, y);
}

void PathData::Close() { d_.push_back('Z'); }

}  // namespace limiar::sim
