#include "src/sim/engine/policy_variant.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/blueprint/policy_json.h"

namespace limiar::sim {
namespace {

using nlohmann::json;

// Keys that live on the compute resource rather than on its autoscale resources.
bool IsComputeKey(const std::string& key) { return key == "replicas_min" || key == "replicas_max"; }

// What HPA or Knative defaults keep of an autoscale resource: what to scale, on what, to
// which utilization, and the replica's capacity (a fact about the service, not a knob).
const std::set<std::string> kEssentialKeys = {"alvo_recurso_id", "metrica", "limiar",
                                              "capacidade_por_replica"};

std::string BaseName(PolicyVariant::Base b) {
  switch (b) {
    case PolicyVariant::Base::kBlueprint:
      return "blueprint";
    case PolicyVariant::Base::kHpaDefaults:
      return "hpa";
    case PolicyVariant::Base::kKpaDefaults:
      return "kpa";
  }
  return "";
}

// Sets `key` (or `knob.member`) on every resource of `blueprint` that `applies` selects.
template <typename Pred>
void SetOn(json& blueprint, Pred applies, const std::string& key, const json& value) {
  const size_t dot = key.find('.');
  for (json& r : blueprint["recursos"]) {
    if (!applies(r)) continue;
    if (dot == std::string::npos) {
      r["config"][key] = value;
      continue;
    }
    json& object = r["config"][key.substr(0, dot)];
    if (!object.is_object()) object = json::object();
    object[key.substr(dot + 1)] = value;
  }
}

bool IsComputeNamed(const json& r, const std::string& name) {
  return r.value("tipo", "") == "compute" && r.value("nome", "") == name;
}
bool IsAutoscaleOf(const json& r, const std::string& name) {
  if (r.value("tipo", "") != "autoscale") return false;
  auto c = r.find("config");
  return c != r.end() && c->is_object() && c->value("alvo_recurso_id", "") == name;
}

void Apply(json& blueprint, const std::string& target, const std::string& key, const json& value) {
  if (IsComputeKey(key)) {
    SetOn(
        blueprint, [&](const json& r) { return IsComputeNamed(r, target); }, key, value);
  } else {
    SetOn(
        blueprint, [&](const json& r) { return IsAutoscaleOf(r, target); }, key, value);
  }
}

// A policy's values without where each came from ("source"): two variants with equal
// values decide alike.
json WithoutSources(json j) {
  if (j.is_object()) {
    j.erase("source");
    for (auto& [key, value] : j.items()) value = WithoutSources(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = WithoutSources(value);
  }
  return j;
}

}  // namespace

std::vector<absl::string_view> SplitTopLevel(absl::string_view text) {
  std::vector<absl::string_view> parts;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

json ParseKnobValue(absl::string_view text) {
  json v = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return std::string(text);
  return v;
}

absl::StatusOr<KnobOverride> ParseKnobOverride(absl::string_view item) {
  std::pair<absl::string_view, absl::string_view> kv =
      absl::StrSplit(item, absl::MaxSplits('=', 1));
  absl::string_view lhs = absl::StripAsciiWhitespace(kv.first);
  absl::string_view rhs = absl::StripAsciiWhitespace(kv.second);
  if (item.find('=') == absl::string_view::npos || lhs.empty() || rhs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", item, "\": expected KEY=VALUE, e.g. limiar=50 or storefront.limiar=50"));
  }
  KnobOverride o;
  TargetKey tk = SplitTargetKey(lhs);
  o.target = std::move(tk.target);
  o.key = std::move(tk.key);
  o.value = ParseKnobValue(rhs);
  return o;
}

TargetKey SplitTargetKey(absl::string_view lhs) {
  const std::vector<absl::string_view> parts = absl::StrSplit(lhs, '.');
  size_t key_parts = 1;
  // Object knobs whose members can be set one by one, by their name or an alias of it
  // (`forecast.margem_pct`).
  if (parts.size() >= 2) {
    std::string name(parts[parts.size() - 2]);
    const config::AliasMap& aliases = policy::blueprint::AutoscaleKeyAliases();
    if (auto alias = aliases.find(name); alias != aliases.end()) name = alias->second;
    if (name == policy::blueprint::key::kPrevisao ||
        name == policy::blueprint::key::kContingencia) {
      key_parts = 2;
    }
  }
  if (parts.size() <= key_parts) return {"", std::string(lhs)};
  const size_t split = parts.size() - key_parts;
  return {absl::StrJoin(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(split), "."),
          absl::StrJoin(parts.begin() + static_cast<std::ptrdiff_t>(split), parts.end(), ".")};
}

absl::StatusOr<PolicyVariant> ParsePolicyVariant(absl::string_view spec) {
  PolicyVariant v;
  absl::string_view body = spec;
  std::string label;
  // A label is what precedes the first ':' when that part holds no '='.
  if (size_t colon = spec.find(':'); colon != absl::string_view::npos &&
                                     spec.substr(0, colon).find('=') == absl::string_view::npos) {
    label = std::string(absl::StripAsciiWhitespace(spec.substr(0, colon)));
    body = spec.substr(colon + 1);
  }
  bool first = true;
  for (absl::string_view raw : SplitTopLevel(body)) {
    absl::string_view item = absl::StripAsciiWhitespace(raw);
    if (item.empty()) continue;
    if (item.find('=') == absl::string_view::npos) {
      if (!first) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--policy \"", spec, "\": \"", item,
            "\" must come first (the base: blueprint, hpa or kpa); knobs are KEY=VALUE"));
      }
      if (item == "blueprint") {
        v.base = PolicyVariant::Base::kBlueprint;
      } else if (item == "hpa") {
        v.base = PolicyVariant::Base::kHpaDefaults;
      } else if (item == "kpa") {
        v.base = PolicyVariant::Base::kKpaDefaults;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("--policy \"", spec, "\": unknown base \"", item,
                         "\"; write blueprint, hpa or kpa, or knobs as KEY=VALUE (limiar=50)"));
      }
    } else {
      absl::StatusOr<KnobOverride> o = ParseKnobOverride(item);
      if (!o.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--policy \"", spec, "\": ", o.status().message()));
      }
      v.overrides.push_back(*std::move(o));
    }
    first = false;
  }
  v.name = !label.empty() ? label : std::string(absl::StripAsciiWhitespace(body));
  if (v.name.empty()) return absl::InvalidArgumentError("--policy: empty; write e.g. hpa");
  return v;
}

