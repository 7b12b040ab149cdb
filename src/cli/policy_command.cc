#include "src/cli/policy_command.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/cli/print_error.h"
#include "src/common/config/diagnostics.h"
#include "src/common/plural.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/blueprint/policy_json.h"
#include "src/policy/blueprint/policy_table.h"

namespace limiar::cli {
namespace {

namespace bp = ::limiar::policy::blueprint;

std::string NothingToManage(const bp::LoadedBlueprint& b) {
  std::string s = absl::StrCat(b.source, ": no autoscale resources; nothing for Limiar to manage");
  if (!b.unmanaged_computes.empty()) {
    absl::StrAppend(&s, " (computes: ", absl::StrJoin(b.unmanaged_computes, ", "), ")");
  }
  return s;
}

void PrintText(const bp::LoadedBlueprint& b, std::ostream& out) {
  if (b.targets.empty()) {
    out << NothingToManage(b) << "\n";
    return;
  }
  out << "blueprint \"" << b.name << "\" (" << b.source
      << "): " << Counted(b.targets.size(), "target") << " managed by Limiar\n";
  if (!b.unmanaged_computes.empty()) {
    out << "computes without autoscale, left alone: " << absl::StrJoin(b.unmanaged_computes, ", ")
        << "\n";
  }
  for (const auto& t : b.targets) out << "\n" << bp::RenderPolicyTable(t);
}

void PrintJson(const bp::LoadedBlueprint& b, std::ostream& out) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& t : b.targets) targets.push_back(bp::ResolvedPolicyToJson(t));
  nlohmann::json doc = {{"blueprint", b.name},
                        {"source", b.source},
                        {"targets", targets},
                        {"unmanaged_computes", b.unmanaged_computes},
                        {"warnings", b.warnings}};
  if (b.targets.empty()) doc["note"] = NothingToManage(b);
  out << doc.dump(2) << "\n";
}

}  // namespace

int RunPolicyCommand(const std::string& blueprint_path, bool as_json, std::ostream& out,
                     std::ostream& err) {
  absl::StatusOr<bp::LoadedBlueprint> loaded = bp::LoadBlueprintFile(blueprint_path);
  if (!loaded.ok()) {
    PrintError(err, loaded.status().message());
    const int64_t problems = config::ProblemCount(loaded.status());
    err << blueprint_path << ": " << Counted(problems, "problem") << "; nothing loaded\n";
    return 1;
  }
  for (const std::string& w : loaded->warnings) {
    err << "warning: " << loaded->source << ": " << w << "\n";
  }
  if (as_json) {
    PrintJson(*loaded, out);
  } else {
    PrintText(*loaded, out);
  }
  return 0;
}

}  // namespace limiar::cli
