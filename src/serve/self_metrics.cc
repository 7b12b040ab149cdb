#include "src/serve/self_metrics.h"

#include <sstream>

#include "prometheus/text_serializer.h"
#include "src/common/version/version.h"
#include "src/policy/guarded_policy.h"

namespace limiar::serve {

namespace {

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& registry,
                                                   const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

prometheus::Counter& Counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

SelfMetrics::SelfMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      current_(GaugeFamily(*registry_, "limiar_current_replicas",
                           "Replicas the target runs now (its spec), as last observed")),
      desired_(GaugeFamily(*registry_, "limiar_desired_replicas",
                           "Replicas Limiar last decided for the target")),
      ready_(GaugeFamily(*registry_, "limiar_ready_replicas",
                         "Ready replicas of the target, as last observed")),
      min_(GaugeFamily(*registry_, "limiar_min_replicas", "The target's configured minimum")),
      max_(GaugeFamily(*registry_, "limiar_max_replicas", "The target's configured maximum")),
      mode_(GaugeFamily(*registry_, "limiar_mode",
                        "1 for the target's run-time mode (enforce, dry-run, paused), 0 for "
                        "the others")),
      panic_(GaugeFamily(*registry_, "limiar_panic_mode",
                         "1 while the target's KPA is in panic mode")),
      fallback_(GaugeFamily(*registry_, "limiar_fallback_active",
                            "1 while the target's fallback replica count is applied (its "
                            "metrics failed fallback.failure_threshold times running)")),
      scaling_active_(GaugeFamily(*registry_, "limiar_scaling_active",
                                  "0 when no metric of the target gave a usable value (HPA's "
                                  "ScalingActive=False: stale or missing metrics), else 1")),
      utilization_(GaugeFamily(*registry_, "limiar_utilization_percent",
                               "Per metric: load in percent of per-replica capacity")),
      metric_value_(GaugeFamily(*registry_, "limiar_metric_value",
                                "Per metric: the value the policy compares with its target, "
                                "cpu in percent of the request, others per replica")),
      metric_target_(GaugeFamily(*registry_, "limiar_metric_target",
                                 "Per metric: the target value, in limiar_metric_value's unit")),
      forecast_ready_(GaugeFamily(*registry_, "limiar_forecast_ready",
                                  "1 when the target's forecasting policy has a fitted "
                                  "forecaster, 0 while its history is too short")),
      forecast_load_(GaugeFamily(*registry_, "limiar_forecast_load",
                                 "Forecast total load over the horizon, in the metric's unit "
                                 "(cores, requests/s, connections), of the metric that asks "
                                 "for the most replicas")),
      forecast_floor_(GaugeFamily(*registry_, "limiar_forecast_floor_replicas",
                                  "Replicas the forecast load needs (the floor it sets, or "
                                  "would set in forecast-only mode)")),
      forecast_error_(GaugeFamily(*registry_, "limiar_forecast_error_ratio",
                                  "Last hour of one-minute-ahead forecasts: sum of absolute "
                                  "errors over the sum of actual load")),
      decisions_(prometheus::BuildCounter()
                     .Name("limiar_decisions_total")
                     .Help("Decisions by target and machine-readable reason")
                     .Register(*registry_)),
      scale_events_(prometheus::BuildCounter()
                        .Name("limiar_scale_events_total")
                        .Help("Scale events the actuator accepted, by target and direction")
                        .Register(*registry_)),
      tick_seconds_(
          prometheus::BuildHistogram()
              .Name("limiar_tick_duration_seconds")
              .Help("Duration of one control-loop pass over every target")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.005, 0.01, 0.025,
                                                               0.05, 0.1, 0.25, 1})),
      ingest_batch_seconds_(
          prometheus::BuildHistogram()
              .Name("limiar_ingest_batch_duration_seconds")
              .Help("Time to validate and store one pushed batch of samples")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.00001, 0.00005, 0.0001, 0.0005,
                                                               0.001, 0.005, 0.01, 0.05, 0.25})),
      ticks_failed_(Counter(*registry_, "limiar_ticks_failed_total",
                            "Passes in which no target could be observed")),
      ingest_(prometheus::BuildCounter()
                  .Name("limiar_ingest_samples_total")
                  .Help("Pushed samples, by outcome (accepted or rejected)")
                  .Register(*registry_)),
      actuator_(prometheus::BuildCounter()
                    .Name("limiar_actuator_calls_total")
                    .Help("Actuator calls by outcome: success, failure (after every retry), "
                          "retry")
                    .Register(*registry_)),
      scrape_failures_(Counter(*registry_, "limiar_scrape_failures_total",
                               "Replica /metrics scrapes that failed (the replica is missing)")),
      query_failures_(
          Counter(*registry_, "limiar_promql_failures_total", "PromQL queries that failed")),
      state_failures_(Counter(*registry_, "limiar_state_file_write_failures_total",
                              "State file writes that failed (restart safety at risk)")),
      leader_(GaugeFamily(*registry_, "limiar_leader",
                          "1 while this copy may actuate (it holds the leader election's "
                          "Lease, or none is configured), 0 while it follows")
                  .Add({})) {
  GaugeFamily(*registry_, "limiar_build_info", "1, labelled with the version of this binary")
      .Add({{"version", kVersion}})
      .Set(1);
}

