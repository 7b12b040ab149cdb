// A resolved policy as an aligned plain-text table, for `limiar policy`.
#ifndef LIMIAR_POLICY_BLUEPRINT_POLICY_TABLE_H_
#define LIMIAR_POLICY_BLUEPRINT_POLICY_TABLE_H_

#include <string>
#include <vector>

#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

// A heading line for the target, its metrics table, then one row per knob:
// `knob  value  source  note`.
std::string RenderPolicyTable(const TargetPolicy& policy);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_POLICY_TABLE_H_
