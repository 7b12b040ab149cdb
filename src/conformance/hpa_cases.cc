// hpa_replica_calc.json and hpa_behavior.json (SCHEMA.md): each case is turned into calls
// of the production HPA code (src/policy/hpa/), controller_e2e through Reconcile(), the
// function HpaPolicy runs. Ages are seconds before a fixed `now`; an item whose age equals
// a window or period is outside it, as the production time rule already says.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "src/conformance/conformance.h"
#include "src/policy/hpa/behavior_defaults.h"
#include "src/policy/hpa/normalization.h"
#include "src/policy/hpa/reconcile.h"
#include "src/policy/hpa/replica_calculator.h"

namespace limiar::conformance {
namespace {

using nlohmann::json;
namespace hpa = ::limiar::policy::hpa;
using policy::HpaBehavior;
using policy::RatePolicy;
using policy::RatePolicyType;
using policy::ScalingRules;
using policy::SelectPolicy;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

// ---- JSON helpers ----

bool Has(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && !j[key].is_null();
}

absl::Time Ago(const json& age_s) {
  if (age_s.is_null()) return absl::InfinitePast();  // a zero Go timestamp
  return kNow - absl::Seconds(age_s.get<double>());
}

absl::Duration Secs(const json& s) { return absl::Seconds(s.get<double>()); }

std::optional<int64_t> OptInt(const json& j, const char* key) {
  if (!Has(j, key)) return std::nullopt;
  return j[key].get<int64_t>();
}

std::vector<int64_t> Int64List(const json& j, const char* key) {
  std::vector<int64_t> out;
  if (Has(j, key)) {
    for (const json& v : j[key]) out.push_back(v.get<int64_t>());
  }
  return out;
}

hpa::Tolerances ParseTolerances(const json& input) {
  hpa::Tolerances t;
  if (Has(input, "tolerance")) {
    t.scale_down = input["tolerance"].value("scale_down", 0.1);
    t.scale_up = input["tolerance"].value("scale_up", 0.1);
  }
  return t;
}

hpa::PodPhase ParsePhase(const std::string& phase) {
  if (phase == "Pending") return hpa::PodPhase::kPending;
  if (phase == "Failed") return hpa::PodPhase::kFailed;
  if (phase == "Succeeded") return hpa::PodPhase::kSucceeded;
  return hpa::PodPhase::kRunning;
}

SelectPolicy ParseSelect(const std::string& s) {
  if (s == "Min") return SelectPolicy::kMin;
  if (s == "Disabled") return SelectPolicy::kDisabled;
  return SelectPolicy::kMax;
}

std::optional<hpa::ScalingRulesSpec> ParseRulesSpec(const json& j) {
  if (j.is_null()) return std::nullopt;
  hpa::ScalingRulesSpec spec;
  if (Has(j, "stabilization_window_seconds")) {
    spec.stabilization_window = Secs(j["stabilization_window_seconds"]);
  }
  if (Has(j, "select_policy")) spec.select_policy = ParseSelect(j["select_policy"]);
  if (Has(j, "policies")) {
    std::vector<RatePolicy> policies;
    for (const json& p : j["policies"]) {
      policies.push_back(
          {p.at("type") == "Percent" ? RatePolicyType::kPercent : RatePolicyType::kPods,
           p.at("value").get<int32_t>(), Secs(p.at("period_seconds"))});
    }
    spec.policies = std::move(policies);
  }
  return spec;
}

hpa::HpaBehaviorSpec ParseBehaviorSpec(const json& j) {
  hpa::HpaBehaviorSpec spec;
  if (!j.is_object()) return spec;
  if (j.contains("scale_up")) spec.scale_up = ParseRulesSpec(j["scale_up"]);
  if (j.contains("scale_down")) spec.scale_down = ParseRulesSpec(j["scale_down"]);
  return spec;
}

json RulesJson(const ScalingRules& r) {
  json policies = json::array();
  for (const RatePolicy& p : r.policies) {
    policies.push_back({{"type", policy::RatePolicyTypeName(p.type)},
                        {"value", p.value},
                        {"period_seconds", absl::ToInt64Seconds(p.period)}});
  }
  json out = {{"policies", policies}, {"select_policy", policy::SelectPolicyName(r.select_policy)}};
  out["stabilization_window_seconds"] =
      r.stabilization_window ? json(absl::ToInt64Seconds(*r.stabilization_window)) : json();
  return out;
}

std::vector<hpa::ScaleEvent> ParseEvents(const json& input, const char* key) {
  std::vector<hpa::ScaleEvent> events;
  if (Has(input, key)) {
    for (const json& e : input[key]) {
      events.push_back(
          {e.at("change").get<int32_t>(), Ago(e.at("age_s")), e.value("outdated", false)});
    }
  }
  return events;
}

std::vector<hpa::TimestampedRecommendation> ParseRecommendations(const json& list) {
  std::vector<hpa::TimestampedRecommendation> recs;
  for (const json& r : list) recs.push_back({r.at("replicas").get<int32_t>(), Ago(r.at("age_s"))});
  return recs;
}

// Sorts string arrays: groupPods returns sets, so order is not asserted.
json Normalized(json j) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) value = Normalized(value);
  } else if (j.is_array() &&
             std::all_of(j.begin(), j.end(), [](const json& v) { return v.is_string(); })) {
    std::sort(j.begin(), j.end());
  }
  return j;
}

