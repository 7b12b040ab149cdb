// The policy a simulated run uses: the blueprint's own, HPA's or Knative's defaults on the
// blueprint's metrics, each optionally with knobs overridden (`limiar=50`). `compare` runs
// several variants and `sweep` one per grid point; all of them resolve through the
// production blueprint loader, so a knob means in a simulation what it means in `serve`.
#ifndef LIMIAR_SIM_ENGINE_POLICY_VARIANT_H_
#define LIMIAR_SIM_ENGINE_POLICY_VARIANT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/policy_config.h"
#include "src/sim/engine/scenario.h"

namespace limiar::sim {

// One knob set to one value, spelt as in the blueprint (`limiar`, `espera_descida_s`,
// `replicas_min`), for one target or (empty) every simulated target.
struct KnobOverride {
  std::string target;
  std::string key;
  nlohmann::json value;
};

struct PolicyVariant {
  enum class Base { kBlueprint, kHpaDefaults, kKpaDefaults };
  std::string name = "blueprint";
  Base base = Base::kBlueprint;
  std::vector<KnobOverride> overrides;
};

// Parses `[LABEL:]ITEM[,ITEM...]` where an ITEM is `blueprint`, `hpa`, `kpa` (the base,
// first if given) or `[TARGET.]KEY=VALUE`. VALUE is JSON when it parses as JSON, else a
// string: `tuned:limiar=50,espera_descida_s=120`, `kpa`, `fast:kpa,janela_estavel_s=30`.
absl::StatusOr<PolicyVariant> ParsePolicyVariant(absl::string_view spec);

// Splits at the commas outside JSON brackets and strings, so that a knob's value may be a
// list or an object: `agendamentos=[{"inicio": ..., "minimo": 8}],limiar=50`.
std::vector<absl::string_view> SplitTopLevel(absl::string_view text);

// `[TARGET.]KEY` into its target (empty: every target) and key. A key inside an object
// knob is written `previsao.margem_pct` (`web.previsao.margem_pct` for one target): setting
// it sets that member alone, and turns the object knob on where it was off.
struct TargetKey {
  std::string target;
  std::string key;
};
TargetKey SplitTargetKey(absl::string_view lhs);

// Parses one `[TARGET.]KEY=VALUE`.
absl::StatusOr<KnobOverride> ParseKnobOverride(absl::string_view item);
// The JSON value a command-line word stands for: a number, true/false, a JSON literal, or
// else the word as a string.
nlohmann::json ParseKnobValue(absl::string_view text);

// The scenario's targets' policies under `variant`: the scenario's blueprint with the base
// applied, then the scenario's per-target `policy` knobs, then the variant's overrides,
// loaded by the production loader. Only the scenario's targets are returned, in its order.
absl::StatusOr<std::vector<policy::TargetPolicy>> ResolvePolicies(const Scenario& scenario,
                                                                  const PolicyVariant& variant);
// The same, as the loader returns it: every managed target, and the warnings.
absl::StatusOr<policy::blueprint::LoadedBlueprint> LoadVariantBlueprint(
    const Scenario& scenario, const PolicyVariant& variant);

// One line for tables: "hpa, limiar 50, espera_descida_s 120".
std::string DescribeVariant(const PolicyVariant& variant);

// `variants` less each one that resolves on `scenario` to the same policies as an earlier
// one (`hpa` on a blueprint that sets no knob beyond the service's), where running it would
// only print a copy; one line in `notes` for each dropped. Where a knob came from does not
// count. A variant that fails to resolve is kept: running it reports the error.
std::vector<PolicyVariant> WithoutRepeats(const Scenario& scenario,
                                          std::vector<PolicyVariant> variants,
                                          std::vector<std::string>* notes);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_ENGINE_POLICY_VARIANT_H_
