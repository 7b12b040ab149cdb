// What one simulated run produces, per resource: the step-by-step timeline, every decision
// the production control loop took, and the summary figures. The writers (CSV, JSONL,
// summary JSON, HTML report) and the terminal table all read these types.
#ifndef LIMIAR_SIM_MODEL_SIM_RESULT_H_
#define LIMIAR_SIM_MODEL_SIM_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace limiar::sim {

// The service-level objective a run is judged by.
struct SloSpec {
  double latency_percentile = 95;  // which response-time percentile is bounded
  double latency_ms = 250;         // its bound
  double max_drop_rate = 0.001;    // dropped / arrived over the run
  // When set, also at most this many seconds of steps in violation.
  std::optional<double> max_violation_s;
};

// One simulation step of one resource.
struct TimelineRow {
  double t_s = 0;         // seconds since the run's start
  double demand_rps = 0;  // arrival rate
  int32_t spec = 0;       // replicas asked for (ready + starting)
  int32_t ready = 0;
  int32_t starting = 0;
  int32_t desired = 0;                        // the last decision's desired count
  double capacity_rps = 0;                    // ready x per-replica capacity
  double utilization = 0;                     // offered load / ready capacity, may exceed 1
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;  // response time this step
  double dropped = 0;                         // requests dropped this step
  double backlog = 0;                         // requests queued at the end of the step
  bool slo_violated = false;
};

// One decision of the control loop, as decisions.jsonl writes it.
struct DecisionRecord {
  double t_s = 0;
  int32_t current = 0;
  int32_t ready = 0;
  int32_t desired = 0;
  std::string reason;   // machine-readable, e.g. "scale_up_limited"
  std::string message;  // the policy's sentence
  bool actuated = false;
  std::string note;  // why not actuated, or the actuator's error
};

// An injected event, for the report's markers and the decision log.
struct EventRecord {
  double t_s = 0;
  double duration_s = 0;  // 0 for instantaneous events
  std::string kind;       // "zone_outage", "metric_outage", "actuator_outage"
  std::string description;
};

struct ResourceSummary {
  std::string target;
  double slo_violation_s = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;  // request-weighted over the run
  double slo_latency_ms = 0;                  // the SLO's percentile over the run (p95 by default)
  double requests = 0;                        // arrived
  double dropped = 0;
  double drop_rate = 0;
  double replica_hours = 0;  // (ready + starting) replica-seconds / 3600
  double cost = 0;           // replica_hours x price, 0 without a price
  int32_t max_replicas = 0;  // the most replicas asked for at once
  int32_t scale_ups = 0;
  int32_t scale_downs = 0;
  double peak_demand_rps = 0;
  // Seconds from the spike's start (or, without a known spike, from the start of the
  // longest stretch of demand above ready capacity) until ready capacity met demand again.
  // nullopt when demand never outran capacity.
  std::optional<double> time_to_capacity_s;
  bool capacity_reached = true;  // false when demand fell back before capacity caught up
  bool meets_slo = true;
};

struct ResourceRun {
  std::string target;
  int32_t min_replicas = 0;  // the policy's bounds, for the chart's axis and guides
  int32_t max_replicas = 0;
  double capacity_per_replica_rps = 0;
  ResourceSummary summary;
  // One per SimOptions::windows entry: the same figures over that part of the run.
  std::vector<ResourceSummary> window_summaries;
  std::vector<TimelineRow> timeline;  // empty when the run did not record one
  std::vector<DecisionRecord> decisions;
};

// One policy over the scenario.
struct RunResult {
  std::string policy;       // "blueprint", "hpa", "kpa" or the user's label
  std::string description;  // one line: algorithm and the knobs that differ
  std::vector<ResourceRun> resources;
  std::vector<EventRecord> events;
};

// Everything a report shows: the scenario and one or more runs on the same traffic.
struct Report {
  std::string scenario;     // name
  std::string description;  // one line: traffic, duration, step, seed
  std::string start_time;   // RFC 3339 of the run's t = 0
  double step_s = 1;
  double loop_interval_s = 15;
  SloSpec slo;
  std::vector<RunResult> runs;
};

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_MODEL_SIM_RESULT_H_
