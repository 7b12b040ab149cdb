#include "src/cli/forecast_command.h"

#include <cmath>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/cli/print_error.h"
#include "src/common/text_table.h"
#include "src/policy/forecast/accuracy.h"
#include "src/policy/forecast/auto_choice.h"
#include "src/sim/model/traffic.h"

namespace limiar::cli {
namespace {

namespace fc = policy::forecast;

// The trace's per-step arrivals as a rate per second, as a target's load would be recorded.
std::vector<double> Rates(const sim::Trace& trace) {
  std::vector<double> rates(trace.values.size());
  for (size_t i = 0; i < rates.size(); ++i) rates[i] = trace.values[i] / trace.step_s;
  return rates;
}

}  // namespace

int RunForecastCommand(const ForecastOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<sim::Trace> trace = sim::ReadTraceCsv(options.trace_path);
  if (!trace.ok()) {
    PrintError(err, trace.status().message());
    return 1;
  }
  const std::vector<double> rates = Rates(*trace);
  const double step_s = trace->step_s;
  const size_t train = static_cast<size_t>(std::llround(options.train_days * 86400 / step_s));
  const size_t ahead =
      std::max<size_t>(1, static_cast<size_t>(std::ceil(options.ahead_s / step_s)));
  if (train + ahead >= rates.size()) {
    PrintError(err, absl::StrFormat("%s: %d steps of %g s; training on %g days (%d steps) leaves "
                                    "nothing to test %d steps ahead: lower --train-days",
                                    options.trace_path, rates.size(), step_s, options.train_days,
                                    train, ahead));
    return 1;
  }
  const std::span<const double> actual = std::span(rates).subspan(train + ahead - 1);

  std::unique_ptr<fc::Forecaster> naive =
      fc::MakeForecaster(fc::ForecasterKind::kSeasonalNaiveDaily, step_s);
  absl::StatusOr<std::vector<double>> baseline = fc::WalkForward(*naive, rates, train, ahead);
  if (!baseline.ok()) {
    PrintError(err, absl::StrCat(options.trace_path, ": ", baseline.status().message()));
    return 1;
  }

  out << absl::StrFormat(
      "%s: %d steps of %g s; fitted on the first %g days, forecasting %g s (%d step%s) ahead "
      "over the remaining %d steps\n\n",
      options.trace_path, rates.size(), step_s, options.train_days, ahead * step_s, ahead,
      ahead == 1 ? "" : "s", actual.size());
  std::vector<std::vector<std::string>> rows{{"forecaster", "MAE req/s", "MAPE %", "MASE"}};
  auto add = [&](fc::Forecaster& f, const std::string& label) {
    absl::StatusOr<std::vector<double>> walked = fc::WalkForward(f, rates, train, ahead);
    if (!walked.ok()) {
      rows.push_back({label, "-", "-", std::string(walked.status().message())});
      return;
    }
    const fc::Accuracy a = fc::Score(actual, *walked, *baseline);
    rows.push_back({label, absl::StrFormat("%.2f", a.mae), absl::StrFormat("%.1f", a.mape),
                    absl::StrFormat("%.3f", a.mase)});
  };
  for (fc::ForecasterKind kind : fc::kAllForecasterKinds) {
    std::unique_ptr<fc::Forecaster> f = fc::MakeForecaster(kind, step_s);
    add(*f, fc::ForecasterKindName(kind));
  }
  fc::AutoChoice automatic(step_s, ahead);
  add(automatic, "auto");
  out << AlignedTable(rows, 1);
  if (automatic.chosen() != nullptr) {
    out << "\nauto chose " << automatic.chosen()->name()
        << " by its error on the last training day:";
    for (const fc::AutoChoice::Candidate& c : automatic.candidates()) {
      out << "\n  " << fc::ForecasterKindName(c.kind) << ": "
          << (c.fitted ? absl::StrFormat("MAE %.2f", c.backtest_mae) : c.why_not);
    }
    out << "\n";
  }
  out << "\nMASE: mean absolute error over that of " << naive->name()
      << " on the same steps (below 1: better than the same minute yesterday).\n";
  return 0;
}

}  // namespace limiar::cli