// Projects `got` onto the asserted keys of `want` and records the comparison.
void Compare(const json& want, const json& got, CaseOutcome& out) {
  json projected = json::object();
  for (const auto& [key, value] : want.items()) {
    projected[key] = got.contains(key) ? got[key] : json("<not computed>");
  }
  out.expected = want.dump();
  out.got = projected.dump();
  out.passed = Normalized(want) == Normalized(projected);
}

// For `error_contains`: the expected text when the error contains it, else the error.
json ErrorField(const absl::Status& s, const json& want) {
  const std::string needle = want.value("error_contains", "");
  if (s.ok()) return "<no error>";
  if (!needle.empty() && absl::StrContains(s.message(), needle)) return needle;
  return std::string(s.message());
}

CaseOutcome Start(const json& c) {
  CaseOutcome out;
  out.id = c.value("id", "?");
  out.name = c.value("name", "");
  return out;
}

// ---- hpa_replica_calc.json ----

// Pods of a calculator case; `names` keeps the names the pods point at.
std::vector<hpa::Pod> CalcPods(const json& input, std::vector<std::string>& names) {
  std::vector<hpa::Pod> pods;
  if (!Has(input, "pods")) return pods;
  names.reserve(input["pods"].size());
  for (const json& p : input["pods"]) {
    names.push_back(p.value("name", ""));
    hpa::Pod pod;
    pod.name = names.back();
    pod.phase = ParsePhase(p.value("phase", "Running"));
    pod.deleting = p.value("deleting", false);
    pod.ready = p.value("ready", true);
    pod.cpu_unready = !pod.ready || p.value("cpu_warmup", false);
    pod.request_milli = OptInt(p, "request_milli");
    pod.metric_milli = OptInt(p, "metric_milli");
    pods.push_back(pod);
  }
  return pods;
}

json UsageJson(const hpa::UsageResult& r) {
  return {{"desired_replicas", r.replicas}, {"usage_milli", r.usage_milli}};
}

