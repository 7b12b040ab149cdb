// The one way a command gets its scenario: `simulate`, `compare` and `sweep` each name a
// file (or none, for the built-in flash sale) and perhaps overrides, and get back the same
// checked scenario (blueprint, traffic, cluster) and the same warnings. Rendering the
// traffic stays with the caller (PrepareTraffic), which times it and may first refuse
// cheaper problems.
#ifndef LIMIAR_SIM_ENGINE_SCENARIO_LOADER_H_
#define LIMIAR_SIM_ENGINE_SCENARIO_LOADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "src/sim/engine/scenario.h"

namespace limiar::sim {

struct ScenarioRequest {
  std::string path;              // empty: the built-in flash sale
  std::optional<uint64_t> seed;  // replaces the scenario's (and so its random traffic)
};

// LoadScenarioFile(path) or BuiltinFlashSale(), then the overrides. Errors are the file
// loader's, one problem a line.
absl::StatusOr<Scenario> LoadScenario(const ScenarioRequest& request);

// The blueprint's warnings, each after the name of the blueprint it is about:
// "blueprint.json: the blueprint has no nome: ...".
std::vector<std::string> ScenarioWarnings(const Scenario& scenario);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_SCENARIO_LOADER_H_
