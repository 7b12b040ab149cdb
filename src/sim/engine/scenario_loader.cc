#include "src/sim/engine/scenario_loader.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace limiar::sim {

absl::StatusOr<Scenario> LoadScenario(const ScenarioRequest& request) {
  Scenario s;
  if (request.path.empty()) {
    s = BuiltinFlashSale();
  } else {
    absl::StatusOr<Scenario> loaded = LoadScenarioFile(request.path);
    if (!loaded.ok()) return loaded.status();
    s = *std::move(loaded);
  }
  if (request.seed) s.seed = *request.seed;
  return s;
}

std::vector<std::string> ScenarioWarnings(const Scenario& scenario) {
  std::vector<std::string> out;
  out.reserve(scenario.warnings.size());
  for (const std::string& w : scenario.warnings) {
    out.push_back(absl::StrCat(scenario.blueprint_source, ": ", w));
  }
  return out;
}

}  // namespace limiar::sim