json RunPodGrouping(const json& input) {
  const absl::Duration period = Secs(input.at("cpu_initialization_period_s"));
  const absl::Duration delay = Secs(input.at("delay_of_initial_readiness_status_s"));
  const bool cpu = input.value("resource", "cpu") == "cpu";
  json got = {{"ready_count", 0},
              {"unready", json::array()},
              {"missing", json::array()},
              {"ignored", json::array()}};
  int ready = 0;
  for (const json& p : input.at("pods")) {
    hpa::Pod pod;
    pod.phase = ParsePhase(p.value("phase", "Running"));
    pod.deleting = p.value("deleting", false);
    if (Has(p, "metric")) {
      const json& m = p["metric"];
      pod.metric_milli = 1;
      hpa::PodReadiness readiness;
      if (Has(p, "start_age_s")) readiness.start_time = Ago(p["start_age_s"]);
      if (Has(p, "ready_condition")) {
        const json& rc = p["ready_condition"];
        // groupPods only tests for False: an Unknown condition is not "unready".
        const json& st = rc.at("status");
        const bool status = st.is_boolean() ? st.get<bool>() : st != "False";
        readiness.ready_condition =
            hpa::ReadyCondition{status, Ago(rc.value("transition_age_s", json()))};
      }
      const absl::Duration window = Has(m, "window_s") ? Secs(m["window_s"]) : absl::ZeroDuration();
      pod.cpu_unready =
          hpa::IsCpuUnready(readiness, Ago(m.value("age_s", json())), window, kNow, period, delay);
    }
    const std::string name = p.value("name", "");
    switch (hpa::GroupPod(pod, cpu)) {
      case hpa::PodGroup::kReady:
        ++ready;
        break;
      case hpa::PodGroup::kUnready:
        got["unready"].push_back(name);
        break;
      case hpa::PodGroup::kMissing:
        got["missing"].push_back(name);
        break;
      case hpa::PodGroup::kIgnored:
        got["ignored"].push_back(name);
        break;
    }
  }
  got["ready_count"] = ready;
  return got;
}

json RunCalc(const std::string& kind, const json& input, const json& want) {
  if (kind == "pod_grouping") return RunPodGrouping(input);
  std::vector<std::string> names;
  const std::vector<hpa::Pod> pods = CalcPods(input, names);
  const std::vector<int64_t> unmatched = Int64List(input, "unmatched_samples_milli");
  const hpa::Tolerances tol = ParseTolerances(input);
  const int32_t current = input.at("current_replicas").get<int32_t>();
  const json& target = input.at("target");
  const std::string type = target.value("type", "");
  absl::StatusOr<hpa::UsageResult> usage = absl::InvalidArgumentError("unsupported kind");
  if ((kind == "resource_utilization" || kind == "container_resource_utilization") &&
      type == "Utilization") {
    absl::StatusOr<hpa::UtilizationResult> r =
        hpa::ResourceUtilizationReplicas(current, target.at("average_utilization").get<int32_t>(),
                                         input.value("resource", "cpu"), pods, unmatched, tol);
    if (!r.ok()) return {{"error_contains", ErrorField(r.status(), want)}};
    return {{"desired_replicas", r->replicas},
            {"utilization_percent", r->utilization_percent},
            {"raw_average_milli", r->raw_average_milli}};
  }
  if (kind == "resource_utilization" || kind == "container_resource_utilization") {
    const std::string resource = input.value("resource", "cpu");
    usage = hpa::AverageValueReplicas(current, target.at("average_value_milli").get<int64_t>(),
                                      resource == "cpu", "resource", pods, unmatched, tol);
  } else if (kind == "pods_average_value") {
    usage = hpa::AverageValueReplicas(current, target.at("average_value_milli").get<int64_t>(),
                                      /*cpu=*/false, "custom", pods, unmatched, tol);
  } else if (kind == "object_value") {
    usage = hpa::ObjectValueReplicas(current, input.at("object_metric_milli").get<int64_t>(),
                                     target.at("value_milli").get<int64_t>(), pods, tol);
  } else if (kind == "object_average_value") {
    usage = hpa::ObjectAverageValueReplicas(current, input.at("object_metric_milli").get<int64_t>(),
                                            target.at("average_value_milli").get<int64_t>(), tol);
  } else if (kind == "external_value") {
    usage = hpa::ExternalValueReplicas(current, Int64List(input, "external_samples_milli"),
                                       target.at("value_milli").get<int64_t>(), pods, tol);
  } else if (kind == "external_average_value") {
    usage = hpa::ExternalAverageValueReplicas(current, Int64List(input, "external_samples_milli"),
                                              target.at("average_value_milli").get<int64_t>(), tol);
  }
  if (!usage.ok()) return {{"error_contains", ErrorField(usage.status(), want)}};
  return UsageJson(*usage);
}

// ---- hpa_behavior.json ----

