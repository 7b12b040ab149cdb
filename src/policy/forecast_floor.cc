#include "src/policy/forecast_floor.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/common/format_count.h"
#include "src/policy/forecast/auto_choice.h"
#include "src/policy/load_history.h"
#include "src/policy/names.h"

namespace limiar::policy {
namespace {

constexpr absl::Duration kMinute = absl::Minutes(1);
constexpr size_t kMinutesPerDay = 24 * 60;
// A forecaster that could not fit is tried again after this many new minutes. A fitted one
// is refitted so that its parameters follow the season: after a day while its history is
// young, after half as many new minutes as it was fitted on later, and at least weekly (a
// fit of `auto` on two weeks of minutes back-tests every candidate: refitting it daily made
// a 56-day replay five times slower for no better forecast).
constexpr size_t kRetryMinutes = 60;
constexpr size_t kMinRefitMinutes = kMinutesPerDay;
constexpr size_t kMaxRefitMinutes = 7 * kMinutesPerDay;
// One-minute-ahead errors kept for the error ratio.
constexpr size_t kErrorMinutes = 60;

size_t StepsOf(absl::Duration d) {
  return static_cast<size_t>(
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d, kMinute)) / 60));
}

std::unique_ptr<forecast::Forecaster> MakeModel(const Forecasting& config) {
  if (auto kind = forecast::ForecasterKindFromName(config.forecaster)) {
    return forecast::MakeForecaster(*kind, 60);
  }
  return std::make_unique<forecast::AutoChoice>(60, StepsOf(config.horizon));
}

}  // namespace

std::optional<double> ObservedLoad(const MetricObservation& m) {
  if (!m.error.ok()) return std::nullopt;
  if (m.whole_target_value) return *m.whole_target_value;
  if (m.stable_total) return *m.stable_total;
  std::optional<double> sum;
  for (const ReplicaSample& r : m.replicas) {
    if (r.value) sum = sum.value_or(0) + *r.value;
  }
  return sum;
}

absl::Duration ScaleDownHold(const TargetPolicy& target) {
  if (target.algorithm == Algorithm::kKpa) {
    return std::max(target.kpa.stable_window, target.kpa.scale_down_delay);
  }
  if (target.hpa.behavior && target.hpa.behavior->scale_down.stabilization_window) {
    return *target.hpa.behavior->scale_down.stabilization_window;
  }
  return target.hpa.downscale_stabilization;
}

ForecastFloor::ForecastFloor(const TargetPolicy& target)
    : config_(*target.forecasting),
      metrics_(target.metrics),
      hold_(ScaleDownHold(target)),
      series_(target.metrics.size()) {}

ForecastNote ForecastFloor::Evaluate(const PolicyInput& in, int32_t min_replicas,
                                     int32_t max_replicas) {
  ForecastNote note;
  note.mode = config_.mode;
  note.horizon = config_.horizon;
  note.floor = min_replicas;
  note.why_not = "no metric";
  double best_needed = -1;
  for (size_t i = 0; i < series_.size(); ++i) {
    Series& s = series_[i];
    const std::optional<double> load =
        i < in.metrics.size() ? ObservedLoad(in.metrics[i]) : std::nullopt;
    Add(s, MinuteOf(in.now), load);
    FitIfDue(s);
    if (!s.model) {
      if (!note.ready) note.why_not = s.why_not;
      continue;
    }
    const MetricTarget& t = metrics_[i];
    const double peak = PeakAhead(s, in.now);
    const double per_replica = t.capacity_per_replica * t.target_percent / 100.0;
    const double needed =
        per_replica > 0 ? std::ceil(peak * (1 + config_.margin_percent / 100.0) / per_replica) : 0;
    if (!note.ready || needed > best_needed) {
      best_needed = needed;
      note.ready = true;
      note.why_not.clear();
      note.forecaster = std::string(s.model->name());
      if (auto* choice = dynamic_cast<const forecast::AutoChoice*>(s.model.get());
          choice && choice->chosen()) {
        note.forecaster = absl::StrCat("auto: ", choice->chosen()->name());
      }
      note.metric = t.metric;
      note.load = peak;
      if (!s.errors.empty()) {
        double err = 0, actual = 0;
        for (const auto& [e, a] : s.errors) {
          err += e;
          actual += a;
        }
        note.error_ratio = actual > 0 ? err / actual : 0;
      }
    }
  }
  if (note.ready) {
    const auto asked = static_cast<int32_t>(
        std::clamp<double>(best_needed, min_replicas, std::max(min_replicas, max_replicas)));
    // The highest floor asked for within the hold: a monotonic queue of (time, floor).
    while (!recent_floors_.empty() && recent_floors_.back().second <= asked) {
      recent_floors_.pop_back();
    }
    recent_floors_.emplace_back(in.now, asked);
    while (recent_floors_.front().first < in.now - hold_) recent_floors_.pop_front();
    note.floor = std::min(recent_floors_.front().second, std::max(min_replicas, max_replicas));
  }
  return note;
}

void ForecastFloor::Add(Series& s, absl::Time minute, std::optional<double> load) {
  if (s.open_minute == absl::InfinitePast()) {
    // The first evaluation (or the first after a restore): continue the kept history.
    if (s.last_minute != absl::InfinitePast() && minute > s.last_minute + kMinute) {
      FillGap(s, minute);
    }
    if (s.last_minute == absl::InfinitePast() || minute > s.last_minute) s.open_minute = minute;
  }
  // Before the kept history (a clock set back): nothing to add.
  if (s.open_minute == absl::InfinitePast() || minute < s.open_minute) return;
  if (minute > s.open_minute) {
    if (s.open_count > 0) {
      Close(s, s.open_minute, s.open_sum / static_cast<double>(s.open_count));
    } else {
      FillGap(s, s.open_minute + kMinute);
    }
    FillGap(s, minute);
    s.open_minute = minute;
    s.open_sum = 0;
    s.open_count = 0;
  }
  // A NaN or an Inf (a PromQL answer may be either) is no load: in the history it would make
  // every forecast, and the replica count cast from it, undefined.
  if (load && std::isfinite(*load) && *load >= 0) {
    s.open_sum += *load;
    ++s.open_count;
  }
}

