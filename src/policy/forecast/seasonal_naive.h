// Seasonal naive: the value one period ago (a day, or a week). The baseline every other
// forecaster is measured against (MASE), and often hard to beat on traffic.
#ifndef LIMIAR_POLICY_FORECAST_SEASONAL_NAIVE_H_
#define LIMIAR_POLICY_FORECAST_SEASONAL_NAIVE_H_

#include <string>

#include "src/policy/forecast/forecaster.h"
#include "src/policy/forecast/ring.h"

namespace limiar::policy::forecast {

class SeasonalNaive final : public Forecaster {
 public:
  SeasonalNaive(std::string name, size_t period) : name_(std::move(name)), last_(period) {}
  absl::string_view name() const override { return name_; }
  absl::Status Fit(std::span<const double> history) override;
  void Observe(double value) override { last_.Push(value); }
  double Forecast(size_t ahead) const override;

 private:
  std::string name_;
  Ring last_;  // the last period
};

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_SEASONAL_NAIVE_H_
