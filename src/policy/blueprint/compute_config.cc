#include "src/policy/blueprint/compute_config.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"
#include "src/common/config/known_keys.h"
#include "src/policy/blueprint/knob_names.h"

namespace limiar::policy::blueprint {

using config::Child;
using config::Diagnostics;
using config::ReadInteger;
using config::RejectNearMisses;
using config::SuggestNearMiss;

namespace {

// An unknown compute key is Tesserra's business unless it looks like a replica bound.
void RejectReplicaNearMisses(const nlohmann::json& config, const std::string& path,
                             Diagnostics& diag) {
  static const auto* known =
      new config::KnownKeys{.keys = ComputeKeys(), .aliases = ComputeKeyAliases()};
  constexpr int kNearMiss = 2;
  RejectNearMisses(config, path, *known, kNearMiss, diag);
  for (const auto& [k, unused] : config.items()) {
    if (!absl::StrContains(absl::AsciiStrToLower(k), "replica") ||
        std::find(known->keys.begin(), known->keys.end(), k) != known->keys.end() ||
        SuggestNearMiss(k, known->keys, known->aliases, kNearMiss)) {
      continue;  // no replica key, or reported above
    }
    diag.Error(Child(path, k), "unknown replica key",
               "Limiar reads replicas_min and replicas_max; rename it to one of them");
  }
}

}  // namespace

ComputeSpec ReadComputeConfig(const nlohmann::json* config, const std::string& name,
                              const std::string& path, Diagnostics& diag) {
  ComputeSpec spec;
  spec.name = name;
  spec.config_path = path;
  if (config == nullptr) return spec;
  RejectReplicaNearMisses(*config, path, diag);
  const int64_t kMax = std::numeric_limits<int32_t>::max();
  auto read = [&](const char* k, int64_t min) -> std::optional<int32_t> {
    if (!config->contains(k)) return std::nullopt;
    auto n = ReadInteger(config->at(k), Child(path, k), diag, min, kMax);
    if (!n) spec.replicas_valid = false;
    return n;
  };
  spec.min_replicas = read(key::kReplicasMin, 0);
  spec.max_replicas = read(key::kReplicasMax, 1);
  spec.has_max_key = config->contains(key::kReplicasMax);
  if (spec.min_replicas && spec.max_replicas && *spec.min_replicas > *spec.max_replicas) {
    diag.Error(Child(path, key::kReplicasMin),
               absl::StrCat("replicas_min ", *spec.min_replicas, " is greater than replicas_max ",
                            *spec.max_replicas),
               "lower replicas_min or raise replicas_max");
    spec.replicas_valid = false;
  }
  return spec;
}

}  // namespace limiar::policy::blueprint
