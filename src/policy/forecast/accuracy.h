// How good a forecaster is on a series it has not seen: fitted on the first `train` steps,
// then walked forward one step at a time (observing each step after forecasting it), each
// forecast made `ahead` steps before the value it predicts, as the forecasting policy uses
// them (start-up delay + one tick ahead). No look-ahead: a forecast of step t uses steps
// before t - ahead + 1 only.
#ifndef LIMIAR_POLICY_FORECAST_ACCURACY_H_
#define LIMIAR_POLICY_FORECAST_ACCURACY_H_

#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "src/policy/forecast/forecaster.h"

namespace limiar::policy::forecast {

// The forecasts of steps [train + ahead - 1, n), in order; FailedPrecondition from Fit.
absl::StatusOr<std::vector<double>> WalkForward(Forecaster& f, std::span<const double> series,
                                                size_t train, size_t ahead);

// Mean absolute error of `forecasts` against `actual` over their common length (0 if none).
double MeanAbsoluteError(std::span<const double> actual, std::span<const double> forecasts);

struct Accuracy {
  double mae = 0;
  // Mean absolute percentage error over the steps whose actual value is not 0, in percent.
  double mape = 0;
  // MAE over the MAE of the seasonal naive forecaster on the same steps (< 1: better).
  double mase = 0;
};
// `forecasts` and `baseline` predict `actual` (the same steps).
Accuracy Score(std::span<const double> actual, std::span<const double> forecasts,
               std::span<const double> baseline);

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_ACCURACY_H_
