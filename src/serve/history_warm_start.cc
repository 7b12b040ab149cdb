#include "src/serve/history_warm_start.h"

#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/common/format_count.h"
#include "src/metrics/promql/promql_history.h"
#include "src/policy/load_history.h"

namespace limiar::serve {

std::vector<WarmStartSource> WarmStartSources(const std::vector<policy::TargetPolicy>& targets,
                                              const std::vector<metrics::PromQlSource>& promql) {
  std::vector<WarmStartSource> out;
  for (const policy::TargetPolicy& t : targets) {
    if (!t.forecasting) continue;
    for (size_t i = 0; i < t.metrics.size(); ++i) {
      for (const metrics::PromQlSource& s : promql) {
        if (s.target != t.target || s.metric != t.metrics[i].metric) continue;
        out.push_back({.target = t.target,
                       .metric_index = i,
                       .metric = s.metric,
                       .history_minutes = policy::LoadHistoryCap(*t.forecasting),
                       .query = s.query});
      }
    }
  }
  return out;
}

HistoryWarmStart::HistoryWarmStart(metrics::PromQlRangeQuerier* querier, controller::Runner* runner,
                                   Clock* clock, Log log)
    : querier_(querier), runner_(runner), clock_(clock), log_(std::move(log)) {}

HistoryWarmStart::~HistoryWarmStart() { Stop(); }

void HistoryWarmStart::Add(std::vector<WarmStartSource> sources) {
  if (sources.empty() || stopping_.load()) return;
  {
    MutexLock lock(&mu_);
    for (WarmStartSource& s : sources) queue_.push_back(std::move(s));
  }
  worker_.Start();
}

void HistoryWarmStart::Stop() {
  stopping_.store(true);
  worker_.Stop();
}

void HistoryWarmStart::Drain() {
  while (!stopping_.load()) {
    WarmStartSource source;
    {
      MutexLock lock(&mu_);
      if (queue_.empty()) return;
      source = std::move(queue_.front());
      queue_.pop_front();
    }
    const Outcome outcome = WarmStart(source, clock_->Now());
    if (log_) log_(outcome.line, outcome.failed);
  }
}

HistoryWarmStart::Outcome HistoryWarmStart::WarmStart(const WarmStartSource& source,
                                                      absl::Time now) {
  const std::string what = absl::StrCat("forecast history of ", source.target, " ",
                                        policy::MetricTypeName(source.metric));
  // What the target keeps now (restored from the state file, or observed since the start).
  std::optional<policy::PolicyState::LoadHistory> kept;
  runner_->WithLoop([&](controller::ControlLoop& loop) {
    absl::StatusOr<policy::PolicyState> state = loop.PolicyStateOf(source.target);
    if (state.ok() && source.metric_index < state->load_history.size()) {
      kept = state->load_history[source.metric_index];
    }
  });
  // A reload may have removed the target, or its forecast, since the source was queued.
  if (!kept) return {absl::StrCat(what, ": no longer forecast, nothing read"), false};
  const policy::MinuteSpan span = policy::MinutesToRead(*kept, now, source.history_minutes);
  const std::string days =
      absl::StrFormat("%.1f days", static_cast<double>(source.history_minutes) / 1440.0);
  if (span.empty()) {
    return {absl::StrCat(what, ": the kept history already holds its ", days,
                         "; nothing read from prometheus"),
            false};
  }
  const metrics::MinuteLoads read =
      metrics::ReadMinuteLoads(*querier_, source.query, span.from, span.to);
  size_t with_value = 0;
  for (double v : read.values) with_value += std::isfinite(v) && v >= 0 ? 1 : 0;
  size_t held = 0;
  if (with_value > 0) {
    runner_->WithLoop([&](controller::ControlLoop& loop) {
      (void)loop.UpdatePolicyState(source.target, [&](policy::PolicyState& state) {
        if (source.metric_index >= state.load_history.size()) return;
        policy::PolicyState::LoadHistory& h = state.load_history[source.metric_index];
        // Merged with what the target holds now: minutes it observed during the reading win.
        h = policy::MergeLoadHistory(h, read.first_minute, read.values, source.history_minutes);
        held = h.minutes.size();
      });
    });
  }
  const std::string from = absl::StrCat("prometheus ", source.query.server_address);
  const std::string got = absl::StrCat(FormatCount(static_cast<double>(with_value)), " of ",
                                       FormatCount(static_cast<double>(read.values.size())),
                                       " minutes read from ", from);
  const std::string now_holds =
      absl::StrFormat("; it now holds %s minutes (%.1f days)",
                      FormatCount(static_cast<double>(held)), static_cast<double>(held) / 1440.0);
  if (!read.error.ok()) {
    return {absl::StrCat(what, ": warm start stopped: ", read.error.ToString(),
                         with_value > 0 ? absl::StrCat("; ", got, now_holds) : ""),
            true};
  }
  if (with_value == 0) {
    return {absl::StrCat(what, ": ", from, " has no value of the query in the ",
                         FormatCount(static_cast<double>(read.values.size())),
                         " minutes asked for; the forecast waits for minutes of its own"),
            false};
  }
  return {absl::StrCat(what, ": ", got, now_holds), false};
}

}  // namespace limiar::serve
