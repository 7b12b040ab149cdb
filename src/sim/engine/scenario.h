// A simulation scenario: which blueprint, what traffic reaches each target compute, how
// the cluster behaves, what the SLO is, and which events are injected. Parsed from JSON
// with every problem reported by JSON path, like blueprints (README, "Scenario files").
#ifndef LIMIAR_SIM_ENGINE_SCENARIO_H_
#define LIMIAR_SIM_ENGINE_SCENARIO_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/config/json_text.h"
#include "src/sim/model/sim_result.h"
#include "src/sim/model/traffic.h"

namespace limiar::sim {

// The largest scenario read, from a file or as text; it may hold its blueprint, whose own
// limit is the same.
inline constexpr size_t kMaxScenarioBytes = 16 << 20;
// Arrays and objects open at once: traffic sits 4 deep (targets.NAME.traffic) and a chain of
// kMaxTrafficDepth sums takes 2 levels a node, 34 in all; an inline blueprint takes its own
// limit (16) plus one.
inline constexpr int kMaxScenarioDepth = 40;
inline constexpr config::JsonTextLimits kScenarioTextLimits = {
    {kMaxScenarioBytes, kMaxScenarioDepth}, "flatten it: traffic nests 16 nodes deep at most"};
// The most steps a run may take (duration_s / step_s): a year of one-second steps is 31.6 M.
// Each step costs a traffic rate per target (8 bytes) and, when the run records its timeline
// (`simulate --out`), a timeline row (~100 bytes): recording runs stop at kMaxTimelineSteps
// (58 days of one-second steps); a summary is kept in constant memory at any length.
inline constexpr int64_t kMaxRunSteps = 32'000'000;
inline constexpr int64_t kMaxTimelineSteps = 5'000'000;
// The longest run: a year and a day.
inline constexpr double kMaxDurationS = 366 * 86400;

// How long a new replica takes from "asked for" to "ready".
struct StartupDelay {
  enum class Kind { kFixed, kUniform, kLognormal };
  Kind kind = Kind::kFixed;
  double fixed_s = 30;
  double min_s = 0, max_s = 0;     // uniform
  double median_s = 0, sigma = 0;  // lognormal
};

// The cluster model of one target compute, plus the traffic that reaches it.
struct TargetModel {
  std::string target;  // the compute's `nome`
  TrafficSpec traffic;
  // What one replica serves at 100 %, requests/s. nullopt: the policy's own capacity for
  // `requests`, else 100.
  std::optional<double> capacity_rps;
  // Mean service time of one request; with capacity it sets the workers per replica
  // (capacity x service time). nullopt: one worker, service time 1 / capacity.
  std::optional<double> service_time_ms;
  // Requests that may wait per ready replica before arrivals are dropped, and the longest
  // a request waits before it is dropped.
  double queue_per_replica = 100;
  double timeout_s = 30;
  double burstiness = 1;  // Allen-Cunneen (ca^2 + cs^2) / 2
  // Mean lifetime of a connection (Little's law: open = arrival rate x lifetime).
  double connection_lifetime_s = 1;
  // Replicas at t = 0 (all ready). nullopt: the policy's replicas_min (at least 1).
  std::optional<int32_t> initial_replicas;
  StartupDelay startup;
  double drain_s = 0;  // a removed replica keeps costing (not serving) this long
  // Policy knobs for this target, as the blueprint spells them ("limiar": 50).
  std::map<std::string, nlohmann::json> policy;
};

// How metrics reach the policy, as in a real deployment.
struct MetricsModel {
  // nullopt: 15 s for hpa targets (metrics-server / Prometheus), 1 s for kpa (Knative's
  // queue-proxy reports every second).
  std::optional<double> scrape_interval_s;
  double delay_s = 0;    // from scrape to the store
  double window_s = 60;  // the store's per-replica averaging window (`limiar serve` default)
  double max_age_s = 120;
};

struct SimEvent {
  enum class Kind { kZoneOutage, kMetricOutage, kActuatorOutage };
  Kind kind = Kind::kZoneOutage;
  double at_s = 0;
  double duration_s = 0;  // metric / actuator outage
  double fraction = 0;    // zone outage: share of replicas lost
  bool replace = true;    // zone outage: the platform recreates the lost replicas
  std::string target;     // empty: every simulated target
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source;    // the file path, or "built-in"
  std::string base_dir;  // relative paths in the scenario resolve against this
  // The blueprint as JSON, and the name its errors carry.
  nlohmann::json blueprint;
  std::string blueprint_source;
  absl::Time start = absl::FromUnixSeconds(1795766400);  // 2026-11-27T08:00:00Z
  double duration_s = 3600;
  double step_s = 1;
  uint64_t seed = 1;
  double loop_interval_s = 15;  // the control loop's tick (HPA's sync period)
  MetricsModel metrics;
  SloSpec slo;
  double price_per_replica_hour = 0;
  std::vector<TargetModel> targets;   // sorted by name (a JSON object has no order)
  std::vector<SimEvent> events;       // by time
  std::vector<std::string> warnings;  // from the blueprint as loaded
};

// Parses scenario JSON text within kScenarioTextLimits; `source` names it in errors,
// `base_dir` resolves relative paths (blueprint, traces). Checks the blueprint too (it must
// load, and every simulated target must be one of its managed computes), and refuses runs of
// more than kMaxRunSteps steps.
absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source,
                                       const std::string& base_dir);
// The path must name a regular file of at most kMaxScenarioBytes (a FIFO or a device is
// refused unread).
absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path);

// The built-in flash sale: the e-commerce seed blueprint's storefront (`requests` at 65 %,
// 2..8 replicas), a 10x spike, no files needed.
Scenario BuiltinFlashSale();
// Its JSON, for `limiar simulate --print-builtin` and as a starting point for users.
const char* BuiltinFlashSaleJson();

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_SCENARIO_H_
