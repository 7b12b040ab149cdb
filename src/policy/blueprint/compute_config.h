// The replica bounds of a compute resource. The rest of a compute's config is Tesserra's
// (image, port, ...): Limiar accepts it as it is, except for near misses of the replica keys,
// which would otherwise silently leave a compute without its bounds.
#ifndef LIMIAR_POLICY_BLUEPRINT_COMPUTE_CONFIG_H_
#define LIMIAR_POLICY_BLUEPRINT_COMPUTE_CONFIG_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "src/common/config/diagnostics.h"

namespace limiar::policy::blueprint {

struct ComputeSpec {
  std::string name;
  std::string config_path;  // recursos[i].config
  std::optional<int32_t> min_replicas;
  std::optional<int32_t> max_replicas;
  bool has_max_key = false;    // replicas_max is present, valid or not
  bool replicas_valid = true;  // false after a replica error: skip checks that use them
};

// `config` may be null (no config at all).
ComputeSpec ReadComputeConfig(const nlohmann::json* config, const std::string& name,
                              const std::string& config_path, config::Diagnostics& diag);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_COMPUTE_CONFIG_H_