SelfMetrics::TargetSeries& SelfMetrics::SeriesOf(const std::string& target) {
  auto [it, added] = targets_.try_emplace(target);
  TargetSeries& t = it->second;
  if (added) {
    const std::map<std::string, std::string> labels{{"target", target}};
    t.current.gauge = &current_.Add(labels);
    t.desired.gauge = &desired_.Add(labels);
    t.ready.gauge = &ready_.Add(labels);
    t.min.gauge = &min_.Add(labels);
    t.max.gauge = &max_.Add(labels);
    t.panic.gauge = &panic_.Add(labels);
    t.fallback.gauge = &fallback_.Add(labels);
    t.scaling_active.gauge = &scaling_active_.Add(labels);
    for (size_t m = 0; m < t.mode.size(); ++m) {
      t.mode[m].gauge = &mode_.Add(
          {{"target", target}, {"mode", policy::ModeName(static_cast<policy::Mode>(m))}});
    }
  }
  return t;
}

SelfMetrics::MetricSeries& SelfMetrics::MetricSeriesOf(TargetSeries& t, const std::string& target,
                                                       policy::MetricType metric) {
  MetricSeries& m = t.metrics[static_cast<size_t>(metric)];
  if (m.utilization.gauge == nullptr) {
    const std::map<std::string, std::string> labels{{"target", target},
                                                    {"metric", policy::MetricTypeName(metric)}};
    m.utilization.gauge = &utilization_.Add(labels);
    m.value.gauge = &metric_value_.Add(labels);
    m.target.gauge = &metric_target_.Add(labels);
  }
  return m;
}

