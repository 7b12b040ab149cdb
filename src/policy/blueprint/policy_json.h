// A resolved policy as JSON, for `limiar policy --json` and tools: every knob under the
// key the blueprint uses, with its effective value (in blueprint form, so it can be pasted
// back into an autoscale config), its source, and a note when the policy does not read it.
#ifndef LIMIAR_POLICY_BLUEPRINT_POLICY_JSON_H_
#define LIMIAR_POLICY_BLUEPRINT_POLICY_JSON_H_

#include <nlohmann/json.hpp>

#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

// {"target": "storefront", "hpa_path": "legacy",
//  "metrics": [{"autoscale": "scale-store", "metrica": "requests",
//               "limiar": {"value": 65, "source": "blueprint"},
//               "capacidade_por_replica": {"value": 100, "unit": "requests/s",
//                                          "source": "default"}}],
//  "knobs": {"algoritmo": {"value": "hpa", "source": "default"},
//            "janela_estavel_s": {"value": 60, "source": "default",
//                                 "note": "unused: algoritmo is hpa"}, ...}}
nlohmann::json ResolvedPolicyToJson(const TargetPolicy& policy);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_POLICY_JSON_H_
