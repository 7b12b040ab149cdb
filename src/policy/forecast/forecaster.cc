#include "src/policy/forecast/forecaster.h"

#include <algorithm>
#include <cmath>

#include "src/policy/forecast/holt_winters.h"
#include "src/policy/forecast/seasonal_naive.h"
#include "src/policy/forecast/spectral.h"

namespace limiar::policy::forecast {
namespace {

size_t StepsIn(double seconds, double step_s) {
  return static_cast<size_t>(std::max(1.0, std::round(seconds / std::max(step_s, 1e-9))));
}

}  // namespace

size_t DailyPeriod(double step_s) { return StepsIn(86400, step_s); }
size_t WeeklyPeriod(double step_s) { return StepsIn(7 * 86400, step_s); }

const char* ForecasterKindName(ForecasterKind kind) {
  switch (kind) {
    case ForecasterKind::kSeasonalNaiveDaily:
      return "seasonal_naive_daily";
    case ForecasterKind::kSeasonalNaiveWeekly:
      return "seasonal_naive_weekly";
    case ForecasterKind::kHoltWintersAdditive:
      return "holt_winters_add";
    case ForecasterKind::kHoltWintersMultiplicative:
      return "holt_winters_mul";
    case ForecasterKind::kSpectral:
      return "spectral";
  }
  return "unknown";
}

std::optional<ForecasterKind> ForecasterKindFromName(absl::string_view name) {
  for (ForecasterKind kind : kAllForecasterKinds) {
    if (name == ForecasterKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::unique_ptr<Forecaster> MakeForecaster(ForecasterKind kind, double step_s) {
  const size_t day = DailyPeriod(step_s);
  switch (kind) {
    case ForecasterKind::kSeasonalNaiveDaily:
      return std::make_unique<SeasonalNaive>(ForecasterKindName(kind), day);
    case ForecasterKind::kSeasonalNaiveWeekly:
      return std::make_unique<SeasonalNaive>(ForecasterKindName(kind), WeeklyPeriod(step_s));
    case ForecasterKind::kHoltWintersAdditive:
      return std::make_unique<HoltWinters>(HoltWinters::Season::kAdditive, day);
    case ForecasterKind::kHoltWintersMultiplicative:
      return std::make_unique<HoltWinters>(HoltWinters::Season::kMultiplicative, day);
    case ForecasterKind::kSpectral: {
      // Periods from 10 minutes to a week, searched in the last four weeks.
      Spectral::Options o;
      o.search.min_period = StepsIn(600, step_s);
      o.max_window = 4 * WeeklyPeriod(step_s);
      return std::make_unique<Spectral>(o);
    }
  }
  return nullptr;
}

}  // namespace limiar::policy::forecast
