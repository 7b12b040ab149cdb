// The automatic choice: every forecaster is back-tested on the most recent day of the
// history (fitted on what came before it, walked forward over it at the policy's horizon),
// and the one with the least absolute error is fitted on the whole history and used. One
// that cannot fit (too little history, no significant period) is left out, with its reason
// kept for `limiar explain`.
#ifndef LIMIAR_POLICY_FORECAST_AUTO_CHOICE_H_
#define LIMIAR_POLICY_FORECAST_AUTO_CHOICE_H_

#include <memory>
#include <string>
#include <vector>

#include "src/policy/forecast/forecaster.h"

namespace limiar::policy::forecast {

class AutoChoice final : public Forecaster {
 public:
  struct Candidate {
    ForecasterKind kind;
    bool fitted = false;
    double backtest_mae = 0;  // when fitted
    std::string why_not;      // when not
  };

  // `ahead`: the horizon the back-test scores, in steps.
  AutoChoice(double step_s, size_t ahead,
             std::vector<ForecasterKind> kinds = {std::begin(kAllForecasterKinds),
                                                  std::end(kAllForecasterKinds)});
  absl::string_view name() const override { return "auto"; }
  absl::Status Fit(std::span<const double> history) override;
  void Observe(double value) override;
  double Forecast(size_t ahead) const override;

  // After a successful Fit: the one chosen, and how each candidate did.
  const Forecaster* chosen() const { return chosen_.get(); }
  const std::vector<Candidate>& candidates() const { return candidates_; }

 private:
  double step_s_;
  size_t ahead_;
  std::vector<ForecasterKind> kinds_;
  std::vector<Candidate> candidates_;
  std::unique_ptr<Forecaster> chosen_;
};

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_AUTO_CHOICE_H_
