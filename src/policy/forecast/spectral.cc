#include "src/policy/forecast/spectral.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace limiar::policy::forecast {

Spectral::Spectral(Options options) : options_(options) {
  options_.cycles = std::max<size_t>(options_.cycles, 1);
}

absl::Status Spectral::Fit(std::span<const double> history) {
  period_ = 0;
  std::span<const double> window = history;
  if (options_.max_window != 0 && window.size() > options_.max_window) {
    window = window.subspan(window.size() - options_.max_window);
  }
  DetectedPeriod strongest;
  const std::optional<DetectedPeriod> found = DominantPeriod(window, options_.search, &strongest);
  if (!found) {
    if (strongest.period == 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "spectral: no period of %d steps or more fits twice in %d steps of history",
          options_.search.min_period, window.size()));
    }
    return absl::FailedPreconditionError(absl::StrFormat(
        "spectral: no significant period (the strongest, %d steps, has autocorrelation %.2f < "
        "%.2f)",
        strongest.period, strongest.autocorrelation, options_.search.min_autocorrelation));
  }
  period_ = found->period;
  history_ = Ring(period_ * (options_.cycles + 1));
  history_.Assign(history);
  UpdateLevelShift();
  return absl::OkStatus();
}

void Spectral::Observe(double value) {
  if (period_ == 0) return;
  history_.Push(value);
  UpdateLevelShift();
}

double Spectral::PhaseMean(size_t age, size_t first) const {
  double sum = 0;
  size_t n = 0;
  for (size_t j = first; j < first + options_.cycles; ++j) {
    const size_t back = age + j * period_;
    if (back >= history_.size()) break;
    sum += history_.back(back);
    ++n;
  }
  return n == 0 ? history_.back(std::min(age, history_.size() - 1)) : sum / static_cast<double>(n);
}

void Spectral::UpdateLevelShift() {
  // The recent level against the same phases in the cycles before: over the last 1/24 of a
  // period (an hour of a day), short enough to follow the day, long enough to skip noise.
  const size_t span = std::clamp<size_t>(period_ / 24, 1, history_.size());
  double recent = 0, usual = 0;
  for (size_t age = 0; age < span; ++age) {
    recent += history_.back(age);
    usual += PhaseMean(age, 1);
  }
  level_shift_ = (recent - usual) / static_cast<double>(span);
}

double Spectral::Forecast(size_t ahead) const {
  if (period_ == 0) return 0;
  // `ahead` steps on is the phase `period - ahead` steps back (whole cycles beyond one
  // period): the same phase in the last `cycles` cycles, from that one back.
  const size_t age = period_ - ((ahead - 1) % period_ + 1);
  return std::max(0.0, PhaseMean(age, 0) + level_shift_);
}

}  // namespace limiar::policy::forecast
