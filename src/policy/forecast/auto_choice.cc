#include "src/policy/forecast/auto_choice.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/policy/forecast/accuracy.h"

namespace limiar::policy::forecast {

AutoChoice::AutoChoice(double step_s, size_t ahead, std::vector<ForecasterKind> kinds)
    : step_s_(step_s), ahead_(std::max<size_t>(ahead, 1)), kinds_(std::move(kinds)) {}

absl::Status AutoChoice::Fit(std::span<const double> history) {
  chosen_.reset();
  candidates_.clear();
  const size_t holdout = DailyPeriod(step_s_);
  if (history.size() <= holdout + ahead_) {
    return absl::FailedPreconditionError(
        absl::StrCat("auto: choosing a forecaster needs more than a day of history (",
                     holdout + ahead_, " steps) to back-test on; it has ", history.size()));
  }
  const size_t train = history.size() - holdout;
  double best = std::numeric_limits<double>::infinity();
  ForecasterKind best_kind{};
  for (ForecasterKind kind : kinds_) {
    Candidate& c = candidates_.emplace_back();
    c.kind = kind;
    std::unique_ptr<Forecaster> f = MakeForecaster(kind, step_s_);
    absl::StatusOr<std::vector<double>> walked = WalkForward(*f, history, train, ahead_);
    if (!walked.ok()) {
      c.why_not = std::string(walked.status().message());
      continue;
    }
    c.fitted = true;
    c.backtest_mae = MeanAbsoluteError(history.subspan(train + ahead_ - 1), *walked);
    if (c.backtest_mae < best) {
      best = c.backtest_mae;
      best_kind = kind;
    }
  }
  if (!std::isfinite(best)) {
    std::vector<std::string> reasons;
    for (const Candidate& c : candidates_) reasons.push_back(c.why_not);
    return absl::FailedPreconditionError(
        absl::StrCat("auto: no forecaster fits the history before the last day: ",
                     absl::StrJoin(reasons, "; ")));
  }
  std::unique_ptr<Forecaster> f = MakeForecaster(best_kind, step_s_);
  if (absl::Status fit = f->Fit(history); !fit.ok()) return fit;
  chosen_ = std::move(f);
  return absl::OkStatus();
}

void AutoChoice::Observe(double value) {
  if (chosen_) chosen_->Observe(value);
}

double AutoChoice::Forecast(size_t ahead) const { return chosen_ ? chosen_->Forecast(ahead) : 0; }

}  // namespace limiar::policy::forecast
