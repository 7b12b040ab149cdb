// RenderTraffic and friends. Every node yields the mean rate over each step (an exact
// integral, not a sample at the step's start), so that a run at 15 s steps sees the same
// demand as the average of one at 1 s steps, and a step change lands in the right step.
#include "src/sim/traffic.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/policy/blueprint/json_read.h"

namespace limiar::sim {
namespace {

using policy::blueprint::FormatNumber;
using Kind = TrafficSpec::Kind;

constexpr double kTwoPi = 2 * std::numbers::pi;

// A piecewise-linear rate: linear between knots (equal times make a jump), the first
// knot's value before them and the last one's after.
struct Knot {
  double t, v;
};

template <size_t N>
double PiecewiseLinearMean(const Knot (&k)[N], double a, double b) {
  double area = 0;
  if (a < k[0].t) area += k[0].v * (std::min(b, k[0].t) - a);
  for (size_t i = 0; i + 1 < N; ++i) {
    const double lo = std::max(a, k[i].t), hi = std::min(b, k[i + 1].t);
    if (hi <= lo) continue;
    const double slope = (k[i + 1].v - k[i].v) / (k[i + 1].t - k[i].t);
    area += (hi - lo) * (k[i].v + slope * ((lo + hi) / 2 - k[i].t));
  }
  if (b > k[N - 1].t) area += k[N - 1].v * (b - std::max(a, k[N - 1].t));
  return area / (b - a);
}

// The diurnal rate max(0, m + A cos(theta)) integrated over theta, exactly. Below zero it is
// clipped on (theta_c, 2 pi - theta_c), theta_c = acos(-m / A); without clipping theta_c = pi
// and the same formulas hold.
class ClippedCosine {
 public:
  ClippedCosine(double mean, double amplitude)
      : m_(mean),
        a_(amplitude),
        theta_c_(amplitude > mean ? std::acos(-mean / amplitude) : std::numbers::pi),
        head_(m_ * theta_c_ + a_ * std::sin(theta_c_)) {}

  // Integral over [theta0, theta1]; whole periods apart are counted, not subtracted, to
  // keep precision late in a long run.
  double Integral(double theta0, double theta1) const {
    const double k0 = std::floor(theta0 / kTwoPi), k1 = std::floor(theta1 / kTwoPi);
    return (k1 - k0) * 2 * head_ + InPeriod(theta1 - k1 * kTwoPi) - InPeriod(theta0 - k0 * kTwoPi);
  }

 private:
  // Integral over [0, x], x in [0, 2 pi).
  double InPeriod(double x) const {
    if (x <= theta_c_) return m_ * x + a_ * std::sin(x);
    if (x < kTwoPi - theta_c_) return head_;
    return head_ + m_ * (x - kTwoPi + theta_c_) + a_ * (std::sin(x) + std::sin(theta_c_));
  }

  double m_, a_, theta_c_, head_;
};

// Stream of a child node: depends on its parent's stream and its index only.
uint64_t Mix(uint64_t x) {  // SplitMix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t ChildStream(uint64_t parent, size_t index) {
  return Mix(parent ^ Mix(static_cast<uint64_t>(index) + 1));
}

// Poisson draws from a std::mt19937_64 (whose output the standard fixes) by our own
// methods, not std::poisson_distribution (whose algorithm varies between standard
// libraries), so a seed replays the same traffic everywhere.
class PoissonSampler {
 public:
  explicit PoissonSampler(uint64_t seed) : rng_(seed) {}

  double Draw(double mean) {
    if (mean <= 0) return 0;
    return mean < 10 ? Inversion(mean) : Ptrs(mean);
  }

 private:
  double Uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)

  // Sequential search of the CDF; the count is capped for a u that rounding puts above it.
  double Inversion(double mean) {
    const double u = Uniform();
    double p = std::exp(-mean), cdf = p;
    int k = 0;
    while (u > cdf && k < 200) {
      ++k;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  // Hoermann's transformed rejection with squeeze (PTRS, 1993), for mean >= 10: about 1.1
  // iterations per draw, most accepted without a logarithm.
  double Ptrs(double mean) {
    const double slam = std::sqrt(mean);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const double u = Uniform() - 0.5;
      const double v = Uniform();
      const double us = 0.5 - std::abs(u);
      if (us <= 0) continue;
      const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
          -mean + k * std::log(mean) - LogFactorial(k)) {
        return k;
      }
    }
  }