json RunLegacyClamp(const json& in) {
  const hpa::Limited l = hpa::ClampLegacy(
      in.at("current_replicas").get<int32_t>(), in.at("desired_replicas").get<int32_t>(),
      in.at("min_replicas").get<int32_t>(), in.at("max_replicas").get<int32_t>(),
      in.value("scale_up_limit_factor", 2.0), in.value("scale_up_limit_minimum", 4.0));
  return {{"desired_replicas", l.replicas}, {"condition_reason", hpa::LimitReasonName(l.reason)}};
}

ScalingRules RulesFor(const std::string& direction, const json& rules) {
  return direction == "down" ? hpa::DefaultScaleDownRules(ParseRulesSpec(rules))
                             : hpa::DefaultScaleUpRules(ParseRulesSpec(rules));
}

json RunScaleLimit(const json& in) {
  const std::string direction = in.at("direction");
  const ScalingRules rules = RulesFor(direction, in.at("rules"));
  const std::vector<hpa::ScaleEvent> up = ParseEvents(in, "scale_up_events");
  const std::vector<hpa::ScaleEvent> down = ParseEvents(in, "scale_down_events");
  const int32_t current = in.at("current_replicas").get<int32_t>();
  const hpa::RateLimit limit = direction == "down"
                                   ? hpa::ScaleDownLimit(current, up, down, rules, kNow)
                                   : hpa::ScaleUpLimit(current, up, down, rules, kNow);
  return {{"limit", limit.replicas}};
}

json RunLegacyStabilization(const json& in) {
  std::vector<hpa::TimestampedRecommendation> recs = ParseRecommendations(in.at("recommendations"));
  const int32_t stabilized =
      hpa::StabilizeLegacy(recs, in.at("desired_replicas").get<int32_t>(),
                           Secs(in.at("downscale_stabilization_window_s")), kNow);
  return {{"stabilized_replicas", stabilized},
          {"recommendation_log_length", static_cast<int64_t>(recs.size())}};
}

json RunRateLimit(const json& in) {
  const HpaBehavior behavior = hpa::DefaultBehavior(ParseBehaviorSpec(in.at("behavior_spec")));
  const hpa::Limited l = hpa::ApplyRateLimits(
      in.at("current_replicas").get<int32_t>(), in.at("desired_replicas").get<int32_t>(),
      in.at("min_replicas").get<int32_t>(), in.at("max_replicas").get<int32_t>(), behavior,
      ParseEvents(in, "scale_up_events"), ParseEvents(in, "scale_down_events"), kNow);
  json got = {{"desired_replicas", l.replicas},
              {"condition_reason", hpa::LimitReasonName(l.reason)}};
  got["effective_behavior"] = {{"scale_up", RulesJson(behavior.scale_up)},
                               {"scale_down", RulesJson(behavior.scale_down)}};
  return got;
}

json RunScaleEventStore(const json& in) {
  std::vector<hpa::ScaleEvent> events = ParseEvents(in, "prev_events");
  json got = {{"replicas_change_in_lookback_before_store",
               hpa::ReplicasChangeInPeriod(Secs(in.at("lookback_period_s")), events, kNow)}};
  const int32_t change = in.at("replica_change").get<int32_t>();
  if (!in.at("rules").is_null()) {
    hpa::StoreScaleEvent(RulesFor("up", in["rules"]), events, change, kNow);
  }
  json after = json::array();
  for (const hpa::ScaleEvent& e : events) {
    after.push_back({{"change", e.change}, {"outdated", e.outdated}});
  }
  got["events_after"] = after;
  return got;
}

json RunStabilization(const json& in) {
  std::vector<hpa::TimestampedRecommendation> recs = ParseRecommendations(in.at("recommendations"));
  const absl::Duration flag = Has(in, "downscale_stabilization_window_s")
                                  ? Secs(in["downscale_stabilization_window_s"])
                                  : absl::Seconds(300);
  const absl::Duration up = Has(in, "scale_up_stabilization_window_s")
                                ? Secs(in["scale_up_stabilization_window_s"])
                                : absl::ZeroDuration();
  const absl::Duration down = Has(in, "scale_down_stabilization_window_s")
                                  ? Secs(in["scale_down_stabilization_window_s"])
                                  : flag;
  const int32_t stabilized =
      hpa::StabilizeWithBehavior(recs, in.at("current_replicas").get<int32_t>(),
                                 in.at("desired_replicas").get<int32_t>(), up, down, kNow);
  json after = json::array();
  for (const hpa::TimestampedRecommendation& r : recs) after.push_back(r.replicas);
  return {{"stabilized_replicas", stabilized}, {"recommendations_after", after}};
}

