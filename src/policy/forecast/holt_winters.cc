#include "src/policy/forecast/holt_winters.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace limiar::policy::forecast {
namespace {

// A multiplicative season divides by the level and the season: floors keep a quiet minute
// (the traces' missing minutes are 0) from dividing by zero.
constexpr double kFloor = 1e-6;

double Mean(std::span<const double> v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

HoltWinters::HoltWinters(Season season, size_t period)
    : kind_(season), period_(std::max<size_t>(period, 2)) {}

absl::string_view HoltWinters::name() const {
  return ForecasterKindName(kind_ == Season::kAdditive
                                ? ForecasterKind::kHoltWintersAdditive
                                : ForecasterKind::kHoltWintersMultiplicative);
}

absl::Status HoltWinters::Initialize(std::span<const double> history, State& s) const {
  if (history.size() < 2 * period_) {
    return absl::FailedPreconditionError(absl::StrCat(name(), " needs two periods of history (",
                                                      2 * period_, " steps); it has ",
                                                      history.size()));
  }
  const double first = Mean(history.subspan(0, period_));
  const double second = Mean(history.subspan(period_, period_));
  if (kind_ == Season::kMultiplicative && first <= kFloor) {
    return absl::FailedPreconditionError(absl::StrCat(
        name(), " needs a positive level: the first period of history averages ", first));
  }
  s.level = first;
  s.trend = (second - first) / static_cast<double>(period_);
  s.season.assign(period_, kind_ == Season::kAdditive ? 0.0 : 1.0);
  for (size_t i = 0; i < period_; ++i) {
    // Each phase's offset averaged over the two periods, so one odd day weighs half.
    const double a = history[i], b = history[period_ + i];
    s.season[i] = kind_ == Season::kAdditive
                      ? ((a - first) + (b - second)) / 2
                      : (a / first + (second > kFloor ? b / second : 1.0)) / 2;
  }
  // The level and trend describe the first period; the callers run the equations from the
  // second period on, whose first step has phase 0.
  s.phase = 0;
  return absl::OkStatus();
}

void HoltWinters::Step(const Params& p, double y, State& s) const {
  double& season = s.season[s.phase];
  const double previous = s.level;
  const double damped = p.phi * s.trend;
  if (kind_ == Season::kAdditive) {
    s.level = p.alpha * (y - season) + (1 - p.alpha) * (previous + damped);
    s.trend = p.beta * (s.level - previous) + (1 - p.beta) * damped;
    season = p.gamma * (y - s.level) + (1 - p.gamma) * season;
  } else {
    s.level = std::max(
        kFloor, p.alpha * (y / std::max(season, kFloor)) + (1 - p.alpha) * (previous + damped));
    s.trend = p.beta * (s.level - previous) + (1 - p.beta) * damped;
    season = std::max(kFloor, p.gamma * (y / s.level) + (1 - p.gamma) * season);
  }
  s.phase = (s.phase + 1) % period_;
}

double HoltWinters::Predict(const Params& p, const State& s, size_t ahead) const {
  // Damped trend: sum of phi^1..phi^ahead, as in Gardner & McKenzie.
  double trend = 0, damp = 1;
  for (size_t h = 0; h < ahead; ++h) {
    damp *= p.phi;
    trend += damp;
  }
  const double season = s.season[(s.phase + ahead - 1) % period_];
  const double base = s.level + trend * s.trend;
  return std::max(0.0, kind_ == Season::kAdditive ? base + season : base * season);
}

double HoltWinters::Sse(std::span<const double> history, const Params& p) const {
  State s;
  if (!Initialize(history, s).ok()) return std::numeric_limits<double>::infinity();
  double sse = 0;
  for (size_t i = period_; i < history.size(); ++i) {
    if (i >= 2 * period_) {
      const double e = history[i] - Predict(p, s, 1);
      sse += e * e;
    }
    Step(p, history[i], s);
  }
  return std::isfinite(sse) ? sse : std::numeric_limits<double>::infinity();
}

absl::Status HoltWinters::FitWith(std::span<const double> history, const Params& params) {
  fitted_ = false;
  State s;
  if (absl::Status init = Initialize(history, s); !init.ok()) return init;
  params_ = params;
  for (size_t i = period_; i < history.size(); ++i) Step(params_, history[i], s);
  state_ = std::move(s);
  fitted_ = true;
  return absl::OkStatus();
}

absl::Status HoltWinters::Fit(std::span<const double> history) {
  if (history.size() < 2 * period_) return FitWith(history, params_);  // says what it needs
  // A coarse grid: 5 x 3 x 4 = 60 passes over the history, each O(n); finer grids moved
  // the one-step error of the traces by under 1 %.
  Params best = params_;
  double best_sse = std::numeric_limits<double>::infinity();
  for (double alpha : {0.05, 0.1, 0.2, 0.4, 0.7}) {
    for (double beta : {0.0, 0.005, 0.02}) {
      for (double gamma : {0.02, 0.05, 0.1, 0.3}) {
        const Params p{alpha, beta, gamma, params_.phi};
        const double sse = Sse(history, p);
        if (sse < best_sse) {
          best_sse = sse;
          best = p;
        }
      }
    }
  }
  return FitWith(history, best);
}

void HoltWinters::Observe(double value) {
  if (fitted_) Step(params_, value, state_);
}

double HoltWinters::Forecast(size_t ahead) const {
  return fitted_ ? Predict(params_, state_, std::max<size_t>(ahead, 1)) : 0;
}

}  // namespace limiar::policy::forecast