void ForecastFloor::Close(Series& s, absl::Time minute, double value) {
  s.minutes.push_back(value);
  s.last_minute = minute;
  const size_t cap = LoadHistoryCap(config_);
  // Trimmed in batches: the history stays contiguous for Fit without moving it every minute.
  if (s.minutes.size() > cap + cap / 8) {
    s.minutes.erase(s.minutes.begin(), s.minutes.end() - static_cast<std::ptrdiff_t>(cap));
  }
  ++s.minutes_since_fit_attempt;
  if (s.pending) {
    s.errors.emplace_back(std::fabs(*s.pending - value), std::fabs(value));
    if (s.errors.size() > kErrorMinutes) s.errors.pop_front();
  }
  if (s.model) {
    s.model->Observe(value);
    s.pending = s.model->Forecast(1);
  }
}

// Minutes without any evaluation (a restart, a source outage) are filled from the same
// minute a day before when the history has it, else with the last value, so that the
// series stays evenly spaced and its seasons aligned. A gap longer than the kept history
// starts the history afresh.
void ForecastFloor::FillGap(Series& s, absl::Time until) {
  if (s.last_minute == absl::InfinitePast()) return;
  if (until - s.last_minute > config_.history) {
    s.minutes.clear();
    s.last_minute = absl::InfinitePast();
    s.model.reset();
    s.pending.reset();
    s.why_not = "the history was reset after a gap longer than the history kept";
    return;
  }
  while (s.last_minute + kMinute < until) {
    Close(s, s.last_minute + kMinute, GapFill(s.minutes));
  }
}

void ForecastFloor::FitIfDue(Series& s) {
  if (s.minutes.empty()) return;
  const size_t due = s.model ? std::clamp(s.fitted_minutes / 2, kMinRefitMinutes, kMaxRefitMinutes)
                             : kRetryMinutes;
  if (s.fit_attempted && s.minutes_since_fit_attempt < due) return;
  s.fit_attempted = true;
  s.minutes_since_fit_attempt = 0;
  std::unique_ptr<forecast::Forecaster> model = MakeModel(config_);
  const size_t cap = LoadHistoryCap(config_);
  const size_t from = s.minutes.size() > cap ? s.minutes.size() - cap : 0;
  absl::Status fitted = model->Fit(std::span<const double>(s.minutes).subspan(from));
  if (!fitted.ok()) {
    // A model that fitted before keeps serving until a refit succeeds.
    if (!s.model) s.why_not = std::string(fitted.message());
    return;
  }
  s.model = std::move(model);
  s.fitted_minutes = s.minutes.size() - from;
  s.why_not.clear();
  s.pending = s.model->Forecast(1);
}

// The highest forecast minute from the open one to the one `horizon` after `now`: the load
// the replicas started now must carry by the time they are ready.
double ForecastFloor::PeakAhead(const Series& s, absl::Time now) const {
  // At least the open minute; and never more than the horizon's minutes, though a clock set
  // back puts `now` before the history's end.
  const int64_t steps =
      std::clamp<int64_t>((MinuteOf(now + config_.horizon) - s.last_minute) / kMinute, 1,
                          static_cast<int64_t>(StepsOf(config_.horizon)) + 1);
  double peak = 0;
  for (int64_t k = 1; k <= steps; ++k) {
    const double f = s.model->Forecast(static_cast<size_t>(k));
    if (std::isfinite(f)) peak = std::max(peak, f);
  }
  return peak;
}

void ForecastFloor::Save(PolicyState& out) const {
  out.load_history.clear();
  for (const Series& s : series_) {
    const size_t cap = LoadHistoryCap(config_);
    const size_t from = s.minutes.size() > cap ? s.minutes.size() - cap : 0;
    out.load_history.push_back(
        {.last_minute = s.last_minute,
         .minutes = std::vector<double>(s.minutes.begin() + static_cast<std::ptrdiff_t>(from),
                                        s.minutes.end())});
  }
}

void ForecastFloor::Restore(const PolicyState& state) {
  recent_floors_.clear();
  series_.clear();
  series_.resize(metrics_.size());
  for (size_t i = 0; i < series_.size() && i < state.load_history.size(); ++i) {
    const PolicyState::LoadHistory& h = state.load_history[i];
    if (h.minutes.empty() || h.last_minute == absl::InfinitePast()) continue;
    Series& s = series_[i];
    s.minutes = h.minutes;
    s.last_minute = h.last_minute;
  }
}

std::string ForecastSentence(const ForecastNote& note) {
  if (!note.ready) return absl::StrCat("forecast: not yet (", note.why_not, ")");
  // Cores are few and fractional; requests and connections are counts.
  const std::string load =
      note.metric == MetricType::kCpu ? absl::StrFormat("%.2f", note.load) : FormatCount(note.load);
  return absl::StrCat("forecast: ", load, " ", MetricUnit(note.metric), " within ",
                      absl::ToInt64Seconds(note.horizon), "s (", note.forecaster, "); ",
                      note.mode == ForecastMode::kActive ? "floor " : "would set floor ",
                      note.floor);
}

}  // namespace limiar::policy
