// The spectral forecaster: finds the series' dominant period (periodogram peaks confirmed by
// autocorrelation, periodogram.h), then forecasts each step as the mean of the same phase
// over the last cycles, shifted by how far the recent level has moved from those cycles'
// level (a site that grows, a day busier than the last ones). Without a significant period
// it does not fit, and the choosing forecaster falls back on the others.
#ifndef LIMIAR_POLICY_FORECAST_SPECTRAL_H_
#define LIMIAR_POLICY_FORECAST_SPECTRAL_H_

#include <optional>

#include "src/policy/forecast/forecaster.h"
#include "src/policy/forecast/periodogram.h"
#include "src/policy/forecast/ring.h"

namespace limiar::policy::forecast {

class Spectral final : public Forecaster {
 public:
  struct Options {
    PeriodSearch search;
    size_t max_window = 0;  // the most recent steps searched for a period (0: all)
    size_t cycles = 3;      // cycles averaged per phase
  };
  explicit Spectral(Options options);
  absl::string_view name() const override { return ForecasterKindName(ForecasterKind::kSpectral); }
  absl::Status Fit(std::span<const double> history) override;
  void Observe(double value) override;
  double Forecast(size_t ahead) const override;

  // The period found by the last successful Fit, in steps.
  size_t period() const { return period_; }

 private:
  // Mean of the values at `age` + j * period_ for `cycles` cycles from j = `first`, over
  // the cycles kept (the value at `age` itself when none is).
  double PhaseMean(size_t age, size_t first) const;
  void UpdateLevelShift();

  Options options_;
  size_t period_ = 0;
  Ring history_{1};
  double level_shift_ = 0;
};

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_SPECTRAL_H_