void SelfMetrics::OnDecision(const controller::Decision& d) {
  MutexLock lock(&mu_);
  TargetSeries& t = SeriesOf(d.target);
  const policy::Recommendation& rec = d.recommendation;
  t.current.Set(d.current_replicas);
  t.desired.Set(d.desired_replicas);
  t.ready.Set(d.ready_replicas);
  t.min.Set(d.min_replicas);
  t.max.Set(d.max_replicas);
  t.panic.Set(rec.panic_mode ? 1 : 0);
  t.fallback.Set(rec.reason == policy::kFallbackReason ? 1 : 0);
  t.scaling_active.Set(rec.scaling_active ? 1 : 0);
  for (size_t m = 0; m < t.mode.size(); ++m) {
    t.mode[m].Set(static_cast<size_t>(d.mode) == m ? 1 : 0);
  }
  for (const policy::MetricProposal& p : rec.metrics) {
    if (!p.valid) continue;
    MetricSeries& m = MetricSeriesOf(t, d.target, p.metric);
    m.utilization.Set(p.utilization_percent);
    m.value.Set(p.value);
    m.target.Set(p.target);
  }
  if (rec.forecast) SetForecast(t, d.target, *rec.forecast);
  if (t.last_reason_counter == nullptr || t.last_reason != rec.reason) {
    auto reason = t.decisions.find(rec.reason);
    if (reason == t.decisions.end()) {
      reason =
          t.decisions
              .emplace(rec.reason, &decisions_.Add({{"target", d.target}, {"reason", rec.reason}}))
              .first;
    }
    t.last_reason = rec.reason;
    t.last_reason_counter = reason->second;
  }
  t.last_reason_counter->Increment();
  if (d.actuated) {
    const bool up = d.desired_replicas > d.current_replicas;
    prometheus::Counter*& counter = up ? t.up : t.down;
    if (counter == nullptr) {
      counter = &scale_events_.Add({{"target", d.target}, {"direction", up ? "up" : "down"}});
    }
    counter->Increment();
  }
}

void SelfMetrics::SetForecast(TargetSeries& t, const std::string& target,
                              const policy::ForecastNote& f) {
  ForecastSeries& s = t.forecast;
  if (s.ready.gauge == nullptr) {
    const std::map<std::string, std::string> labels{{"target", target}};
    s.ready.gauge = &forecast_ready_.Add(labels);
    s.floor.gauge = &forecast_floor_.Add(labels);
  }
  s.ready.Set(f.ready ? 1 : 0);
  if (!f.ready) return;
  CachedGauge& load = t.metrics[static_cast<size_t>(f.metric)].forecast_load;
  if (load.gauge == nullptr) {
    load.gauge =
        &forecast_load_.Add({{"target", target}, {"metric", policy::MetricTypeName(f.metric)}});
  }
  load.Set(f.load);
  s.floor.Set(f.floor);
  if (f.error_ratio) {
    if (s.error_ratio.gauge == nullptr)
      s.error_ratio.gauge = &forecast_error_.Add({{"target", target}});
    s.error_ratio.Set(*f.error_ratio);
  }
}

void SelfMetrics::ObserveTick(absl::Duration took, bool ok) {
  MutexLock lock(&mu_);
  tick_seconds_.Observe(absl::ToDoubleSeconds(took));
  if (!ok) ticks_failed_.Increment();
}

void SelfMetrics::ObserveIngestBatch(absl::Duration took) {
  ingest_batch_seconds_.Observe(absl::ToDoubleSeconds(took));
}

void SelfMetrics::SetTotalsSource(std::function<Totals()> source) {
  MutexLock lock(&mu_);
  totals_source_ = std::move(source);
}

void SelfMetrics::RefreshTotals() {
  if (!totals_source_) return;
  const Totals t = totals_source_();
  auto grow = [](prometheus::Counter& c, uint64_t now, uint64_t before) {
    if (now > before) c.Increment(static_cast<double>(now - before));
  };
  grow(ingest_.Add({{"outcome", "accepted"}}), t.ingest_accepted, last_.ingest_accepted);
  grow(ingest_.Add({{"outcome", "rejected"}}), t.ingest_rejected, last_.ingest_rejected);
  grow(actuator_.Add({{"outcome", "success"}}), t.actuator_successes, last_.actuator_successes);
  grow(actuator_.Add({{"outcome", "failure"}}), t.actuator_failures, last_.actuator_failures);
  grow(actuator_.Add({{"outcome", "retry"}}), t.actuator_retries, last_.actuator_retries);
  grow(scrape_failures_, t.scrape_failures, last_.scrape_failures);
  grow(query_failures_, t.query_failures, last_.query_failures);
  grow(state_failures_, t.state_write_failures, last_.state_write_failures);
  leader_.Set(t.leader ? 1 : 0);
  last_ = t;
}

std::string SelfMetrics::Render() {
  MutexLock lock(&mu_);
  RefreshTotals();
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace limiar::serve
