// knative_kpa.json (SCHEMA.md): each case drives the production decider
// (src/policy/kpa/decider.h, the code KpaPolicy runs) through its steps and compares the
// asserted fields. Virtual time is the Unix epoch plus `t_s`, so the scale-down delay's
// 2 s buckets are floor(t_s / 2) as the schema states.
#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "src/conformance/conformance.h"
#include "src/policy/kpa/decider.h"

namespace limiar::conformance {
namespace {

using nlohmann::json;
using policy::kpa::Decider;
using policy::kpa::DeciderSpec;
using policy::kpa::Observed;
using policy::kpa::PanicState;
using policy::kpa::ScaleResult;

absl::Time At(double t_s) { return absl::UnixEpoch() + absl::Seconds(t_s); }

std::optional<double> Number(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// Copies the keys present in `j` onto `spec` (a full spec or a partial spec_update).
void ApplySpec(const json& j, DeciderSpec& spec) {
  if (!j.is_object()) return;
  if (auto v = Number(j, "target_value")) spec.target_value = *v;
  if (auto v = Number(j, "total_value")) spec.total_value = *v;
  if (auto v = Number(j, "target_burst_capacity")) spec.target_burst_capacity = *v;
  if (auto v = Number(j, "panic_threshold")) spec.panic_threshold = *v;
  if (auto v = Number(j, "max_scale_up_rate")) spec.max_scale_up_rate = *v;
  if (auto v = Number(j, "max_scale_down_rate")) spec.max_scale_down_rate = *v;
  if (auto v = Number(j, "activator_capacity")) spec.activator_capacity = *v;
  if (auto v = Number(j, "stable_window_s")) spec.stable_window = absl::Seconds(*v);
  if (auto v = Number(j, "scale_down_delay_s")) spec.scale_down_delay = absl::Seconds(*v);
  if (auto v = Number(j, "activation_scale")) spec.activation_scale = static_cast<int32_t>(*v);
  if (auto it = j.find("reachable"); it != j.end() && it->is_boolean()) {
    spec.reachable = it->get<bool>();
  }
}

// `metric_error` / `pod_count_error`: absent, null or false mean none; true or a string
// name an error. A pod count error spelled NotFound is upstream's "presume 0 pods".
absl::Status ErrorField(const json& step, const char* key) {
  if (!step.is_object()) return absl::OkStatus();
  auto it = step.find(key);
  if (it == step.end() || it->is_null() || (it->is_boolean() && !it->get<bool>())) {
    return absl::OkStatus();
  }
  std::string text = it->is_string() ? it->get<std::string>() : key;
  std::string folded = absl::AsciiStrToLower(text);
  if (folded == "notfound" || folded == "not_found" || folded == "not found") {
    return absl::NotFoundError(text);
  }
  return absl::UnavailableError(text);
}

absl::StatusOr<int32_t> ReadyPods(const json& step) {
  // The decider reads NotFound as 0 ready pods and any other error as an invalid tick.
  if (absl::Status err = ErrorField(step, "pod_count_error"); !err.ok()) return err;
  return static_cast<int32_t>(Number(step, "ready_pods").value_or(0));
}

// The asserted keys of one expected step (or of the initial state, `r` null), filled from
// the computed result and the decider's panic state. A key this runner does not know is
// reported as such, so that it fails instead of passing unchecked.
json Got(const json& want, const ScaleResult* r, const PanicState& s) {
  json got = json::object();
  for (auto it = want.begin(); it != want.end(); ++it) {
    const std::string& key = it.key();
    if (r != nullptr && key == "valid") {
      got[key] = r->valid;
    } else if (r != nullptr && key == "desired_pods") {
      got[key] = r->desired_pods;
    } else if (r != nullptr && key == "excess_burst_capacity") {
      got[key] = r->excess_burst_capacity;
    } else if (key == "panic_mode") {
      got[key] = s.panic_time.has_value();
    } else if (key == "max_panic_pods") {
      got[key] = s.max_panic_pods;
    } else if (key == "panic_time_s") {
      got[key] =
          s.panic_time ? json(absl::ToDoubleSeconds(*s.panic_time - absl::UnixEpoch())) : json();
    } else {
      got[key] = "not supported by this runner";
    }
  }
  return got;
}

bool Matches(const json& want, const json& got) {
  for (auto it = want.begin(); it != want.end(); ++it) {
    auto found = got.find(it.key());
    if (found == got.end()) return false;
    const json& g = *found;
    if (it.key() == "excess_burst_capacity" && it->is_number() && g.is_number()) {
      // Upstream compares it with +-1 (floating rounding across platforms).
      if (std::abs(it->get<double>() - g.get<double>()) > 1) return false;
    } else if (it->is_number() && g.is_number()) {
      if (it->get<double>() != g.get<double>()) return false;
    } else if (*it != g) {
      return false;
    }
  }
  return true;
}

}  // namespace

CaseOutcome RunKpaCase(const json& c) {
  CaseOutcome out;
  out.id = c.value("id", "?");
  out.name = c.value("name", "");
  const json& input = c.at("input");
  const json& expect = c.at("expect");
  const json empty = json::object();
  const json no_steps = json::array();
  const json& init = input.contains("initial_state") && input["initial_state"].is_object()
                         ? input["initial_state"]
                         : empty;
  const json& steps =
      input.contains("steps") && input["steps"].is_array() ? input["steps"] : no_steps;

  DeciderSpec spec;
  ApplySpec(input.at("decider_spec"), spec);

  // Upstream creates the autoscaler just before its first Scale call.
  double created_s = 0;
  if (auto v = Number(init, "created_at_s")) {
    created_s = *v;
  } else if (!steps.empty()) {
    created_s = Number(steps[0], "t_s").value_or(0);
  }
  absl::StatusOr<int32_t> ready_at_creation =
      static_cast<int32_t>(Number(init, "ready_pods_at_creation").value_or(0));
  if (absl::Status err = ErrorField(init, "pod_count_error_at_creation"); !err.ok()) {
    ready_at_creation = err;
  }
  Decider decider(spec, At(created_s), ready_at_creation);
  // Explicit state, as the upstream tests that set panicTime / maxPanicPods directly.
  PanicState state = decider.state();
  if (init.contains("panic_time_s")) {
    state.panic_time = init["panic_time_s"].is_number()
                           ? std::optional<absl::Time>(At(init["panic_time_s"].get<double>()))
                           : std::nullopt;
  }
  if (auto v = Number(init, "max_panic_pods")) state.max_panic_pods = static_cast<int32_t>(*v);
  decider.set_state(state);

  json want = json::object();
  json got = json::object();
  bool passed = true;
  if (expect.contains("initial_state") && expect["initial_state"].is_object()) {
    want["initial_state"] = expect["initial_state"];
    got["initial_state"] = Got(expect["initial_state"], nullptr, decider.state());
    passed = Matches(want["initial_state"], got["initial_state"]);
  }

  const json& want_steps =
      expect.contains("steps") && expect["steps"].is_array() ? expect["steps"] : no_steps;
  if (!want_steps.empty()) {
    want["steps"] = want_steps;
    got["steps"] = json::array();
    if (want_steps.size() > steps.size()) passed = false;
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const json& step = steps[i];
    if (step.contains("spec_update") && step["spec_update"].is_object()) {
      DeciderSpec updated = decider.spec();
      ApplySpec(step["spec_update"], updated);
      decider.Update(updated);
    }
    absl::StatusOr<Observed> observed = Observed{Number(step, "observed_stable").value_or(0),
                                                 Number(step, "observed_panic").value_or(0)};
    if (absl::Status err = ErrorField(step, "metric_error"); !err.ok()) observed = err;
    const ScaleResult r =
        decider.Scale(At(Number(step, "t_s").value_or(0)), ReadyPods(step), observed);
    if (i < want_steps.size()) {
      json g = Got(want_steps[i], &r, decider.state());
      passed = passed && Matches(want_steps[i], g);
      got["steps"].push_back(std::move(g));
    }
  }
  out.passed = passed;
  out.expected = want.dump();
  out.got = got.dump();
  return out;
}

}  // namespace limiar::conformance
