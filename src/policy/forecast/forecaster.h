// Forecasters of one evenly spaced series (one value per step, e.g. a target's load per
// minute), for the forecasting policy (`previsao`): fitted once on the target's history, then
// fed each new step, and asked for the value some steps ahead. Decision code: no clock, no
// I/O, no randomness; time is the step index.
#ifndef LIMIAR_POLICY_FORECAST_FORECASTER_H_
#define LIMIAR_POLICY_FORECAST_FORECASTER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar::policy::forecast {

class Forecaster {
 public:
  virtual ~Forecaster() = default;
  // As the blueprint and the reports spell it ("seasonal_naive_daily", "holt_winters_add"...).
  virtual absl::string_view name() const = 0;
  // Fits the parameters and the state on `history` (oldest first). FailedPrecondition when
  // the history is too short or has no structure this forecaster can use, saying why and
  // how much it needs; the forecaster is then unusable until a Fit succeeds.
  virtual absl::Status Fit(std::span<const double> history) = 0;
  // Appends one step after the history; the fitted parameters stay as they are.
  virtual void Observe(double value) = 0;
  // The value `ahead` steps after the last observed one (ahead >= 1), never negative.
  virtual double Forecast(size_t ahead) const = 0;
};

// Seasonal periods of a per-`step_s` series: a day and a week, in steps.
size_t DailyPeriod(double step_s);
size_t WeeklyPeriod(double step_s);

enum class ForecasterKind {
  kSeasonalNaiveDaily,
  kSeasonalNaiveWeekly,
  kHoltWintersAdditive,
  kHoltWintersMultiplicative,
  kSpectral,
};
inline constexpr ForecasterKind kAllForecasterKinds[] = {
    ForecasterKind::kSeasonalNaiveDaily, ForecasterKind::kSeasonalNaiveWeekly,
    ForecasterKind::kHoltWintersAdditive, ForecasterKind::kHoltWintersMultiplicative,
    ForecasterKind::kSpectral};
// "seasonal_naive_daily", ...: the forecaster's name() and its row in `limiar forecast`.
const char* ForecasterKindName(ForecasterKind kind);
// The kind a name spells; nullopt for anything else ("auto" included: not a kind).
std::optional<ForecasterKind> ForecasterKindFromName(absl::string_view name);

// A new, unfitted forecaster of `kind` for a series of one value per `step_s` seconds
// (Holt-Winters' season is a day).
std::unique_ptr<Forecaster> MakeForecaster(ForecasterKind kind, double step_s);

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_FORECASTER_H_
