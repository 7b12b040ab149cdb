// The forecasters on series whose future is known: a clean season with a trend, a season
// that scales with the level, noise with no season; and the rule every forecaster keeps:
// a forecast of step t uses nothing from step t - ahead + 1 on.
#include "src/policy/forecast/forecaster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "src/policy/forecast/accuracy.h"
#include "src/policy/forecast/auto_choice.h"
#include "src/policy/forecast/holt_winters.h"
#include "src/policy/forecast/periodogram.h"
#include "src/policy/forecast/seasonal_naive.h"
#include "src/policy/forecast/spectral.h"

namespace limiar::policy::forecast {
namespace {

using ::testing::HasSubstr;

constexpr double kHour = 3600;  // one step an hour: a day is 24 steps, a week 168

std::vector<double> Series(size_t n, double (*f)(double)) {
  std::vector<double> v(n);
  for (size_t t = 0; t < n; ++t) v[t] = f(static_cast<double>(t));
  return v;
}
double Daily(double t) { return std::sin(2 * std::numbers::pi * t / 24); }
double AdditiveDay(double t) { return 100 + 0.1 * t + 20 * Daily(t); }
double ScalingDay(double t) { return (100 + 0.5 * t) * (1 + 0.3 * Daily(t)); }

TEST(SeasonalNaiveTest, RepeatsTheLastPeriod) {
  SeasonalNaive f("naive", 4);
  EXPECT_THAT(f.Fit(std::vector<double>{1, 2, 3}).message(), HasSubstr("needs one period"));
  ASSERT_TRUE(f.Fit(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}).ok());
  EXPECT_EQ(f.Forecast(1), 5);
  EXPECT_EQ(f.Forecast(4), 8);
  EXPECT_EQ(f.Forecast(5), 5);  // beyond one period: the period again
  f.Observe(50);
  EXPECT_EQ(f.Forecast(1), 6);
  EXPECT_EQ(f.Forecast(4), 50);
}

TEST(HoltWintersTest, AdditiveFollowsTrendAndSeason) {
  HoltWinters f(HoltWinters::Season::kAdditive, 24);
  const std::vector<double> y = Series(240, AdditiveDay);
  EXPECT_THAT(f.Fit(std::span(y).subspan(0, 30)).message(), HasSubstr("needs two periods"));
  ASSERT_TRUE(f.Fit(y).ok());
  for (size_t ahead = 1; ahead <= 24; ++ahead) {
    const double truth = AdditiveDay(239.0 + static_cast<double>(ahead));
    EXPECT_NEAR(f.Forecast(ahead), truth, 0.02 * truth) << "ahead " << ahead;
  }
}

TEST(HoltWintersTest, MultiplicativeSeasonScalesWithTheLevel) {
  HoltWinters f(HoltWinters::Season::kMultiplicative, 24);
  const std::vector<double> y = Series(480, ScalingDay);
  ASSERT_TRUE(f.Fit(y).ok());
  for (size_t ahead = 1; ahead <= 24; ++ahead) {
    const double truth = ScalingDay(479.0 + static_cast<double>(ahead));
    EXPECT_NEAR(f.Forecast(ahead), truth, 0.03 * truth) << "ahead " << ahead;
  }
  // A history that starts at zero has no level to scale: said, not divided by.
  std::vector<double> idle(48, 0.0);
  EXPECT_THAT(f.Fit(idle).message(), HasSubstr("positive level"));
}

TEST(PeriodogramTest, FftMatchesTheDefinition) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<std::complex<double>> x(16);
  for (auto& v : x) v = {u(rng), u(rng)};
  std::vector<std::complex<double>> fast = x;
  Fft(fast);
  for (size_t k = 0; k < x.size(); ++k) {
    std::complex<double> slow = 0;
    for (size_t t = 0; t < x.size(); ++t) {
      slow += x[t] * std::polar(1.0, -2 * std::numbers::pi * static_cast<double>(k * t) / 16.0);
    }
    EXPECT_NEAR(std::abs(fast[k] - slow), 0, 1e-9) << "bin " << k;
  }
}

