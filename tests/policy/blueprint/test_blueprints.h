// Small blueprints for tests: one compute `web` (replicas 2..10) and one autoscale resource
// `scale` aimed at it, whose config is at recursos[1].config.
#ifndef LIMIAR_TESTS_POLICY_BLUEPRINT_TEST_BLUEPRINTS_H_
#define LIMIAR_TESTS_POLICY_BLUEPRINT_TEST_BLUEPRINTS_H_

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace limiar::policy::blueprint::testing {

// `extra` is appended to the autoscale config (start it with a comma).
inline std::string WithAutoscaleConfig(const std::string& extra) {
  return absl::StrCat(
      R"({"nome": "test", "recursos": [
  {"tipo": "compute", "nome": "web", "config": {"replicas_min": 2, "replicas_max": 10}},
  {"tipo": "autoscale", "nome": "scale", "config": {
    "alvo_recurso_id": "web", "metrica": "requests", "limiar": 70,
    "capacidade_por_replica": 50)",
      extra, "}}]}");
}

// `resources` is the body of `recursos`.
inline std::string WithResources(const std::string& resources) {
  return absl::StrCat(R"({"nome": "test", "recursos": [)", resources, "]}");
}

inline std::string SourceDir() { return LIMIAR_SOURCE_DIR; }

// The shared spec folder, or "" when the environment does not provide it.
inline std::string SharedDir() {
  const char* d = std::getenv("LIMIAR_SHARED_DIR");
  return d == nullptr ? "" : d;
}

}  // namespace limiar::policy::blueprint::testing

#endif  // LIMIAR_TESTS_POLICY_BLUEPRINT_TEST_BLUEPRINTS_H_
