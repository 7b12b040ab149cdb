// Holt-Winters exponential smoothing with a seasonal component of one period (a day), in its
// additive form (the season adds a fixed amount) or multiplicative one (it scales with the
// level: a site that grows keeps the shape of its day). Smoothing constants are chosen by
// a grid search on one-step-ahead squared error over the fitting history; the trend is
// damped so that a forecast minutes ahead cannot run away on a spike.
#ifndef LIMIAR_POLICY_FORECAST_HOLT_WINTERS_H_
#define LIMIAR_POLICY_FORECAST_HOLT_WINTERS_H_

#include <string>
#include <vector>

#include "src/policy/forecast/forecaster.h"

namespace limiar::policy::forecast {

class HoltWinters final : public Forecaster {
 public:
  enum class Season { kAdditive, kMultiplicative };
  struct Params {
    double alpha = 0.2;  // level
    double beta = 0.01;  // trend
    double gamma = 0.1;  // season
    double phi = 0.98;   // trend damping per step
  };

  HoltWinters(Season season, size_t period);
  absl::string_view name() const override;
  absl::Status Fit(std::span<const double> history) override;
  void Observe(double value) override;
  double Forecast(size_t ahead) const override;

  const Params& params() const { return params_; }
  // Fits with fixed parameters (no search): for tests and for a known-good setting.
  absl::Status FitWith(std::span<const double> history, const Params& params);

 private:
  struct State {
    double level = 0;
    double trend = 0;
    std::vector<double> season;  // by phase
    size_t phase = 0;            // the phase of the next step
  };
  absl::Status Initialize(std::span<const double> history, State& state) const;
  void Step(const Params& p, double y, State& s) const;
  double Predict(const Params& p, const State& s, size_t ahead) const;
  // One-step-ahead sum of squared errors of `p` over `history` after its first two periods.
  double Sse(std::span<const double> history, const Params& p) const;

  Season kind_;
  size_t period_;
  Params params_;
  State state_;
  bool fitted_ = false;
};

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_HOLT_WINTERS_H_
