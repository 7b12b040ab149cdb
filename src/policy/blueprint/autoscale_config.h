// One autoscale resource's `config`, checked key by key. The metric-level keys describe the
// one metric this resource adds to its target; every other key is a target-level knob,
// kept in canonical JSON so that several resources on one compute can be compared.
#ifndef LIMIAR_POLICY_BLUEPRINT_AUTOSCALE_CONFIG_H_
#define LIMIAR_POLICY_BLUEPRINT_AUTOSCALE_CONFIG_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "src/common/config/diagnostics.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

// A target-level knob as one resource sets it.
struct KnobSetting {
  nlohmann::json value;  // canonical: seconds as numbers, enums as spelt, defaults filled in
  std::string path;      // where the blueprint sets it, for conflict messages
};

struct AutoscaleSpec {
  std::string name;                   // the resource's `nome`
  std::string config_path;            // recursos[i].config
  std::optional<std::string> target;  // alvo_recurso_id
  std::optional<MetricType> metric;
  std::optional<double> limiar;
  std::optional<double> capacity;  // capacidade_por_replica
  // Keyed by the per-direction key where a shorthand (`tolerancia`) sets two knobs.
  std::map<std::string, KnobSetting> knobs;
};

// Reports every problem of `config` to `diag`; the spec holds what was valid.
AutoscaleSpec ReadAutoscaleConfig(const nlohmann::json& config, const std::string& config_path,
                                  config::Diagnostics& diag);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_AUTOSCALE_CONFIG_H_
