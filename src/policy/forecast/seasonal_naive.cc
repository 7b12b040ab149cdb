#include "src/policy/forecast/seasonal_naive.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace limiar::policy::forecast {

absl::Status SeasonalNaive::Fit(std::span<const double> history) {
  if (history.size() < last_.capacity()) {
    last_.Clear();
    return absl::FailedPreconditionError(absl::StrCat(name_, " needs one period of history (",
                                                      last_.capacity(), " steps); it has ",
                                                      history.size()));
  }
  last_.Assign(history);
  return absl::OkStatus();
}

double SeasonalNaive::Forecast(size_t ahead) const {
  const size_t period = last_.capacity();
  // The same phase in the last period seen: `ahead` steps on is `period - ahead` steps back
  // (modulo the period for forecasts beyond it).
  const size_t age = (period - 1) - ((ahead - 1) % period);
  return std::max(0.0, last_.back(age));
}

}  // namespace limiar::policy::forecast
