#include "src/policy/blueprint/target_builder.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/config/json_read.h"
#include "src/policy/blueprint/compound_knobs.h"
#include "src/policy/blueprint/knob_names.h"

namespace limiar::policy::blueprint {

using config::Child;
using config::Diagnostics;
using config::FormatNumber;
using config::Index;

namespace {

using json = nlohmann::json;
using Knobs = std::map<std::string, KnobSetting>;

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Short(const json& v) {
  if (v.is_number()) return FormatNumber(v.get<double>());
  const std::string s = v.dump();
  return s.size() <= 60 ? s : "a different value";
}

// The first resource to set a knob fixes it; a later one must agree.
Knobs MergeKnobs(const std::vector<const AutoscaleSpec*>& specs, const std::string& target,
                 Diagnostics& diag, bool& ok) {
  Knobs merged;
  for (const AutoscaleSpec* spec : specs) {
    for (const auto& [k, setting] : spec->knobs) {
      auto [it, inserted] = merged.emplace(k, setting);
      if (inserted || it->second.value == setting.value) continue;
      diag.Error(setting.path,
                 absl::StrCat(k, " ", Short(setting.value), " conflicts with ",
                              Short(it->second.value), " at ", it->second.path),
                 absl::StrCat("the autoscale resources of compute ", target,
                              " share its target-level knobs; set it in one of them, or make "
                              "them equal"));
      ok = false;
    }
  }
  return merged;
}

absl::Duration Secs(const json& v) { return absl::Seconds(v.get<double>()); }

std::vector<RatePolicy> ToRatePolicies(const json& list) {
  std::vector<RatePolicy> out;
  for (const json& p : list) {
    out.push_back({ParseRateType(p[key::kTipo].get<std::string>()), p[key::kValor].get<int32_t>(),
                   Secs(p[key::kPeriodo])});
  }
  return out;
}

// Knobs are valid here; only their meaning is applied.
void ApplyKnobs(const Knobs& k, TargetPolicy& p) {
  auto get = [&k](const char* name) -> const json* {
    auto it = k.find(name);
    return it == k.end() ? nullptr : &it->second.value;
  };
  if (auto* v = get(key::kAlgoritmo))
    p.algorithm = AlgorithmFromName(v->get<std::string>()).value_or(Algorithm::kHpa);
  if (auto* v = get(key::kModo))
    p.mode = ModeFromName(v->get<std::string>()).value_or(Mode::kEnforce);
  if (auto* v = get(key::kToleranciaSubida)) p.hpa.tolerance_up = v->get<double>();
  if (auto* v = get(key::kToleranciaDescida)) p.hpa.tolerance_down = v->get<double>();
  // On both HPA paths the scale-down window is the controller's downscale stabilization
  // (behavior's scaleDown window stays unset and falls back to it), so one key serves both.
  if (auto* v = get(key::kEstabilizacaoDescida)) p.hpa.downscale_stabilization = Secs(*v);
  if (std::any_of(BehaviorKeys().begin(), BehaviorKeys().end(),
                  [&](const std::string& b) { return k.count(b) > 0; })) {
    HpaBehavior b = DefaultHpaBehavior();
    if (auto* v = get(key::kEstabilizacaoSubida)) b.scale_up.stabilization_window = Secs(*v);
    if (auto* v = get(key::kPoliticasSubida)) b.scale_up.policies = ToRatePolicies(*v);
    if (auto* v = get(key::kPoliticasDescida)) b.scale_down.policies = ToRatePolicies(*v);
    if (auto* v = get(key::kSelecaoSubida)) {
      b.scale_up.select_policy = ParseSelect(v->get<std::string>());
    }
    if (auto* v = get(key::kSelecaoDescida)) {
      b.scale_down.select_policy = ParseSelect(v->get<std::string>());
    }
    p.hpa.behavior = b;
  }
  if (auto* v = get(key::kInicializacaoCpu)) p.hpa.cpu_initialization_period = Secs(*v);
  if (auto* v = get(key::kProntidaoInicial)) p.hpa.initial_readiness_delay = Secs(*v);
  if (auto* v = get(key::kLegadoFator)) p.hpa.legacy_scale_up_limit_factor = v->get<double>();
  if (auto* v = get(key::kLegadoMinimo)) p.hpa.legacy_scale_up_limit_minimum = v->get<double>();
  if (auto* v = get(key::kJanelaEstavel)) p.kpa.stable_window = Secs(*v);
  if (auto* v = get(key::kJanelaPanico)) p.kpa.panic_window_percentage = v->get<double>();
  if (auto* v = get(key::kLimiarPanico)) p.kpa.panic_threshold_percentage = v->get<double>();
  if (auto* v = get(key::kTaxaMaxSubida)) p.kpa.max_scale_up_rate = v->get<double>();
  if (auto* v = get(key::kTaxaMaxDescida)) p.kpa.max_scale_down_rate = v->get<double>();
  if (auto* v = get(key::kCapacidadeRajada)) p.kpa.target_burst_capacity = v->get<double>();
  if (auto* v = get(key::kAtrasoDescida)) p.kpa.scale_down_delay = Secs(*v);
  if (auto* v = get(key::kEscalaAtivacao)) p.kpa.activation_scale = v->get<int32_t>();
  if (auto* v = get(key::kEsperaSubida)) p.cooldown_up = Secs(*v);
  if (auto* v = get(key::kEsperaDescida)) p.cooldown_down = Secs(*v);
  if (auto* v = get(key::kAgendamentos)) {
    for (const json& s : *v) {
      Schedule sched;
      sched.name = s[key::kNome].get<std::string>();
      if (s.contains(key::kCron)) {
        sched.cron = *ParseCron(s[key::kCron].get<std::string>());
        sched.time_zone_name = s[key::kFuso].get<std::string>();
        absl::LoadTimeZone(sched.time_zone_name, &sched.time_zone);
      } else {
        sched.start = *config::ParseZonedTime(s[key::kInicio].get<std::string>());
      }
      sched.duration = Secs(s[key::kDuracaoS]);
      if (s.contains(key::kMinimo)) sched.min_replicas = s[key::kMinimo].get<int32_t>();
      if (s.contains(key::kMaximo)) sched.max_replicas = s[key::kMaximo].get<int32_t>();
      p.schedules.push_back(sched);
    }
  }
  if (auto* v = get(key::kContingencia)) {
    Fallback f;
    f.failure_threshold = (*v)[key::kFalhas].get<int32_t>();
    f.behavior = ParseFallback((*v)[key::kComportamento].get<std::string>());
    if (!(*v)[key::kReplicas].is_null()) f.replicas = (*v)[key::kReplicas].get<int32_t>();
    p.fallback = f;
  }
  if (auto* v = get(key::kPrevisao)) {
    Forecasting f;
    f.forecaster = (*v)[key::kPrevisor].get<std::string>();
    f.horizon = Secs((*v)[key::kAntecedencia]);
    f.margin_percent = (*v)[key::kMargem].get<double>();
    f.mode = ParseForecastMode((*v)[key::kModo].get<std::string>());
    f.history = absl::Hours(24) * (*v)[key::kHistorico].get<int>();
    p.forecasting = f;
  }
  for (const std::string& name : TargetKnobKeys()) {
    p.provenance[name] = k.count(name) ? Origin::kBlueprint : Origin::kDefault;
  }
}

// Checks that need the compute's bounds. Returns false on an error.
bool CheckAgainstBounds(const Knobs& k, const TargetPolicy& p, Diagnostics& diag) {
  bool ok = true;
  if (auto it = k.find(key::kAgendamentos); it != k.end()) {
    for (size_t i = 0; i < p.schedules.size(); ++i) {
      const Schedule& s = p.schedules[i];
      const std::string path = Index(it->second.path, i);
      if (s.min_replicas && *s.min_replicas > p.max_replicas) {
        diag.Error(Child(path, key::kMinimo),
                   absl::StrCat("minimo ", *s.min_replicas, " exceeds replicas_max ",
                                p.max_replicas, " of compute ", p.target),
                   "raise the compute's replicas_max or lower minimo");
        ok = false;
      } else if (s.min_replicas && *s.min_replicas <= p.min_replicas) {
        diag.Warning(Child(path, key::kMinimo),
                     absl::StrCat("minimo ", *s.min_replicas, " is not above replicas_min ",
                                  p.min_replicas, ", so this floor has no effect"),
                     "raise it or drop it");
      }
      if (s.max_replicas && *s.max_replicas >= p.max_replicas) {
        diag.Warning(Child(path, key::kMaximo),
                     absl::StrCat("maximo ", *s.max_replicas, " is not below replicas_max ",
                                  p.max_replicas, ", so this ceiling has no effect"),
                     "lower it or drop it");
      } else if (s.max_replicas && *s.max_replicas < p.min_replicas) {
        diag.Warning(
            Child(path, key::kMaximo),
            absl::StrCat("maximo ", *s.max_replicas, " is below replicas_min ", p.min_replicas,
                         "; the floor wins, so the ceiling is ", p.min_replicas),
            "raise maximo to at least replicas_min");
      }
    }
  }
  if (auto it = k.find(key::kContingencia);
      it != k.end() && p.fallback && p.fallback->behavior != FallbackBehavior::kCurrentReplicas) {
    const int32_t r = p.fallback->replicas;
    if (r < p.min_replicas || r > p.max_replicas) {
      diag.Error(Child(it->second.path, key::kReplicas),
                 absl::StrCat("fallback replicas ", r, " is outside replicas_min..replicas_max (",
                              p.min_replicas, "..", p.max_replicas, ") of compute ", p.target),
                 "choose a count within the compute's bounds");
      ok = false;
    }
  }
  if (auto it = k.find(key::kEscalaAtivacao);
      it != k.end() && p.kpa.activation_scale > p.max_replicas) {
    diag.Error(it->second.path,
               absl::StrCat("escala_ativacao ", p.kpa.activation_scale, " exceeds replicas_max ",
                            p.max_replicas),
               "use at most replicas_max");
    ok = false;
  }
  return ok;
}

// A knob the chosen path never reads is most likely a mistake; say so, once per key.
void WarnIneffective(const Knobs& k, const TargetPolicy& p, Diagnostics& diag) {
  std::set<std::string> warned;
  for (const auto& [name, setting] : k) {
    std::string why;
    if (p.algorithm == Algorithm::kKpa && Contains(HpaOnlyKeys(), name)) {
      why = "algoritmo is kpa, which does not read it";
    } else if (p.algorithm == Algorithm::kHpa && Contains(KpaOnlyKeys(), name)) {
      why = "algoritmo is hpa, which does not read it (it applies to kpa)";
    } else if (p.algorithm == Algorithm::kHpa && p.hpa.behavior &&
               (name == key::kLegadoFator || name == key::kLegadoMinimo)) {
      why = "a behavior key is set, so HPA's behavior path applies and the legacy limit does not";
    }
    if (why.empty() || !warned.insert(setting.path).second) continue;
    diag.Warning(setting.path, absl::StrCat("has no effect: ", why),
                 "remove it, or change the setting that makes it unused");
  }
}

}  // namespace

std::string MetricKnobKey(absl::string_view knob, absl::string_view autoscale_name) {
  return absl::StrCat(knob, "[", autoscale_name, "]");
}

const std::vector<std::string>& TargetKnobKeys() {
  static const auto* keys = [] {
    auto* v = new std::vector<std::string>;
    for (const std::string& k : AutoscaleKeys()) {
      if (k != key::kAlvo && k != key::kMetrica && k != key::kLimiar && k != key::kCapacidade &&
          k != key::kTolerancia) {
        v->push_back(k);
      }
    }
    return v;
  }();
  return *keys;
}

std::optional<TargetPolicy> BuildTargetPolicy(const ComputeSpec& compute,
                                              const std::vector<const AutoscaleSpec*>& specs,
                                              Diagnostics& diag) {
  bool ok = true;
  TargetPolicy p;
  p.target = compute.name;
  std::map<MetricType, const AutoscaleSpec*> by_metric;
  for (const AutoscaleSpec* spec : specs) {
    if (!spec->metric || !spec->limiar) {
      ok = false;  // already reported
      continue;
    }
    if (auto [it, inserted] = by_metric.emplace(*spec->metric, spec); !inserted) {
      diag.Error(Child(spec->config_path, key::kMetrica),
                 absl::StrCat("compute ", compute.name, " already scales on ",
                              MetricTypeName(*spec->metric), " through ", it->second->name, " (",
                              it->second->config_path, ")"),
                 "one autoscale resource per metric and compute: merge the two, or scale on "
                 "another metric");
      ok = false;
      continue;
    }
    MetricTarget m;
    m.autoscale_resource = spec->name;
    m.metric = *spec->metric;
    m.target_percent = *spec->limiar;
    m.capacity_per_replica = spec->capacity.value_or(DefaultCapacity(m.metric));
    if (!spec->capacity && m.metric != MetricType::kCpu) {
      diag.Warning(spec->config_path,
                   absl::StrCat("no capacidade_por_replica for metric ", MetricTypeName(m.metric),
                                "; assuming the default ", FormatNumber(m.capacity_per_replica),
                                " ", MetricUnit(m.metric), " per replica"),
                   "set it to your replica's measured capacity");
    }
    p.provenance[MetricKnobKey(key::kLimiar, spec->name)] = Origin::kBlueprint;
    p.provenance[MetricKnobKey(key::kCapacidade, spec->name)] =
        spec->capacity ? Origin::kBlueprint : Origin::kDefault;
    p.metrics.push_back(m);
  }

  if (!compute.max_replicas) {
    if (!compute.has_max_key) {
      diag.Error(compute.config_path,
                 absl::StrCat("compute ", compute.name, " is scaled by ", specs[0]->name,
                              " but has no replicas_max"),
                 "add replicas_max: the most replicas Limiar may run (an autoscaler without "
                 "a ceiling can scale costs without bound)");
    }
    return std::nullopt;
  }
  if (!compute.replicas_valid) return std::nullopt;
  // HPA's default minReplicas.
  p.min_replicas = compute.min_replicas.value_or(1);
  p.max_replicas = *compute.max_replicas;
  p.provenance[key::kReplicasMin] = compute.min_replicas ? Origin::kBlueprint : Origin::kDefault;
  p.provenance[key::kReplicasMax] = Origin::kBlueprint;

  const Knobs knobs = MergeKnobs(specs, compute.name, diag, ok);
  if (!ok) return std::nullopt;
  ApplyKnobs(knobs, p);
  if (!CheckAgainstBounds(knobs, p, diag)) return std::nullopt;
  WarnIneffective(knobs, p, diag);
  if (p.min_replicas == 0 && by_metric.count(MetricType::kCpu)) {
    diag.Warning(Child(compute.config_path, key::kReplicasMin),
                 "replicas_min 0 with metric cpu: a compute at zero replicas reports no cpu, "
                 "so Limiar could not scale it back up",
                 "use replicas_min 1 or more, or scale on requests or connections");
  }
  return p;
}

}  // namespace limiar::policy::blueprint