json RunBehaviorDefaults(const json& in) {
  return RulesJson(RulesFor(in.at("direction"), in.at("rules_spec")));
}

// An e2e pod's value for one metric: the named container's, or the pod total (nullopt
// when any counted container lacks it, as the metrics client drops such pods).
std::optional<int64_t> ContainerSum(const json& pod, const char* field,
                                    const std::optional<std::string>& container) {
  if (!Has(pod, "containers") || pod["containers"].empty()) return std::nullopt;
  int64_t sum = 0;
  for (const json& c : pod["containers"]) {
    if (container && c.value("name", "") != *container) continue;
    if (!Has(c, field)) return std::nullopt;
    sum += c[field].get<int64_t>();
    if (container) return sum;
  }
  if (container) return std::nullopt;  // no such container
  return sum;
}

hpa::MetricInput E2eMetric(const json& spec, const json& input,
                           const std::vector<std::string>& names) {
  hpa::MetricInput m;
  const std::string source = spec.value("source", "");
  const json& target = spec.contains("target") ? spec["target"] : json();
  const std::string type = target.is_object() ? target.value("type", "") : "";
  std::optional<std::string> container;
  if (source == "resource" || source == "container_resource") {
    m.source = source == "resource" ? hpa::MetricSourceType::kResource
                                    : hpa::MetricSourceType::kContainerResource;
    m.name = spec.value("resource", "cpu");
    if (source == "container_resource") container = spec.value("container", "");
  } else if (source == "pods") {
    m.source = hpa::MetricSourceType::kPods;
    m.name = "pods metric";
  } else if (source == "object") {
    m.source = hpa::MetricSourceType::kObject;
    m.name = "object metric";
  } else if (source == "external") {
    m.source = hpa::MetricSourceType::kExternal;
    m.name = "external metric";
  } else {
    m.source = hpa::MetricSourceType::kInvalid;
    m.name = source;
  }
  if (type == "Utilization") {
    m.target_type = hpa::TargetType::kUtilization;
    m.target_utilization = target.at("average_utilization").get<int32_t>();
  } else if (type == "AverageValue") {
    m.target_type = hpa::TargetType::kAverageValue;
    m.target_milli = target.at("average_value_milli").get<int64_t>();
  } else if (type == "Value") {
    m.target_type = hpa::TargetType::kValue;
    m.target_milli = target.at("value_milli").get<int64_t>();
  }
  if (spec.value("fetch_error", false)) m.error = absl::UnavailableError("fetch error");

  const std::string usage_field = m.name + "_milli";  // cpu_milli
  const json& pods = input.at("pods");
  for (size_t i = 0; i < pods.size(); ++i) {
    const json& p = pods[i];
    hpa::Pod pod;
    pod.name = names[i];
    pod.phase = ParsePhase(p.value("phase", "Running"));
    pod.deleting = p.value("deleting", false);
    pod.ready = p.value("ready", true);
    pod.cpu_unready = !pod.ready || p.value("cpu_warmup", false);
    if (m.source == hpa::MetricSourceType::kResource ||
        m.source == hpa::MetricSourceType::kContainerResource) {
      pod.request_milli = ContainerSum(p, "request_milli", container);
      pod.metric_milli = ContainerSum(p, usage_field.c_str(), container);
    } else if (m.source == hpa::MetricSourceType::kPods) {
      // The upstream harness reports the same per-pod levels to every per-pod metric
      // unless the case gives a custom value.
      pod.metric_milli = p.contains("custom_metric_milli")
                             ? OptInt(p, "custom_metric_milli")
                             : ContainerSum(p, "cpu_milli", std::nullopt);
    }
    m.pods.push_back(pod);
  }
  if (m.source == hpa::MetricSourceType::kResource && m.name == "cpu") {
    m.unmatched_samples_milli = Int64List(input, "unmatched_cpu_samples_milli");
  }
  if (Has(spec, "object_metric_milli")) {
    m.object_value_milli = spec["object_metric_milli"].get<int64_t>();
  }
  m.external_samples_milli = Int64List(spec, "external_samples_milli");
  return m;
}

