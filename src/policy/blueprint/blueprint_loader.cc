#include "src/policy/blueprint/blueprint_loader.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/config/diagnostics.h"
#include "src/common/config/json_read.h"
#include "src/common/config/json_text.h"
#include "src/common/config/known_keys.h"
#include "src/common/regular_file.h"
#include "src/policy/blueprint/autoscale_config.h"
#include "src/policy/blueprint/compute_config.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/blueprint/target_builder.h"

namespace limiar::policy::blueprint {

using config::Child;
using config::Describe;
using config::Diagnostics;
using config::DidYouMean;
using config::Index;
using config::ParseJson;
using config::ReadEnum;
using config::ReadObject;
using config::ReadString;
using config::RejectNearMisses;

namespace {

using json = nlohmann::json;

struct Resource {
  std::string name;  // empty when missing or invalid
  std::string type;  // empty when missing or unknown
  std::string path;  // recursos[i]
  const json* config = nullptr;
};

// Objects Tesserra owns (the blueprint, a resource): an unknown key is accepted as
// Tesserra's own unless it is a near miss of one Limiar reads.
constexpr int kNearMiss = 2;

Resource ReadResource(const json& r, const std::string& path, Diagnostics& diag) {
  Resource res;
  res.path = path;
  if (!r.is_object()) {
    diag.Error(path, absl::StrCat("expected a resource object, got ", Describe(r)),
               "write {\"tipo\": ..., \"nome\": ..., \"config\": {...}}");
    return res;
  }
  static const auto* known = new config::KnownKeys{
      .keys = {"tipo", "nome", "config"},
      .aliases = {{"type", "tipo"}, {"name", "nome"}, {"configuracao", "config"}}};
  const std::set<std::string> suggested = RejectNearMisses(r, path, *known, kNearMiss, diag);
  if (!r.contains("tipo")) {
    if (!suggested.count("tipo")) {
      diag.Error(path, "missing tipo", "add tipo: compute, autoscale, datastore, ...");
    }
  } else if (auto t = ReadEnum(r["tipo"], Child(path, "tipo"), diag, ResourceTypes(), {})) {
    res.type = *t;
  }
  if (!r.contains("nome")) {
    if (!suggested.count("nome"))
      diag.Error(path, "missing nome", "give the resource a unique nome");
  } else if (auto n = ReadString(r["nome"], Child(path, "nome"), diag)) {
    if (n->empty()) {
      diag.Error(Child(path, "nome"), "empty nome", "give the resource a unique nome");
    } else {
      res.name = *n;
    }
  }
  if (r.contains("config")) {
    res.config = ReadObject(r["config"], Child(path, "config"), diag, "...");
  }
  return res;
}

std::vector<std::string> NamesOfType(const std::vector<Resource>& rs, absl::string_view type) {
  std::vector<std::string> out;
  for (const Resource& r : rs) {
    if (r.type == type && !r.name.empty()) out.push_back(r.name);
  }
  return out;
}

// `alvo_recurso_id` must name an existing resource; for autoscale, a compute. Returns the
// index of the target, or -1.
int ResolveTarget(const std::string& target, const std::string& path, bool must_be_compute,
                  const std::vector<Resource>& rs, const std::map<std::string, int>& by_name,
                  Diagnostics& diag) {
  const std::vector<std::string> computes = NamesOfType(rs, "compute");
  auto it = by_name.find(target);
  if (it == by_name.end()) {
    std::vector<std::string> names;
    for (const auto& [n, unused] : by_name) names.push_back(n);
    diag.Error(path, absl::StrCat("no resource named \"", target, "\""),
               DidYouMean(target, must_be_compute ? computes : names, {},
                          "point it at the nome of a resource in this blueprint"));
    return -1;
  }
  const Resource& r = rs[it->second];
  if (must_be_compute && r.type != "compute") {
    diag.Error(path,
               absl::StrCat("\"", target, "\" is a ", r.type.empty() ? "resource" : r.type,
                            ", not a compute"),
               computes.empty()
                   ? "Limiar scales compute resources only; add a compute to scale"
                   : absl::StrCat("Limiar scales compute resources only; point it at one of: ",
                                  absl::StrJoin(computes, ", ")));
    return -1;
  }
  return it->second;
}

// Every resource of `recursos`, with duplicate names reported.
std::vector<Resource> ReadResources(const json& list, Diagnostics& diag) {
  std::vector<Resource> rs;
  std::map<std::string, size_t> first_by_name;
  for (size_t i = 0; i < list.size(); ++i) {
    rs.push_back(ReadResource(list[i], Index("recursos", i), diag));
    const Resource& r = rs.back();
    if (r.name.empty()) continue;
    if (auto [it, inserted] = first_by_name.emplace(r.name, i); !inserted) {
      diag.Error(Child(r.path, "nome"), absl::StrCat("duplicate nome \"", r.name, "\""),
                 absl::StrCat("already used by ", rs[it->second].path,
                              "; give each resource a unique nome"));
    }
  }
  return rs;
}

// Reads computes and autoscale resources, checks every reference, and builds one policy
// per compute that autoscale resources target (the others are listed as unmanaged).
void ReadAndGroup(const json& list, const std::vector<Resource>& rs, Diagnostics& diag,
                  LoadedBlueprint& out) {
  std::map<std::string, int> by_name;  // the first resource of each name
  for (size_t i = 0; i < rs.size(); ++i) {
    if (!rs[i].name.empty()) by_name.emplace(rs[i].name, static_cast<int>(i));
  }
  std::map<int, ComputeSpec> computes;  // by resource index, so in blueprint order
  std::vector<AutoscaleSpec> autoscales;
  std::vector<int> autoscale_targets;  // resource index of each one's compute, or -1
  for (size_t i = 0; i < rs.size(); ++i) {
    const Resource& r = rs[i];
    const std::string config_path = Child(r.path, "config");
    if (r.type == "compute") {
      computes[i] = ReadComputeConfig(r.config, r.name, config_path, diag);
    } else if (r.type == "autoscale") {
      if (r.config == nullptr) {
        if (!list[i].contains("config")) {
          diag.Error(r.path, "autoscale resource without config",
                     "add config with alvo_recurso_id, metrica and limiar");
        }
        continue;
      }
      AutoscaleSpec spec = ReadAutoscaleConfig(*r.config, config_path, diag);
      spec.name = r.name;
      int target = -1;
      if (spec.target) {
        target =
            ResolveTarget(*spec.target, Child(config_path, key::kAlvo), true, rs, by_name, diag);
      }
      autoscales.push_back(std::move(spec));
      autoscale_targets.push_back(target);
    } else if (r.config != nullptr && r.config->contains(key::kAlvo)) {
      const std::string p = Child(config_path, key::kAlvo);
      if (auto t = ReadString((*r.config)[key::kAlvo], p, diag)) {
        ResolveTarget(*t, p, false, rs, by_name, diag);
      }
    }
  }

  for (const auto& [index, compute] : computes) {
    std::vector<const AutoscaleSpec*> specs;
    for (size_t a = 0; a < autoscales.size(); ++a) {
      if (autoscale_targets[a] == index) specs.push_back(&autoscales[a]);
    }
    if (specs.empty()) {
      out.unmanaged_computes.push_back(compute.name);
      continue;
    }
    if (std::optional<TargetPolicy> p = BuildTargetPolicy(compute, specs, diag)) {
      out.targets.push_back(std::move(*p));
    }
  }
}

}  // namespace

absl::StatusOr<LoadedBlueprint> LoadBlueprintText(absl::string_view text,
                                                  absl::string_view source_name) {
  Diagnostics diag{std::string(source_name)};
  std::optional<json> doc = ParseJson(text, kBlueprintTextLimits, diag);
  if (!doc) return diag.ToStatus();
  if (!doc->is_object()) {
    diag.Error("", absl::StrCat("expected a blueprint object, got ", Describe(*doc)),
               "a blueprint is {\"nome\": ..., \"recursos\": [...]}");
    return diag.ToStatus();
  }
  LoadedBlueprint out;
  out.source = std::string(source_name);
  static const auto* known =
      new config::KnownKeys{.keys = {"nome", "modo", "ambiente", "resiliencia", "recursos"},
                            .aliases = {{"name", "nome"}, {"resources", "recursos"}}};
  const std::set<std::string> suggested = RejectNearMisses(*doc, "", *known, kNearMiss, diag);
  if (doc->contains("nome")) {
    out.name = ReadString((*doc)["nome"], "nome", diag).value_or("");
  } else {
    diag.Warning("", "the blueprint has no nome", "add one; messages will use the file name");
    out.name = out.source;
  }
  if (!doc->contains("recursos")) {
    if (!suggested.count("recursos")) {
      diag.Error("", "missing recursos", "add recursos: the list of the blueprint's resources");
    }
    return diag.ToStatus();
  }
  const json* list = config::ReadList(
      (*doc)["recursos"], "recursos", diag,
      "write recursos as a list: [{\"tipo\": ..., \"nome\": ..., \"config\": {...}}]");
  if (list == nullptr) return diag.ToStatus();

  const std::vector<Resource> rs = ReadResources(*list, diag);
  ReadAndGroup(*list, rs, diag, out);
  if (diag.has_errors()) return diag.ToStatus();
  out.warnings = diag.warnings();
  return out;
}

absl::StatusOr<LoadedBlueprint> LoadBlueprintFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadRegularFile(path, kMaxBlueprintBytes, "blueprint");
  if (!text.ok()) return text.status();
  return LoadBlueprintText(*text, path);
}

}  // namespace limiar::policy::blueprint