absl::StatusOr<policy::blueprint::LoadedBlueprint> LoadVariantBlueprint(
    const Scenario& scenario, const PolicyVariant& variant) {
  json bp = scenario.blueprint;
  if (!bp.contains("recursos") || !bp["recursos"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(scenario.blueprint_source, ": no recursos list; not a blueprint"));
  }
  if (variant.base != PolicyVariant::Base::kBlueprint) {
    const char* algorithm = variant.base == PolicyVariant::Base::kHpaDefaults ? "hpa" : "kpa";
    for (const TargetModel& m : scenario.targets) {
      for (json& r : bp["recursos"]) {
        if (!IsAutoscaleOf(r, m.target)) continue;
        json kept = json::object();
        for (const auto& [k, val] : r["config"].items()) {
          if (kEssentialKeys.count(k)) kept[k] = val;
        }
        kept["algoritmo"] = algorithm;
        r["config"] = std::move(kept);
      }
    }
  }
  for (const TargetModel& m : scenario.targets) {
    for (const auto& [k, val] : m.policy) Apply(bp, m.target, k, val);
  }
  for (const KnobOverride& o : variant.overrides) {
    if (!o.target.empty()) {
      if (std::none_of(scenario.targets.begin(), scenario.targets.end(),
                       [&](const TargetModel& m) { return m.target == o.target; })) {
        return absl::InvalidArgumentError(absl::StrCat(
            "policy ", variant.name, ": ", o.target, ".", o.key, ": no simulated target named ",
            o.target, "; name one of the scenario's targets"));
      }
      Apply(bp, o.target, o.key, o.value);
    } else {
      for (const TargetModel& m : scenario.targets) Apply(bp, m.target, o.key, o.value);
    }
  }
  // The default variant is the blueprint as the scenario sees it: name the blueprint alone.
  const bool plain = variant.base == PolicyVariant::Base::kBlueprint && variant.overrides.empty();
  return policy::blueprint::LoadBlueprintText(
      bp.dump(), plain ? scenario.blueprint_source
                       : absl::StrCat(scenario.blueprint_source, " with policy ", variant.name));
}

absl::StatusOr<std::vector<policy::TargetPolicy>> ResolvePolicies(const Scenario& scenario,
                                                                  const PolicyVariant& variant) {
  absl::StatusOr<policy::blueprint::LoadedBlueprint> loaded =
      LoadVariantBlueprint(scenario, variant);
  if (!loaded.ok()) return loaded.status();
  std::vector<policy::TargetPolicy> out;
  for (const TargetModel& m : scenario.targets) {
    for (const policy::TargetPolicy& t : loaded->targets) {
      if (t.target == m.target) out.push_back(t);
    }
  }
  return out;
}

std::string DescribeVariant(const PolicyVariant& variant) {
  std::vector<std::string> parts = {BaseName(variant.base)};
  for (const KnobOverride& o : variant.overrides) {
    const std::string value = o.value.is_string() ? o.value.get<std::string>() : o.value.dump();
    parts.push_back(absl::StrCat(o.target.empty() ? "" : o.target + ".", o.key, " ", value));
  }
  return absl::StrJoin(parts, ", ");
}

std::vector<PolicyVariant> WithoutRepeats(const Scenario& scenario,
                                          std::vector<PolicyVariant> variants,
                                          std::vector<std::string>* notes) {
  std::vector<PolicyVariant> kept;
  std::vector<std::pair<std::string, json>> seen;
  for (PolicyVariant& v : variants) {
    absl::StatusOr<std::vector<policy::TargetPolicy>> policies = ResolvePolicies(scenario, v);
    if (policies.ok()) {
      json values = json::array();
      for (const policy::TargetPolicy& p : *policies) {
        values.push_back(WithoutSources(policy::blueprint::ResolvedPolicyToJson(p)));
      }
      auto same =
          std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.second == values; });
      if (same != seen.end()) {
        notes->push_back(absl::StrFormat(
            "policy %s is the same as %s on this scenario; not run twice", v.name, same->first));
        continue;
      }
      seen.emplace_back(v.name, std::move(values));
    }
    kept.push_back(std::move(v));  // a policy that fails to resolve reports it when run
  }
  return kept;
}

}  // namespace limiar::sim
