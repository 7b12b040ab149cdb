#include "absl/strings/str_cat.h"
#include "src/common/regular_file.h"
#include "src/conformance/conformance.h"

namespace limiar::conformance {
namespace {

bool IsHpaReplicaCalcKind(const std::string& kind) {
  return kind == "resource_utilization" || kind == "container_resource_utilization" ||
         kind == "pods_average_value" || kind == "object_value" || kind == "object_average_value" ||
         kind == "external_value" || kind == "external_average_value" || kind == "pod_grouping";
}

bool IsHpaBehaviorKind(const std::string& kind) {
  return kind == "legacy_clamp" || kind == "scale_limit" || kind == "legacy_stabilization" ||
         kind == "rate_limit" || kind == "scale_event_store" || kind == "stabilization" ||
         kind == "behavior_defaults" || kind == "controller_e2e";
}

CaseOutcome RunOne(const nlohmann::json& c) {
  const std::string kind = c.value("kind", "");
  if (IsHpaReplicaCalcKind(kind)) return RunHpaReplicaCalcCase(c);
  if (IsHpaBehaviorKind(kind)) return RunHpaBehaviorCase(c);
  if (kind == "kpa_sequence" || kind == "kpa_init") return RunKpaCase(c);
  CaseOutcome out;
  out.id = c.value("id", "?");
  out.name = c.value("name", "");
  out.expected = "a known kind";
  out.got = absl::StrCat("unknown kind \"", kind, "\"");
  return out;
}

}  // namespace

absl::StatusOr<std::vector<CaseOutcome>> RunConformanceFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadRegularFile(path, kMaxConformanceFileBytes, "case file");
  if (!text.ok()) return text.status();
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not valid JSON"));
  }
  if (doc.is_object()) {
    // defaults.json sits beside the case files and holds constants, not cases.
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     ": a JSON object, not an array of cases (a constants file such as "
                     "defaults.json); skipped"));
  }
  if (!doc.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a JSON array of cases (see SCHEMA.md)"));
  }
  std::vector<CaseOutcome> outcomes;
  outcomes.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& c = doc[i];
    if (!c.is_object() || !c.contains("kind") || !c["kind"].is_string()) {
      CaseOutcome bad;
      bad.id = absl::StrCat("[", i, "]");
      bad.expected = "an object with a string \"kind\"";
      bad.got = c.dump().substr(0, 80);
      outcomes.push_back(bad);
      continue;
    }
    try {
      outcomes.push_back(RunOne(c));
    } catch (const nlohmann::json::exception& e) {
      // A case whose fields do not have the schema's types: report it, run the rest.
      CaseOutcome bad;
      bad.id = c.value("id", absl::StrCat("[", i, "]"));
      bad.name = c.value("name", "");
      bad.expected = "a case in the schema of SCHEMA.md";
      bad.got = absl::StrCat("malformed case: ", e.what());
      outcomes.push_back(bad);
    }
  }
  return outcomes;
}

}  // namespace limiar::conformance
