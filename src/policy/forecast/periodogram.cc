#include "src/policy/forecast/periodogram.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace limiar::policy::forecast {

void Fft(std::vector<std::complex<double>>& a) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const double angle = -2 * std::numbers::pi / static_cast<double>(len);
    const std::complex<double> w_len(std::cos(angle), std::sin(angle));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> w(1);
      for (size_t k = 0; k < len / 2; ++k) {
        const std::complex<double> u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= w_len;
      }
    }
  }
}

double Autocorrelation(std::span<const double> x, size_t lag) {
  if (lag >= x.size() || x.size() - lag < 2) return 0;
  const size_t n = x.size() - lag;
  const std::span<const double> a = x.subspan(0, n), b = x.subspan(lag, n);
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(n);
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

std::optional<DetectedPeriod> DominantPeriod(std::span<const double> x, const PeriodSearch& search,
                                             DetectedPeriod* strongest) {
  const size_t n = x.size();
  if (n < 2 * search.min_period) return std::nullopt;
  size_t padded = 1;
  while (padded < n) padded <<= 1;
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
  std::vector<std::complex<double>> spectrum(padded);
  for (size_t i = 0; i < n; ++i) spectrum[i] = x[i] - mean;
  Fft(spectrum);

  // Bins whose period (padded / k steps) lies in [min_period, n / 2]: k >= 2 padded / n.
  const size_t k_min = std::max<size_t>(1, (2 * padded + n - 1) / n);
  const size_t k_max = padded / search.min_period;
  struct Peak {
    size_t k;
    double power;
  };
  std::vector<Peak> peaks;
  for (size_t k = std::max<size_t>(k_min, 1); k <= k_max && k + 1 < padded / 2; ++k) {
    const double p = std::norm(spectrum[k]);
    if (p > std::norm(spectrum[k - 1]) && p >= std::norm(spectrum[k + 1])) peaks.push_back({k, p});
  }
  const size_t keep = std::min(search.candidates, peaks.size());
  std::partial_sort(peaks.begin(), peaks.begin() + static_cast<std::ptrdiff_t>(keep), peaks.end(),
                    [](const Peak& a, const Peak& b) { return a.power > b.power; });

  std::optional<DetectedPeriod> best;
  DetectedPeriod seen;
  for (size_t i = 0; i < keep; ++i) {
    const double period = static_cast<double>(padded) / static_cast<double>(peaks[i].k);
    // A bin is coarse for long periods: refine on the autocorrelation around it.
    const size_t from = std::max(search.min_period, static_cast<size_t>(std::floor(period * 0.9)));
    const size_t to = std::min(n / 2, static_cast<size_t>(std::ceil(period * 1.1)));
    DetectedPeriod candidate;
    candidate.autocorrelation = -2;
    for (size_t lag = from; lag <= to; ++lag) {
      const double r = Autocorrelation(x, lag);
      if (r > candidate.autocorrelation) candidate = {lag, r};
    }
    if (candidate.period == 0) continue;
    if (candidate.autocorrelation > seen.autocorrelation || seen.period == 0) seen = candidate;
    if (candidate.autocorrelation >= search.min_autocorrelation &&
        (!best || candidate.autocorrelation > best->autocorrelation)) {
      best = candidate;
    }
  }
  if (strongest != nullptr) *strongest = seen;
  return best;
}

}  // namespace limiar::policy::forecast
