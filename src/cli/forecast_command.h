// `limiar forecast TRACE`: how well each forecaster predicts a trace it has not seen. Fits
// every forecaster on the first `--train-days` of the trace, walks forward over the rest
// forecasting `--ahead-s` ahead (the forecasting policy's horizon: a replica's start-up
// delay plus one tick), and prints MAE, MAPE and MASE against the daily seasonal naive, and
// what the automatic choice picks by back-test on the last training day.
//
//   limiar forecast TRACE [--train-days D] [--ahead-s S]
//
// Exit codes: 0 ok; 1 unreadable trace, or too short for the split; 2 usage.
#ifndef LIMIAR_CLI_FORECAST_COMMAND_H_
#define LIMIAR_CLI_FORECAST_COMMAND_H_

#include <ostream>
#include <string>

namespace limiar::cli {

struct ForecastOptions {
  std::string trace_path;
  double train_days = 42;
  double ahead_s = 300;
};

int RunForecastCommand(const ForecastOptions& options, std::ostream& out, std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_FORECAST_COMMAND_H_