TEST(SpectralTest, FindsAPeriodInNoiseAndForecastsIt) {
  std::mt19937 rng(42);
  std::normal_distribution<double> noise(0, 3);
  std::vector<double> y(2000);
  for (size_t t = 0; t < y.size(); ++t) {
    y[t] = 50 + 20 * std::sin(2 * std::numbers::pi * static_cast<double>(t) / 37) + noise(rng);
  }
  Spectral f({});
  ASSERT_TRUE(f.Fit(y).ok());
  EXPECT_NEAR(static_cast<double>(f.period()), 37, 1);
  const double truth = 50 + 20 * std::sin(2 * std::numbers::pi * 2005.0 / 37);
  EXPECT_NEAR(f.Forecast(6), truth, 6);
}

TEST(SpectralTest, NoiseHasNoSignificantPeriod) {
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(100, 10);
  std::vector<double> y(2000);
  for (double& v : y) v = noise(rng);
  Spectral f({});
  const absl::Status fit = f.Fit(y);
  EXPECT_EQ(fit.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fit.message(), HasSubstr("no significant period"));
}

TEST(AutoChoiceTest, BacktestsEachAndSaysWhyOneCannotFit) {
  // Three days an hour apart: too short for the weekly naive and its week.
  const std::vector<double> y = Series(72, AdditiveDay);
  AutoChoice f(kHour, 2);
  ASSERT_TRUE(f.Fit(y).ok());
  ASSERT_NE(f.chosen(), nullptr);
  double best = INFINITY;
  for (const AutoChoice::Candidate& c : f.candidates()) {
    if (c.kind == ForecasterKind::kSeasonalNaiveWeekly) {
      EXPECT_FALSE(c.fitted);
      EXPECT_THAT(c.why_not, HasSubstr("needs one period"));
    }
    if (c.fitted) best = std::min(best, c.backtest_mae);
  }
  for (const AutoChoice::Candidate& c : f.candidates()) {
    if (c.fitted && c.backtest_mae == best) {
      EXPECT_EQ(f.chosen()->name(), ForecasterKindName(c.kind));
    }
  }
  EXPECT_THAT(AutoChoice(kHour, 2).Fit(std::span(y).subspan(0, 20)).message(),
              HasSubstr("more than a day"));
}

// Demand changed from step `change` on: no forecast of a step before change + ahead - 1
// (made, at the latest, after observing step change - 1) may move.
TEST(AccuracyTest, NoForecastLooksAhead) {
  const size_t ahead = 3, train = 96, change = 150;
  const std::vector<double> a = Series(240, AdditiveDay);
  std::vector<double> b = a;
  for (size_t t = change; t < b.size(); ++t) b[t] *= 3;
  for (ForecasterKind kind : kAllForecasterKinds) {
    std::unique_ptr<Forecaster> fa = MakeForecaster(kind, kHour);
    std::unique_ptr<Forecaster> fb = MakeForecaster(kind, kHour);
    absl::StatusOr<std::vector<double>> wa = WalkForward(*fa, a, train, ahead);
    absl::StatusOr<std::vector<double>> wb = WalkForward(*fb, b, train, ahead);
    if (!wa.ok()) continue;  // the weekly naive needs a week
    ASSERT_TRUE(wb.ok());
    // Forecast i predicts step train + ahead - 1 + i, made after observing train + i - 1.
    for (size_t i = 0; train + i < change + 1 && i < wa->size(); ++i) {
      EXPECT_EQ((*wa)[i], (*wb)[i]) << ForecasterKindName(kind) << " forecast " << i;
    }
    bool moved = false;
    for (size_t i = change - train + 1; i < wa->size(); ++i) moved |= (*wa)[i] != (*wb)[i];
    EXPECT_TRUE(moved) << ForecasterKindName(kind) << " never saw the change";
  }
}

TEST(AccuracyTest, ScoresAgainstTheBaseline) {
  const std::vector<double> actual{10, 20, 0, 40};
  const std::vector<double> good{11, 18, 1, 40};
  const std::vector<double> naive{20, 10, 10, 20};
  const Accuracy a = Score(actual, good, naive);
  EXPECT_DOUBLE_EQ(a.mae, 1.0);
  EXPECT_NEAR(a.mape, 100 * (0.1 + 0.1 + 0) / 3, 1e-9);  // the zero is left out
  EXPECT_DOUBLE_EQ(a.mase, 4.0 / 50.0);
}

}  // namespace
}  // namespace limiar::policy::forecast