  // ln k! by Stirling's series (with the recurrence below 7), instead of std::lgamma, which
  // writes the global `signgam` and so races when a sweep renders on several threads.
  static double LogFactorial(double k) {
    double x = k + 1;
    double shift = 0;
    for (; x < 7; x += 1) shift += std::log(x);
    const double x2 = 1 / (x * x);
    const double series = (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680)))) / x;
    return (x - 0.5) * std::log(x) - x + 0.5 * std::log(kTwoPi) + series - shift;
  }

  std::mt19937_64 rng_;
};

absl::Status RenderTrace(const TrafficSpec& s, double step_s, int64_t steps,
                         std::vector<double>& out) {
  absl::StatusOr<Trace> trace = ReadTraceCsv(s.path);
  if (!trace.ok()) return trace.status();
  const std::vector<double>& v = trace->values;
  const int64_t n = static_cast<int64_t>(v.size());
  const double length_s = static_cast<double>(n) * trace->step_s;
  const double needed_s = s.offset_s + static_cast<double>(steps) * step_s * s.speedup;
  if (!s.loop && needed_s > length_s * (1 + 1e-12)) {
    return absl::InvalidArgumentError(
        absl::StrCat(s.path, ": the trace covers ", FormatNumber(length_s), " s (", n, " rows of ",
                     FormatNumber(trace->step_s), " s), but the run needs ", FormatNumber(needed_s),
                     " s (offset ", FormatNumber(s.offset_s), " s + ", steps, " steps x ",
                     FormatNumber(step_s), " s x speedup ", FormatNumber(s.speedup),
                     "); shorten the run, lower offset_s or speedup, or set \"loop\": true"));
  }
  // In units of trace rows: run step i covers rows [x0, x1) of the (possibly wrapped) trace.
  const double rows_per_step = step_s * s.speedup / trace->step_s;
  double x_offset = s.offset_s / trace->step_s;
  if (s.loop) x_offset = std::fmod(x_offset, static_cast<double>(n));
  const double to_rate = s.scale / trace->step_s;
  for (int64_t i = 0; i < steps; ++i) {
    const double x0 = x_offset + static_cast<double>(i) * rows_per_step;
    const double x1 = x_offset + static_cast<double>(i + 1) * rows_per_step;
    int64_t j = static_cast<int64_t>(std::floor(x0));
    int64_t row = s.loop ? j % n : std::min(j, n - 1);
    double area = 0;
    for (; static_cast<double>(j) < x1; ++j) {
      const double lo = std::max(x0, static_cast<double>(j));
      const double hi = std::min(x1, static_cast<double>(j + 1));
      area += v[row] * (hi - lo);
      // Past the end only by rounding when not looping: the length was checked above.
      if (++row == n) row = s.loop ? 0 : n - 1;
    }
    out[i] += area / (x1 - x0) * to_rate;
  }
  return absl::OkStatus();
}

// Adds the node's rate in each step to `out`.
absl::Status Render(const TrafficSpec& s, double step_s, int64_t steps, uint64_t stream,
                    std::vector<double>& out) {
  switch (s.kind) {
    case Kind::kConstant:
      for (double& r : out) r += s.rate;
      return absl::OkStatus();
    case Kind::kStep: {
      const Knot k[] = {{s.at_s, s.before}, {s.at_s, s.after}};
      for (int64_t i = 0; i < steps; ++i) {
        out[i] += PiecewiseLinearMean(k, i * step_s, (i + 1) * step_s);
      }
      return absl::OkStatus();
    }
    case Kind::kFlashSale: {
      const double peak = s.baseline * s.peak_multiple;
      const double top = s.start_s + s.ramp_s, down = top + s.hold_s;
      const Knot k[] = {
          {s.start_s, s.baseline}, {top, peak}, {down, peak}, {down + s.decay_s, s.baseline}};
      for (int64_t i = 0; i < steps; ++i) {
        out[i] += PiecewiseLinearMean(k, i * step_s, (i + 1) * step_s);
      }
      return absl::OkStatus();
    }
    case Kind::kDiurnal: {
      const ClippedCosine curve(s.mean, s.amplitude);
      const double per_s = kTwoPi / s.period_s;
      for (int64_t i = 0; i < steps; ++i) {
        const double theta0 = (i * step_s - s.peak_at_s) * per_s;
        const double theta1 = ((i + 1) * step_s - s.peak_at_s) * per_s;
        out[i] += curve.Integral(theta0, theta1) / (theta1 - theta0);
      }
      return absl::OkStatus();
    }
    case Kind::kPoisson: {
      std::vector<double> mean(static_cast<size_t>(steps), 0.0);
      for (size_t c = 0; c < s.of.size(); ++c) {
        if (absl::Status st = Render(s.of[c], step_s, steps, ChildStream(stream, c), mean);
            !st.ok()) {
          return st;
        }
      }
      PoissonSampler sampler(stream);
      for (int64_t i = 0; i < steps; ++i) out[i] += sampler.Draw(mean[i] * step_s) / step_s;
      return absl::OkStatus();
    }
    case Kind::kSum:
      for (size_t c = 0; c < s.of.size(); ++c) {
        if (absl::Status st = Render(s.of[c], step_s, steps, ChildStream(stream, c), out);
            !st.ok()) {
          return st;
        }
      }
      return absl::OkStatus();
    case Kind::kTrace:
      return RenderTrace(s, step_s, steps, out);
  }
  return absl::InternalError("unknown traffic kind");
}

