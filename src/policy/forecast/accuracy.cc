#include "src/policy/forecast/accuracy.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace limiar::policy::forecast {

absl::StatusOr<std::vector<double>> WalkForward(Forecaster& f, std::span<const double> series,
                                                size_t train, size_t ahead) {
  if (ahead == 0 || train > series.size()) {
    return absl::InvalidArgumentError(absl::StrCat("walk forward of ", series.size(),
                                                   " steps: train ", train, ", ahead ", ahead));
  }
  if (absl::Status fit = f.Fit(series.subspan(0, train)); !fit.ok()) return fit;
  std::vector<double> out;
  // After observing steps [0, t), the forecast `ahead` on predicts step t + ahead - 1.
  for (size_t t = train; t + ahead - 1 < series.size(); ++t) {
    out.push_back(f.Forecast(ahead));
    f.Observe(series[t]);
  }
  return out;
}

double MeanAbsoluteError(std::span<const double> actual, std::span<const double> forecasts) {
  const size_t n = std::min(actual.size(), forecasts.size());
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += std::abs(actual[i] - forecasts[i]);
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

Accuracy Score(std::span<const double> actual, std::span<const double> forecasts,
               std::span<const double> baseline) {
  Accuracy a;
  const size_t n = std::min({actual.size(), forecasts.size(), baseline.size()});
  actual = actual.first(n);
  a.mae = MeanAbsoluteError(actual, forecasts.first(n));
  const double base = MeanAbsoluteError(actual, baseline.first(n));
  a.mase = base == 0 ? (a.mae == 0 ? 0 : INFINITY) : a.mae / base;
  double pct = 0;
  size_t nonzero = 0;
  for (size_t i = 0; i < n; ++i) {
    if (actual[i] == 0) continue;
    pct += std::abs(actual[i] - forecasts[i]) / std::abs(actual[i]);
    ++nonzero;
  }
  a.mape = nonzero == 0 ? 0 : 100 * pct / static_cast<double>(nonzero);
  return a;
}

}  // namespace limiar::policy::forecast
