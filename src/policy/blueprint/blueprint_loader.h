// Tesserra blueprint (JSON, Portuguese keys) -> the validated policies of the computes that
// Limiar scales. Every problem is reported, not only the first, each as one line
// `SOURCE: JSON.path: what is wrong; what to do` of one InvalidArgument status. The keys an
// autoscale resource's config may hold are documented in docs/policy-keys.md.
#ifndef LIMIAR_POLICY_BLUEPRINT_BLUEPRINT_LOADER_H_
#define LIMIAR_POLICY_BLUEPRINT_BLUEPRINT_LOADER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/common/config/json_text.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

// The largest blueprint read, from a file or as text: far above any real one (the shared
// blueprints are under 2 KB, 10,000 targets take about 3 MB), and cheap to read whole.
inline constexpr size_t kMaxBlueprintBytes = 16 << 20;
// Arrays and objects open at once. The loader reads nothing deeper than 6 levels (a list in
// a config, recursos[i].config.taxas[j]); the shared blueprints are 4 deep.
inline constexpr int kMaxBlueprintDepth = 16;
inline constexpr config::JsonTextLimits kBlueprintTextLimits = {
    {kMaxBlueprintBytes, kMaxBlueprintDepth},
    "flatten it: a blueprint's values nest 6 levels deep at most"};

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

// A blueprint without autoscale resources is valid and yields no targets. A text over
// kBlueprintTextLimits is refused before it is parsed.
absl::StatusOr<LoadedBlueprint> LoadBlueprintText(absl::string_view text,
                                                  absl::string_view source_name);

// As LoadBlueprintText, with the path as the source name. The path must name a regular file
// of at most kMaxBlueprintBytes (a FIFO or /dev/zero is refused unread); NotFound if there is
// none.
absl::StatusOr<LoadedBlueprint> LoadBlueprintFile(const std::string& path);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_BLUEPRINT_LOADER_H_