std::string Seconds(double s) { return absl::StrCat(FormatNumber(s), "s"); }

std::string Period(double s) {
  if (s >= 3600 && std::fmod(s, 3600) == 0) return absl::StrCat(FormatNumber(s / 3600), "h");
  return Seconds(s);
}

}  // namespace

absl::StatusOr<std::vector<double>> RenderTraffic(const TrafficSpec& spec, double step_s,
                                                  int64_t steps, uint64_t seed) {
  if (!(step_s > 0) || !std::isfinite(step_s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("traffic step of ", FormatNumber(step_s), " s; it must be > 0"));
  }
  if (steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat(steps, " traffic steps; it must be >= 0"));
  }
  std::vector<double> rates(static_cast<size_t>(steps), 0.0);
  if (absl::Status s = Render(spec, step_s, steps, Mix(seed), rates); !s.ok()) return s;
  return rates;
}

std::optional<double> SpikeStart(const TrafficSpec& spec) {
  if (spec.kind == Kind::kFlashSale) return spec.start_s;
  for (const TrafficSpec& child : spec.of) {
    if (std::optional<double> t = SpikeStart(child)) return t;
  }
  return std::nullopt;
}

std::string DescribeTraffic(const TrafficSpec& s) {
  switch (s.kind) {
    case Kind::kConstant:
      return absl::StrCat("constant: ", FormatNumber(s.rate), " req/s");
    case Kind::kStep:
      return absl::StrCat("step: ", FormatNumber(s.before), " req/s, then ", FormatNumber(s.after),
                          " req/s from t=", Seconds(s.at_s));
    case Kind::kDiurnal:
      return absl::StrCat("diurnal: ", FormatNumber(s.mean), " +/- ", FormatNumber(s.amplitude),
                          " req/s, period ", Period(s.period_s),
                          ", peak at t=", Seconds(s.peak_at_s));
    case Kind::kFlashSale:
      return absl::StrCat("flash sale: ", FormatNumber(s.baseline), " req/s, x",
                          FormatNumber(s.peak_multiple), " from t=", Seconds(s.start_s), " (ramp ",
                          Seconds(s.ramp_s), ", hold ", Seconds(s.hold_s), ", decay ",
                          Seconds(s.decay_s), ")");
    case Kind::kPoisson:
      return absl::StrCat(s.of.empty() ? std::string("nothing") : DescribeTraffic(s.of[0]),
                          ", with Poisson noise");
    case Kind::kSum: {
      std::string line = "sum of ";
      for (size_t i = 0; i < s.of.size(); ++i) {
        absl::StrAppend(&line, i == 0 ? "(" : " + (", DescribeTraffic(s.of[i]), ")");
      }
      return line;
    }
    case Kind::kTrace: {
      std::string line = absl::StrCat("trace ", std::filesystem::path(s.path).filename().string());
      if (s.scale != 1) absl::StrAppend(&line, ", x", FormatNumber(s.scale));
      if (s.offset_s != 0) absl::StrAppend(&line, ", from t=", Seconds(s.offset_s));
      if (s.speedup != 1) absl::StrAppend(&line, ", ", FormatNumber(s.speedup), "x speed");
      if (s.loop) absl::StrAppend(&line, ", looped");
      return line;
    }
  }
  return "unknown traffic";
}

}  // namespace limiar::sim
