#include "src/sim/report/report_format.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace limiar::sim {
namespace {

// Whole seconds, rounded, never negative: a report's times start at 0.
int64_t WholeSeconds(double t_s) {
  if (!std::isfinite(t_s) || t_s <= 0) return 0;
  return static_cast<int64_t>(std::llround(t_s));
}

}  // namespace

std::string FormatTrimmed(double v, int max_decimals) {
  if (!std::isfinite(v)) return "n/a";
  std::string s = absl::StrFormat("%.*f", max_decimals, v);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  // Rounding a tiny negative value must not print "-0".
  if (s == "-0") s = "0";
  return s;
}

std::string FormatCompact(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::fabs(v);
  if (a >= 1e6) return absl::StrCat(FormatTrimmed(v / 1e6, a >= 1e7 ? 0 : 1), "M");
  if (a >= 1e3) return absl::StrCat(FormatTrimmed(v / 1e3, a >= 1e4 ? 0 : 1), "k");
  if (a >= 10) return FormatTrimmed(v, 0);
  return FormatTrimmed(v, 2);
}

std::string FormatMs(double ms) {
  if (!std::isfinite(ms)) return "n/a";
  if (std::fabs(ms) < 10) return absl::StrFormat("%.2f", ms);
  if (std::fabs(ms) < 100) return absl::StrFormat("%.1f", ms);
  return absl::StrFormat("%.0f", ms);
}

std::string FormatPercent(double fraction) {
  if (!std::isfinite(fraction)) return "n/a";
  const double pct = fraction * 100;
  if (pct > 0 && pct < 0.0005) return "<0.001%";
  return absl::StrCat(FormatTrimmed(pct, 3), "%");
}

std::string FormatClock(double t_s) {
  const int64_t s = WholeSeconds(t_s);
  return absl::StrFormat("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
}

std::string FormatAxisTime(double t_s, bool in_seconds) {
  const int64_t s = WholeSeconds(t_s);
  if (in_seconds) return absl::StrFormat("%d s", s);
  return absl::StrFormat("%d:%02d", s / 3600, (s / 60) % 60);
}

std::string FormatDuration(double s_in) {
  if (!std::isfinite(s_in)) return "n/a";
  if (s_in < 1) return absl::StrCat(FormatTrimmed(s_in < 0 ? 0 : s_in, 1), " s");
  const int64_t s = WholeSeconds(s_in);
  if (s < 60) return absl::StrFormat("%d s", s);
  if (s < 3600) {
    if (s % 60 == 0) return absl::StrFormat("%d min", s / 60);
    return absl::StrFormat("%d min %d s", s / 60, s % 60);
  }
  const int64_t m = (s + 30) / 60;  // hours and minutes: seconds no longer matter
  return absl::StrFormat("%d h %02d min", m / 60, m % 60);
}

}  // namespace limiar::sim
