// The forecasting policy (`previsao`) of one target: keeps each metric's total load per
// minute, fits a forecaster on that history, and turns the forecast load of the next
// `horizon` into a replica floor. Only completed minutes are forecast from, so nothing
// observed after an evaluation can change it (no look-ahead). Clock-free like every Policy:
// minutes are cut from the evaluations' `now`.
#ifndef LIMIAR_POLICY_FORECAST_FLOOR_H_
#define LIMIAR_POLICY_FORECAST_FLOOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "src/policy/forecast/forecaster.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::policy {

// The total load of one metric as observed in one evaluation, in the metric's unit: the
// whole-target value when the source has one, else the windowed total, else the sum over
// the replicas that have a sample; nullopt when the source failed or nothing has a sample.
std::optional<double> ObservedLoad(const MetricObservation& m);

class ForecastFloor {
 public:
  // `target.forecasting` must be set; its metrics and scale-down stabilization are used.
  explicit ForecastFloor(const TargetPolicy& target);

  // Adds this evaluation's load to its minute (closing the minutes before it), refits when
  // due, and returns what the forecast asks for, the floor within [min_replicas,
  // max_replicas]. `applied` is left false: the caller decides.
  ForecastNote Evaluate(const PolicyInput& in, int32_t min_replicas, int32_t max_replicas);

  void Save(PolicyState& out) const;
  void Restore(const PolicyState& state);

 private:
  struct Series {
    // Completed minutes, oldest first; the newest starts at `last_minute`.
    std::vector<double> minutes;
    absl::Time last_minute = absl::InfinitePast();
    // The minute being aggregated.
    absl::Time open_minute = absl::InfinitePast();
    double open_sum = 0;
    int64_t open_count = 0;
    // The fitted forecaster (null until a Fit succeeds) and why the last Fit failed.
    std::unique_ptr<forecast::Forecaster> model;
    std::string why_not = "no completed minute of load yet";
    bool fit_attempted = false;
    size_t fitted_minutes = 0;  // the history the model was fitted on
    size_t minutes_since_fit_attempt = 0;
    // The one-minute-ahead forecast of the open minute, and (|error|, actual) of the last
    // hour's minutes.
    std::optional<double> pending;
    std::deque<std::pair<double, double>> errors;
  };

  void Add(Series& s, absl::Time minute, std::optional<double> load);
  void Close(Series& s, absl::Time minute, double value);
  void FillGap(Series& s, absl::Time until);
  void FitIfDue(Series& s);
  double PeakAhead(const Series& s, absl::Time now) const;

  const Forecasting config_;
  const std::vector<MetricTarget> metrics_;
  // A floor is held this long after it was asked for, as the algorithm holds its own
  // recommendations before a scale-down (HPA's downscale stabilization, KPA's stable window
  // or scale-down delay): a forecast that dips for a minute must not make the count flap.
  const absl::Duration hold_;
  std::deque<std::pair<absl::Time, int32_t>> recent_floors_;  // decreasing floors
  std::vector<Series> series_;
};

// How long the algorithm of `target` holds a recommendation before scaling down.
absl::Duration ScaleDownHold(const TargetPolicy& target);

// "forecast: 1,900 requests/s within 120s (holt_winters_add); floor 12".
std::string ForecastSentence(const ForecastNote& note);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_FORECAST_FLOOR_H_
