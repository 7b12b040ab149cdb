#include "src/policy/blueprint/policy_json.h"

#include "src/policy/blueprint/knob_view.h"

namespace limiar::policy::blueprint {

nlohmann::json ResolvedPolicyToJson(const TargetPolicy& policy) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricView& m : DescribeMetrics(policy)) {
    metrics.push_back(
        {{"autoscale", m.autoscale},
         {"metrica", m.metric},
         {"limiar", {{"value", JsonNumber(m.limiar)}, {"source", OriginName(m.limiar_origin)}}},
         {"capacidade_por_replica",
          {{"value", JsonNumber(m.capacity)},
           {"unit", m.unit},
           {"source", OriginName(m.capacity_origin)}}}});
  }
  nlohmann::json knobs = nlohmann::json::object();
  for (const KnobView& k : DescribeKnobs(policy)) {
    nlohmann::json entry = {{"value", k.value}, {"source", OriginName(k.origin)}};
    if (!k.note.empty()) entry["note"] = k.note;
    knobs[k.key] = entry;
  }
  return {{"target", policy.target},
          {"hpa_path", HpaPathName(policy)},
          {"metrics", metrics},
          {"knobs", knobs}};
}

}  // namespace limiar::policy::blueprint
