// The dominant period of a series: the strongest peaks of its periodogram (an FFT of the
// mean-removed series), each confirmed by the autocorrelation at its lag, as Crane's DSP
// predictor does. A peak the autocorrelation does not confirm is noise or a harmonic.
#ifndef LIMIAR_POLICY_FORECAST_PERIODOGRAM_H_
#define LIMIAR_POLICY_FORECAST_PERIODOGRAM_H_

#include <complex>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace limiar::policy::forecast {

// In-place radix-2 FFT; `a.size()` must be a power of two. Iterative: no recursion.
void Fft(std::vector<std::complex<double>>& a);

// Autocorrelation of `x` at `lag` (Pearson's, over the overlapping part); 0 when either part
// is constant.
double Autocorrelation(std::span<const double> x, size_t lag);

struct DetectedPeriod {
  size_t period = 0;           // in steps
  double autocorrelation = 0;  // at `period`
};
struct PeriodSearch {
  size_t min_period = 4;  // shorter cycles are not worth a forecast
  size_t candidates = 5;  // periodogram peaks examined
  double min_autocorrelation = 0.5;
};
// The candidate with the highest autocorrelation among those at or over the threshold, its
// lag refined to the local maximum of the autocorrelation within 10 % of the peak's period;
// only periods that fit at least twice in `x` are considered. nullopt: no significant period
// (then `strongest`, when given, gets the best candidate seen, for the message).
std::optional<DetectedPeriod> DominantPeriod(std::span<const double> x, const PeriodSearch& search,
                                             DetectedPeriod* strongest = nullptr);

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_PERIODOGRAM_H_