json RunControllerE2e(const json& input) {
  hpa::ReconcileInput in;
  in.now = kNow;
  in.min_replicas = input.at("min_replicas").get<int32_t>();
  in.max_replicas = input.at("max_replicas").get<int32_t>();
  in.spec_replicas = input.at("spec_replicas").get<int32_t>();
  in.status_replicas = input.value("status_replicas", in.spec_replicas);
  in.tolerances = ParseTolerances(input);
  if (Has(input, "behavior_spec")) {
    in.behavior = hpa::DefaultBehavior(ParseBehaviorSpec(input["behavior_spec"]));
  }
  if (Has(input, "downscale_stabilization_window_s")) {
    in.downscale_stabilization = Secs(input["downscale_stabilization_window_s"]);
  }
  const json harness = input.value("harness", json::object());
  in.legacy_scale_up_limit_factor = harness.value("legacy_scale_up_limit_factor", 2.0);
  in.legacy_scale_up_limit_minimum = harness.value("legacy_scale_up_limit_minimum", 4.0);

  std::vector<std::string> names;
  for (const json& p : input.at("pods")) names.push_back(p.value("name", ""));
  for (const json& spec : input.at("metrics")) in.metrics.push_back(E2eMetric(spec, input, names));

  hpa::HpaState state;
  if (Has(input, "recommendations")) {
    state.recommendations = ParseRecommendations(input["recommendations"]);
    state.recommendations_initialized = true;
  }
  state.scale_up_events = ParseEvents(input, "scale_up_events");
  state.scale_down_events = ParseEvents(input, "scale_down_events");

  hpa::ReconcileResult out;
  hpa::Reconcile(in, state, out);
  const char* reason = out.decision == hpa::Decision::kNormalized
                           ? hpa::LimitReasonName(out.limited.reason)
                           : out.reason;
  return {{"desired_replicas", out.desired_replicas},
          {"condition_reason", reason},
          {"message", out.message}};
}

}  // namespace

CaseOutcome RunHpaReplicaCalcCase(const json& c) {
  CaseOutcome out = Start(c);
  const json& want = c.at("expect");
  Compare(want, RunCalc(c.at("kind"), c.at("input"), want), out);
  return out;
}

CaseOutcome RunHpaBehaviorCase(const json& c) {
  CaseOutcome out = Start(c);
  const std::string kind = c.at("kind");
  const json& in = c.at("input");
  json got;
  if (kind == "legacy_clamp") {
    got = RunLegacyClamp(in);
  } else if (kind == "scale_limit") {
    got = RunScaleLimit(in);
  } else if (kind == "legacy_stabilization") {
    got = RunLegacyStabilization(in);
  } else if (kind == "rate_limit") {
    got = RunRateLimit(in);
  } else if (kind == "scale_event_store") {
    got = RunScaleEventStore(in);
  } else if (kind == "stabilization") {
    got = RunStabilization(in);
  } else if (kind == "behavior_defaults") {
    got = RunBehaviorDefaults(in);
  } else if (kind == "controller_e2e") {
    got = RunControllerE2e(in);
  }
  Compare(c.at("expect"), got, out);
  // The defaulting is production code too: it must reproduce the effective behavior the
  // case spells out, although upstream's test does not assert it.
  if (kind == "rate_limit" && Has(in, "effective_behavior") &&
      got["effective_behavior"] != in["effective_behavior"]) {
    out.passed = false;
    out.expected += " effective_behavior=" + in["effective_behavior"].dump();
    out.got += " effective_behavior=" + got["effective_behavior"].dump();
  }
  return out;
}

}  // namespace limiar::conformance
