#include "src/serve/self_metrics.h"

#include <sstream>

#include "prometheus/text_serializer.h"

namespace limiar::serve {

SelfMetrics::SelfMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      current_(prometheus::BuildGauge()
                   .Name("limiar_current_replicas")
                   .Help("Replicas the target runs now (its spec), as last observed")
                   .Register(*registry_)),
      desired_(prometheus::BuildGauge()
                   .Name("limiar_desired_replicas")
                   .Help("Replicas Limiar last decided for the target")
                   .Register(*registry_)),
      ready_(prometheus::BuildGauge()
                 .Name("limiar_ready_replicas")
                 .Help("Ready replicas of the target, as last observed")
                 .Register(*registry_)),
      utilization_(prometheus::BuildGauge()
                       .Name("limiar_utilization_percent")
                       .Help("Per metric: load in percent of per-replica capacity")
                       .Register(*registry_)),
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
      ticks_failed_(prometheus::BuildCounter()
                        .Name("limiar_ticks_failed_total")
                        .Help("Passes in which no target could be observed")
                        .Register(*registry_)
                        .Add({})),
      ingest_(prometheus::BuildCounter()
                  .Name("limiar_ingest_samples_total")
                  .Help("Pushed samples, by outcome (accepted or rejected)")
                  .Register(*registry_)),
      actuator_(prometheus::BuildCounter()
                    .Name("limiar_actuator_calls_total")
                    .Help("Actuator calls by outcome: success, failure (after every retry), "
                          "retry")
                    .Register(*registry_)),
      scrape_failures_(prometheus::BuildCounter()
                           .Name("limiar_scrape_failures_total")
                           .Help("Replica /metrics scrapes that failed (the replica is missing)")
                           .Register(*registry_)
                           .Add({})),
      query_failures_(prometheus::BuildCounter()
                          .Name("limiar_promql_failures_total")
                          .Help("PromQL queries that failed")
                          .Register(*registry_)
                          .Add({})),
      state_failures_(prometheus::BuildCounter()
                          .Name("limiar_state_file_write_failures_total")
                          .Help("State file writes that failed (restart safety at risk)")
                          .Register(*registry_)
                          .Add({})),
      leader_(prometheus::BuildGauge()
                  .Name("limiar_leader")
                  .Help("1 while this copy may actuate (it holds the leader election's Lease, "
                        "or none is configured), 0 while it follows")
                  .Register(*registry_)
                  .Add({})) {}

SelfMetrics::TargetSeries& SelfMetrics::SeriesOf(const std::string& target) {
  auto [it, added] = targets_.try_emplace(target);
  TargetSeries& t = it->second;
  if (added) {
    const std::map<std::string, std::string> labels{{"target", target}};
    t.current.gauge = &current_.Add(labels);
    t.desired.gauge = &desired_.Add(labels);
    t.ready.gauge = &ready_.Add(labels);
  }
  return t;
}

void SelfMetrics::OnDecision(const controller::Decision& d) {
  MutexLock lock(&mu_);
  TargetSeries& t = SeriesOf(d.target);
  t.current.Set(d.current_replicas);
  t.desired.Set(d.desired_replicas);
  t.ready.Set(d.ready_replicas);
  for (const policy::MetricProposal& m : d.recommendation.metrics) {
    if (!m.valid) continue;
    CachedGauge& utilization = t.utilization[static_cast<size_t>(m.metric)];
    if (utilization.gauge == nullptr) {
      utilization.gauge =
          &utilization_.Add({{"target", d.target}, {"metric", policy::MetricTypeName(m.metric)}});
    }
    utilization.Set(m.utilization_percent);
  }
  if (t.last_reason_counter == nullptr || t.last_reason != d.recommendation.reason) {
    auto reason = t.decisions.find(d.recommendation.reason);
    if (reason == t.decisions.end()) {
      reason =
          t.decisions
              .emplace(d.recommendation.reason,
                       &decisions_.Add({{"target", d.target}, {"reason", d.recommendation.reason}}))
              .first;
    }
    t.last_reason = d.recommendation.reason;
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

void SelfMetrics::ObserveTick(absl::Duration took, bool ok) {
  MutexLock lock(&mu_);
  tick_seconds_.Observe(absl::ToDoubleSeconds(took));
  if (!ok) ticks_failed_.Increment();
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
