// Runs upstream conformance cases (../shared/conformance/SCHEMA.md) against the real
// policy code. Each kind-specific runner turns one case's `input` into calls of the
// production functions and compares every asserted `expect` field.
#ifndef LIMIAR_CONFORMANCE_CONFORMANCE_H_
#define LIMIAR_CONFORMANCE_CONFORMANCE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace limiar::conformance {

struct CaseOutcome {
  std::string id;
  std::string name;
  bool passed = false;
  std::string expected;  // the asserted fields, compact JSON
  std::string got;       // the same fields as computed, compact JSON (or the error)
};

// hpa_replica_calc.json kinds: resource_utilization, container_resource_utilization,
// pods_average_value, object_value, object_average_value, external_value,
// external_average_value, pod_grouping.
CaseOutcome RunHpaReplicaCalcCase(const nlohmann::json& c);
// hpa_behavior.json kinds: legacy_clamp, scale_limit, legacy_stabilization, rate_limit,
// scale_event_store, stabilization, behavior_defaults, controller_e2e.
CaseOutcome RunHpaBehaviorCase(const nlohmann::json& c);
// knative_kpa.json kinds: kpa_sequence, kpa_init.
CaseOutcome RunKpaCase(const nlohmann::json& c);

// Runs every case of one file; an error only when the file cannot be read or is not a
// JSON array of cases (named with the file). FailedPrecondition for a JSON object: a
// constants file like defaults.json, which holds no cases.
absl::StatusOr<std::vector<CaseOutcome>> RunConformanceFile(const std::string& path);
// The largest case file read (the shared files are a few hundred KB).
inline constexpr size_t kMaxConformanceFileBytes = 64 << 20;

}  // namespace limiar::conformance

#endif  // LIMIAR_CONFORMANCE_CONFORMANCE_H_
