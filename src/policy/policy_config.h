// The resolved, validated policy of one target compute: what the blueprint loader produces
// and what the decision code consumes. Every field holds its effective value; `provenance`
// says where each knob came from. Defaults are the anchors' production defaults (HPA,
// Knative), and Limiar's own additions default to off.
#ifndef LIMIAR_POLICY_POLICY_CONFIG_H_
#define LIMIAR_POLICY_POLICY_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "src/policy/cron.h"

namespace limiar::policy {

enum class MetricType { kCpu, kRequests, kConnections };
enum class Algorithm { kHpa, kKpa };
enum class Mode { kEnforce, kDryRun, kPaused };

// HPA `behavior` (autoscaling/v2 HPAScalingRules).
enum class RatePolicyType { kPods, kPercent };
enum class SelectPolicy { kMax, kMin, kDisabled };

struct RatePolicy {
  RatePolicyType type = RatePolicyType::kPods;
  int32_t value = 0;
  absl::Duration period = absl::Seconds(15);
};

struct ScalingRules {
  // nullopt for scale-down means "use the controller's downscale stabilization" (HPA).
  std::optional<absl::Duration> stabilization_window;
  SelectPolicy select_policy = SelectPolicy::kMax;
  std::vector<RatePolicy> policies;
};

struct HpaBehavior {
  ScalingRules scale_up;
  ScalingRules scale_down;
};

// HPA defaults for `behavior` when it is set (pkg/apis/autoscaling/v2/defaults.go).
HpaBehavior DefaultHpaBehavior();

struct HpaConfig {
  // Hysteresis band, per direction (KEP-4951): no change iff 1-down <= ratio <= 1+up.
  double tolerance_up = 0.1;
  double tolerance_down = 0.1;
  // nullopt: the legacy path (max-of-window stabilization + max(2*current, 4) clamp).
  std::optional<HpaBehavior> behavior;
  absl::Duration downscale_stabilization = absl::Seconds(300);
  absl::Duration cpu_initialization_period = absl::Seconds(300);
  absl::Duration initial_readiness_delay = absl::Seconds(30);
  double legacy_scale_up_limit_factor = 2.0;
  double legacy_scale_up_limit_minimum = 4.0;
};

// Knative KPA (pkg/autoscaler/config/config.go defaults).
struct KpaConfig {
  absl::Duration stable_window = absl::Seconds(60);
  double panic_window_percentage = 10.0;
  double panic_threshold_percentage = 200.0;
  double max_scale_up_rate = 1000.0;
  double max_scale_down_rate = 2.0;
  // Excess burst capacity target; -1 means unlimited (Knative convention).
  double target_burst_capacity = 211.0;
  absl::Duration scale_down_delay = absl::ZeroDuration();
  int32_t activation_scale = 1;
};

// A floor and/or ceiling on replicas for a time window ("from 2026-11-27T08:00Z for 6h at
// least 20").
struct Schedule {
  std::string name;
  absl::Time start;  // a one-off window's start; unused with `cron`
  absl::Duration duration;
  std::optional<int32_t> min_replicas;
  std::optional<int32_t> max_replicas;
  // A recurring schedule (KEDA's cron scaler): each match of `cron` in the local time of
  // `time_zone` starts a window of `duration`.
  std::optional<CronSpec> cron;
  std::string time_zone_name;  // IANA, "America/Sao_Paulo"
  absl::TimeZone time_zone = absl::UTCTimeZone();
};

// KEDA-style fallback after repeated metric failures.
enum class FallbackBehavior { kStatic, kCurrentReplicas, kIfHigher, kIfLower };
struct Fallback {
  int32_t failure_threshold = 3;
  int32_t replicas = 0;
  FallbackBehavior behavior = FallbackBehavior::kStatic;
};

// The forecasting policy (`previsao`): each metric's total load is kept per minute, a
// forecaster fitted on that history predicts the load of the next `horizon`, and the
// replicas that load needs (plus `margin_percent`) become a floor under the reactive count.
// A forecast only ever raises the count. kForecastOnly computes, exports and explains the
// floor but never applies it, so that it can be trusted before it is enabled.
enum class ForecastMode { kActive, kForecastOnly };
struct Forecasting {
  // A forecaster's name (forecast::ForecasterKindName) or "auto": the least back-test error
  // on the most recent day.
  std::string forecaster = "auto";
  // How far ahead the floor looks: the replicas' start-up delay plus one tick.
  absl::Duration horizon = absl::Seconds(120);
  double margin_percent = 10.0;
  ForecastMode mode = ForecastMode::kActive;
  // Per-minute history kept (and persisted) per metric.
  absl::Duration history = absl::Hours(24 * 14);
};

// One metric driving a target: one autoscale resource of the blueprint.
struct MetricTarget {
  std::string autoscale_resource;  // blueprint `nome` of the autoscale resource
  MetricType metric = MetricType::kCpu;
  // `limiar`: target utilization in percent of a replica's capacity.
  double target_percent = 70.0;
  // Per-replica capacity at 100 %: cpu in cores (the cpu request), requests in requests/s,
  // connections in open connections.
  double capacity_per_replica = 1.0;
};

// `percent` of a replica's capacity in the metric's own unit, as the HPA reports a metric:
// cpu stays a percentage (of the request), requests and connections become per-replica
// values (150 % of a 100 requests/s capacity is 150 requests/s per replica).
double InMetricUnit(const MetricTarget& t, double percent);

// Where a knob's effective value came from.
enum class Origin { kBlueprint, kDefault };

struct TargetPolicy {
  std::string target;  // the target compute's `nome`
  std::vector<MetricTarget> metrics;
  int32_t min_replicas = 1;
  int32_t max_replicas = 1;
  Algorithm algorithm = Algorithm::kHpa;
  HpaConfig hpa;
  KpaConfig kpa;
  // Limiar's additions, off by default (zero duration / empty / nullopt).
  absl::Duration cooldown_up = absl::ZeroDuration();
  absl::Duration cooldown_down = absl::ZeroDuration();
  std::vector<Schedule> schedules;
  std::optional<Fallback> fallback;
  std::optional<Forecasting> forecasting;
  Mode mode = Mode::kEnforce;
  // Knob name (as the blueprint spells it, e.g. "tolerancia_subida") -> origin.
  std::map<std::string, Origin> provenance;
};

const char* MetricTypeName(MetricType m);
const char* AlgorithmName(Algorithm a);
const char* ModeName(Mode m);
const char* RatePolicyTypeName(RatePolicyType t);
const char* SelectPolicyName(SelectPolicy s);
const char* FallbackBehaviorName(FallbackBehavior b);
const char* ForecastModeName(ForecastMode m);  // "active" | "forecast-only"

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_POLICY_CONFIG_H_
