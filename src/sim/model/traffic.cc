// RenderTraffic and friends. Every node yields the mean rate over each step (an exact
// integral, not a sample at the step's start), so that a run at 15 s steps sees the same
// demand as the average of one at 1 s steps, and a step change lands in the right step.
#include "src/sim/model/traffic.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"
#include "src/common/mix64.h"
#include "src/common/plural.h"

namespace limiar::sim {
namespace {

using config::FormatNumber;
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

  // The integral from 0 to theta as whole periods plus a remainder, so that differences
  // count periods rather than subtract large numbers late in a long run.
  struct Point {
    double periods, rest;
  };
  Point At(double theta) const {
    const double k = std::floor(theta / kTwoPi);
    return {k, InPeriod(theta - k * kTwoPi)};
  }
  double Between(const Point& from, const Point& to) const {
    return (to.periods - from.periods) * 2 * head_ + (to.rest - from.rest);
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
uint64_t ChildStream(uint64_t parent, size_t index) {
  return Mix64(parent ^ Mix64(static_cast<uint64_t>(index) + 1));
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
    if (mean != inversion_mean_) {
      inversion_mean_ = mean;
      inversion_p0_ = std::exp(-mean);
    }
    const double u = Uniform();
    double p = inversion_p0_, cdf = p;
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
    if (mean != ptrs_.mean) ptrs_ = PtrsSetup(mean);  // a rate held flat pays for it once
    const PtrsSetup& p = ptrs_;
    for (;;) {
      const double u = Uniform() - 0.5;
      const double v = Uniform();
      const double us = 0.5 - std::abs(u);
      if (us <= 0) continue;
      const double k = std::floor((2 * p.a / us + p.b) * u + mean + 0.43);
      if (us >= 0.07 && v <= p.vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (std::log(v) + p.log_inv_alpha - std::log(p.a / (us * us) + p.b) <=
          -mean + k * p.log_mean - LogFactorial(k)) {
        return k;
      }
    }
  }

  // PTRS's constants for one mean.
  struct PtrsSetup {
    PtrsSetup() = default;
    explicit PtrsSetup(double m)
        : mean(m),
          b(0.931 + 2.53 * std::sqrt(m)),
          a(-0.059 + 0.02483 * b),
          vr(0.9277 - 3.6224 / (b - 2)),
          log_inv_alpha(std::log(1.1239 + 1.1328 / (b - 3.4))),
          log_mean(std::log(m)) {}
    double mean = -1, b = 0, a = 0, vr = 0, log_inv_alpha = 0, log_mean = 0;
  };

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
  double inversion_mean_ = -1, inversion_p0_ = 0;  // exp(-mean), for a rate held flat
  PtrsSetup ptrs_;
};

// `st`, about the node at JSON path `path` or its `field`, named there when the caller
// gave the root's path (`path` is empty otherwise).
absl::Status At(const std::string& path, absl::string_view field, const absl::Status& st) {
  if (st.ok() || path.empty()) return st;
  return absl::Status(st.code(),
                      absl::StrCat(path, field.empty() ? "" : ".", field, ": ", st.message()));
}

// Writes the trace's rate in each step into `out`. A trace that cannot be read is wrong at
// its `path`, as a missing file is when the scenario is parsed; one that does not cover the
// run, at the node (offset_s, speedup, loop and the run's length decide it together).
absl::Status RenderTrace(const TrafficSpec& s, double step_s, int64_t steps,
                         std::vector<double>& out, const std::string& path) {
  // ParseTraffic ensures these; a spec built in code might not, and rows would then be read
  // from before the trace's start.
  if (!(s.offset_s >= 0) || !(s.speedup > 0)) {
    return At(path, "",
              absl::InvalidArgumentError(
                  absl::StrCat(s.path, ": offset_s ", FormatNumber(s.offset_s), " and speedup ",
                               FormatNumber(s.speedup), "; they must be >= 0 and > 0")));
  }
  absl::StatusOr<Trace> trace = ReadTraceCsv(s.path);
  if (!trace.ok()) return At(path, "path", trace.status());
  const std::vector<double>& v = trace->values;
  const int64_t n = static_cast<int64_t>(v.size());
  const double length_s = static_cast<double>(n) * trace->step_s;
  const double needed_s = s.offset_s + static_cast<double>(steps) * step_s * s.speedup;
  if (!s.loop && needed_s > length_s * (1 + 1e-12)) {
    return At(
        path, "",
        absl::InvalidArgumentError(absl::StrCat(
            s.path, ": the trace covers ", FormatNumber(length_s), " s (", Counted(n, "row"),
            " of ", FormatNumber(trace->step_s), " s), but the run needs ", FormatNumber(needed_s),
            " s (offset ", FormatNumber(s.offset_s), " s + ", Counted(steps, "step"), " x ",
            FormatNumber(step_s), " s x speedup ", FormatNumber(s.speedup),
            "); shorten the run, lower offset_s or speedup, or set \"loop\": true")));
  }
  // In units of trace rows: run step i covers rows [x0, x1) of the (possibly wrapped) trace.
  const double rows_per_step = step_s * s.speedup / trace->step_s;
  // Each step sums its rows one by one: a looped trace at a high speedup would read rows
  // without end.
  if (const double rows = static_cast<double>(steps) * rows_per_step; rows > kMaxTraceRowsRead) {
    return At(path, "",
              absl::InvalidArgumentError(absl::StrCat(
                  s.path, ": the run would read ", FormatNumber(rows), " trace rows (", steps,
                  " steps of ", FormatNumber(rows_per_step), " rows), over the limit of ",
                  FormatNumber(kMaxTraceRowsRead), "; lower speedup, or shorten the run")));
  }
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
    out[i] = area / (x1 - x0) * to_rate;
  }
  return absl::OkStatus();
}

// Writes the node's rate in each step into `out` (of `steps` values). Overwriting rather
// than adding lets a Poisson node draw in place and a sum reuse one scratch vector: fresh
// pages cost more than the arithmetic here. `depth` is the node's (the root is 1): a spec
// built in code is not checked by the parser, and each level costs a frame. `path` is the
// node's JSON path, for errors ("" when the caller gave none).
absl::Status Render(const TrafficSpec& s, double step_s, int64_t steps, uint64_t stream, int depth,
                    std::vector<double>& out, const std::string& path) {
  if (depth > kMaxTrafficDepth) {
    return At(path, "",
              absl::InvalidArgumentError(absl::StrCat("traffic nested more than ", kMaxTrafficDepth,
                                                      " nodes deep; ", kFlattenTraffic)));
  }
  const auto child_path = [&path](absl::string_view step) {
    return path.empty() ? std::string() : absl::StrCat(path, step);
  };
  switch (s.kind) {
    case Kind::kConstant:
      std::fill(out.begin(), out.end(), s.rate);
      return absl::OkStatus();
    case Kind::kStep: {
      const Knot k[] = {{s.at_s, s.before}, {s.at_s, s.after}};
      for (int64_t i = 0; i < steps; ++i) {
        out[i] = PiecewiseLinearMean(k, i * step_s, (i + 1) * step_s);
      }
      return absl::OkStatus();
    }
    case Kind::kFlashSale: {
      const double peak = s.baseline * s.peak_multiple;
      const double top = s.start_s + s.ramp_s, down = top + s.hold_s;
      const Knot k[] = {
          {s.start_s, s.baseline}, {top, peak}, {down, peak}, {down + s.decay_s, s.baseline}};
      for (int64_t i = 0; i < steps; ++i) {
        out[i] = PiecewiseLinearMean(k, i * step_s, (i + 1) * step_s);
      }
      return absl::OkStatus();
    }
    case Kind::kDiurnal: {
      const ClippedCosine curve(s.mean, s.amplitude);
      const double per_s = kTwoPi / s.period_s;
      double theta0 = -s.peak_at_s * per_s;
      ClippedCosine::Point from = curve.At(theta0);
      for (int64_t i = 0; i < steps; ++i) {  // each boundary evaluated once
        const double theta1 = ((i + 1) * step_s - s.peak_at_s) * per_s;
        const ClippedCosine::Point to = curve.At(theta1);
        out[i] = curve.Between(from, to) / (theta1 - theta0);
        theta0 = theta1;
        from = to;
      }
      return absl::OkStatus();
    }
    case Kind::kPoisson: {
      if (s.of.size() != 1) {
        return At(path, "of",
                  absl::InvalidArgumentError(absl::StrCat(
                      "a poisson traffic node needs exactly one node in `of`, not ", s.of.size())));
      }
      if (absl::Status st = Render(s.of[0], step_s, steps, ChildStream(stream, 0), depth + 1, out,
                                   child_path(".of"));
          !st.ok()) {
        return st;
      }
      PoissonSampler sampler(stream);
      for (double& r : out) r = sampler.Draw(r * step_s) / step_s;
      return absl::OkStatus();
    }
    case Kind::kSum: {
      if (s.of.empty()) std::fill(out.begin(), out.end(), 0.0);
      std::vector<double> scratch;
      for (size_t c = 0; c < s.of.size(); ++c) {
        if (c == 1) scratch.resize(out.size());
        std::vector<double>& into = c == 0 ? out : scratch;
        if (absl::Status st = Render(s.of[c], step_s, steps, ChildStream(stream, c), depth + 1,
                                     into, child_path(absl::StrCat(".of[", c, "]")));
            !st.ok()) {
          return st;
        }
        if (c > 0) {
          for (size_t i = 0; i < out.size(); ++i) out[i] += scratch[i];
        }
      }
      return absl::OkStatus();
    }
    case Kind::kTrace:
      return RenderTrace(s, step_s, steps, out, path);
  }
  return absl::InternalError("unknown traffic kind");
}

std::string Seconds(double s) { return absl::StrCat(FormatNumber(s), "s"); }

std::string Period(double s) {
  if (s >= 3600 && std::fmod(s, 3600) == 0) return absl::StrCat(FormatNumber(s / 3600), "h");
  return Seconds(s);
}

// The first flash sale of `spec`, `depth` deep, depth first; none past kMaxTrafficDepth.
const TrafficSpec* FlashSaleWithin(const TrafficSpec& spec, int depth) {
  if (depth > kMaxTrafficDepth) return nullptr;
  if (spec.kind == Kind::kFlashSale) return &spec;
  for (const TrafficSpec& child : spec.of) {
    if (const TrafficSpec* f = FlashSaleWithin(child, depth + 1)) return f;
  }
  return nullptr;
}

// One line for `s`, `depth` deep (the root is 1); past kMaxTrafficDepth, "...".
std::string Describe(const TrafficSpec& s, int depth) {
  if (depth > kMaxTrafficDepth) return "...";
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
      return absl::StrCat(s.of.empty() ? std::string("nothing") : Describe(s.of[0], depth + 1),
                          ", with Poisson noise");
    case Kind::kSum: {
      std::string line = "sum of ";
      for (size_t i = 0; i < s.of.size(); ++i) {
        absl::StrAppend(&line, i == 0 ? "(" : " + (", Describe(s.of[i], depth + 1), ")");
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

}  // namespace

absl::StatusOr<std::vector<double>> RenderTraffic(const TrafficSpec& spec, double step_s,
                                                  int64_t steps, uint64_t seed,
                                                  const std::string& path) {
  if (!(step_s > 0) || !std::isfinite(step_s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("traffic step of ", FormatNumber(step_s), " s; it must be > 0"));
  }
  if (steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat(steps, " traffic steps; it must be >= 0"));
  }
  std::vector<double> rates(static_cast<size_t>(steps), 0.0);
  if (absl::Status s = Render(spec, step_s, steps, Mix64(seed), 1, rates, path); !s.ok()) return s;
  return rates;
}

const TrafficSpec* FirstFlashSale(const TrafficSpec& spec) { return FlashSaleWithin(spec, 1); }

std::string DescribeTraffic(const TrafficSpec& spec) { return Describe(spec, 1); }

}  // namespace limiar::sim
