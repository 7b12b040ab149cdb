// Tesserra blueprint (JSON, Portuguese keys) -> the validated policies of the computes that
// Limiar scales. Every problem is reported, not only the first, each as one line
// `SOURCE: JSON.path: what is wrong; what to do` of one InvalidArgument status. The keys an
// autoscale resource's config may hold are documented in docs/policy-keys.md.
#ifndef LIMIAR_POLICY_BLUEPRINT_BLUEPRINT_LOADER_H_
#define LIMIAR_POLICY_BLUEPRINT_BLUEPRINT_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

struct LoadedBlueprint {
  std::string source;  // the file path or source name given to the loader
  std::string name;    // the blueprint's `nome`
  // One per compute that at least one autoscale resource targets, in blueprint order.
  std::vector<TargetPolicy> targets;
  // `JSON.path: what; what to do` (without the source, which callers print once).
  std::vector<std::string> warnings;
  // Computes that no autoscale resource targets: Limiar leaves them alone.
  std::vector<std::string> unmanaged_computes;
};

// A blueprint without autoscale resources is valid and yields no targets.
absl::StatusOr<LoadedBlueprint> LoadBlueprintText(absl::string_view text,
                                                  absl::string_view source_name);

// As LoadBlueprintText, with the path as the source name; NotFound if it cannot be read.
absl::StatusOr<LoadedBlueprint> LoadBlueprintFile(const std::string& path);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_BLUEPRINT_LOADER_H_
