#include "src/policy/blueprint/knob_view.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/config/json_read.h"
#include "src/common/plural.h"
#include "src/policy/blueprint/compound_knobs.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/blueprint/target_builder.h"

namespace limiar::policy::blueprint {

using config::FormatNumber;

namespace {

using json = nlohmann::json;

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

json SecondsJson(absl::Duration d) { return JsonNumber(absl::ToDoubleSeconds(d)); }

json PoliciesJson(const std::vector<RatePolicy>& ps) {
  json out = json::array();
  for (const RatePolicy& p : ps) {
    out.push_back({{key::kTipo, Spelling(p.type)},
                   {key::kValor, p.value},
                   {key::kPeriodo, SecondsJson(p.period)}});
  }
  return out;
}

std::string PoliciesText(const std::vector<RatePolicy>& ps) {
  std::vector<std::string> parts;
  for (const RatePolicy& p : ps) {
    parts.push_back(absl::StrCat(Spelling(p.type), " ", p.value,
                                 p.type == RatePolicyType::kPercent ? "%" : "", " per ",
                                 FormatSeconds(p.period)));
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

json SchedulesJson(const std::vector<Schedule>& ss) {
  json out = json::array();
  for (const Schedule& s : ss) {
    json j = {{key::kNome, s.name}};
    if (s.cron) {
      j[key::kCron] = s.cron->text;
      j[key::kFuso] = s.time_zone_name;
    } else {
      j[key::kInicio] = FormatScheduleTime(s.start);
    }
    j[key::kDuracaoS] = SecondsJson(s.duration);
    if (s.min_replicas) j[key::kMinimo] = *s.min_replicas;
    if (s.max_replicas) j[key::kMaximo] = *s.max_replicas;
    out.push_back(j);
  }
  return out;
}

std::vector<std::string> SchedulesText(const std::vector<Schedule>& ss) {
  if (ss.empty()) return {"none"};
  std::vector<std::string> lines;
  for (const Schedule& s : ss) {
    std::string line =
        s.cron ? absl::StrCat(s.name, ": at \"", s.cron->text, "\" in ", s.time_zone_name, " for ",
                              absl::FormatDuration(s.duration))
               : absl::StrCat(s.name, ": from ", FormatScheduleTime(s.start), " for ",
                              absl::FormatDuration(s.duration));
    if (s.min_replicas) absl::StrAppend(&line, ", minimo ", *s.min_replicas);
    if (s.max_replicas) absl::StrAppend(&line, ", maximo ", *s.max_replicas);
    lines.push_back(line);
  }
  return lines;
}

json FallbackJson(const std::optional<Fallback>& f) {
  if (!f) return nullptr;
  return {{key::kFalhas, f->failure_threshold},
          {key::kReplicas, f->replicas},
          {key::kComportamento, Spelling(f->behavior)}};
}

std::string FallbackText(const std::optional<Fallback>& f) {
  if (!f) return "off";
  std::string what;
  switch (f->behavior) {
    case FallbackBehavior::kStatic:
      what = Counted(f->replicas, "replica");
      break;
    case FallbackBehavior::kCurrentReplicas:
      what = "the current count";
      break;
    case FallbackBehavior::kIfHigher:
      what = absl::StrCat("max(current, ", f->replicas, ")");
      break;
    case FallbackBehavior::kIfLower:
      what = absl::StrCat("min(current, ", f->replicas, ")");
      break;
  }
  return absl::StrCat("after ", f->failure_threshold, " failed evaluations: ", what, " (",
                      Spelling(f->behavior), ")");
}

json ForecastingJson(const std::optional<Forecasting>& f) {
  if (!f) return nullptr;
  return {{key::kPrevisor, f->forecaster},
          {key::kAntecedencia, JsonNumber(absl::ToDoubleSeconds(f->horizon))},
          {key::kMargem, JsonNumber(f->margin_percent)},
          {key::kModo, Spelling(f->mode)},
          {key::kHistorico, f->history / absl::Hours(24)}};
}

std::string ForecastingText(const std::optional<Forecasting>& f) {
  if (!f) return "off";
  return absl::StrCat(f->mode == ForecastMode::kActive ? "" : "forecast only: ", f->forecaster,
                      ", floor for the load of the next ", FormatSeconds(f->horizon), " + ",
                      FormatNumber(f->margin_percent), " %, ", f->history / absl::Hours(24),
                      " days of history");
}

// Why the policy ignores `key`, or "" when it reads it.
std::string UnusedNote(const std::string& key, const TargetPolicy& p) {
  if (p.algorithm == Algorithm::kKpa && Contains(HpaOnlyKeys(), key)) {
    return "unused: algoritmo is kpa";
  }
  if (p.algorithm == Algorithm::kHpa && Contains(KpaOnlyKeys(), key)) {
    return "unused: algoritmo is hpa";
  }
  if (p.algorithm == Algorithm::kHpa && !p.hpa.behavior && Contains(BehaviorKeys(), key)) {
    return "unused: legacy HPA path (set a behavior key to use it)";
  }
  if (p.algorithm == Algorithm::kHpa && p.hpa.behavior &&
      (key == key::kLegadoFator || key == key::kLegadoMinimo)) {
    return "unused: behavior path";
  }
  return "";
}

}  // namespace

json JsonNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 9e15) return static_cast<int64_t>(v);
  return v;
}

std::string FormatSeconds(absl::Duration d) {
  const std::string s = absl::StrCat(FormatNumber(absl::ToDoubleSeconds(d)), "s");
  if (d < absl::Minutes(1)) return s;
  return absl::StrCat(s, " (", absl::FormatDuration(d), ")");
}

const char* HpaPathName(const TargetPolicy& p) { return p.hpa.behavior ? "behavior" : "legacy"; }

const char* OriginName(Origin o) { return o == Origin::kBlueprint ? "blueprint" : "default"; }

std::vector<KnobView> DescribeKnobs(const TargetPolicy& p) {
  // On the legacy path behavior's fields show the values they would take if it were on.
  const HpaBehavior b = p.hpa.behavior.value_or(DefaultHpaBehavior());
  const absl::Duration down_window =
      b.scale_down.stabilization_window.value_or(p.hpa.downscale_stabilization);
  std::vector<KnobView> v;
  auto add = [&](const std::string& k, json value, std::vector<std::string> text) {
    KnobView kv{k, std::move(value), std::move(text), Origin::kDefault, UnusedNote(k, p)};
    if (auto it = p.provenance.find(k); it != p.provenance.end()) kv.origin = it->second;
    v.push_back(std::move(kv));
  };
  auto number = [&](const std::string& k, double d) { add(k, JsonNumber(d), {FormatNumber(d)}); };
  auto seconds = [&](const std::string& k, absl::Duration d) {
    add(k, SecondsJson(d), {FormatSeconds(d)});
  };
  auto word = [&](const std::string& k, const std::string& s) { add(k, s, {s}); };

  number(key::kReplicasMin, p.min_replicas);
  number(key::kReplicasMax, p.max_replicas);
  word(key::kAlgoritmo, AlgorithmName(p.algorithm));
  word(key::kModo, ModeName(p.mode));
  number(key::kToleranciaSubida, p.hpa.tolerance_up);
  number(key::kToleranciaDescida, p.hpa.tolerance_down);
  seconds(key::kEstabilizacaoSubida,
          b.scale_up.stabilization_window.value_or(absl::ZeroDuration()));
  seconds(key::kEstabilizacaoDescida, down_window);
  add(key::kPoliticasSubida, PoliciesJson(b.scale_up.policies),
      {PoliciesText(b.scale_up.policies)});
  add(key::kPoliticasDescida, PoliciesJson(b.scale_down.policies),
      {PoliciesText(b.scale_down.policies)});
  word(key::kSelecaoSubida, Spelling(b.scale_up.select_policy));
  word(key::kSelecaoDescida, Spelling(b.scale_down.select_policy));
  seconds(key::kInicializacaoCpu, p.hpa.cpu_initialization_period);
  seconds(key::kProntidaoInicial, p.hpa.initial_readiness_delay);
  number(key::kLegadoFator, p.hpa.legacy_scale_up_limit_factor);
  number(key::kLegadoMinimo, p.hpa.legacy_scale_up_limit_minimum);
  seconds(key::kJanelaEstavel, p.kpa.stable_window);
  number(key::kJanelaPanico, p.kpa.panic_window_percentage);
  number(key::kLimiarPanico, p.kpa.panic_threshold_percentage);
  number(key::kTaxaMaxSubida, p.kpa.max_scale_up_rate);
  number(key::kTaxaMaxDescida, p.kpa.max_scale_down_rate);
  add(key::kCapacidadeRajada, JsonNumber(p.kpa.target_burst_capacity),
      {p.kpa.target_burst_capacity == -1 ? "-1 (unlimited)"
                                         : FormatNumber(p.kpa.target_burst_capacity)});
  seconds(key::kAtrasoDescida, p.kpa.scale_down_delay);
  number(key::kEscalaAtivacao, p.kpa.activation_scale);
  seconds(key::kEsperaSubida, p.cooldown_up);
  seconds(key::kEsperaDescida, p.cooldown_down);
  add(key::kAgendamentos, SchedulesJson(p.schedules), SchedulesText(p.schedules));
  add(key::kContingencia, FallbackJson(p.fallback), {FallbackText(p.fallback)});
  add(key::kPrevisao, ForecastingJson(p.forecasting), {ForecastingText(p.forecasting)});
  return v;
}

std::vector<MetricView> DescribeMetrics(const TargetPolicy& p) {
  std::vector<MetricView> out;
  for (const MetricTarget& m : p.metrics) {
    MetricView mv{m.autoscale_resource,   MetricTypeName(m.metric), m.target_percent,
                  m.capacity_per_replica, MetricUnit(m.metric),     Origin::kBlueprint,
                  Origin::kDefault};
    if (auto it = p.provenance.find(MetricKnobKey(key::kLimiar, m.autoscale_resource));
        it != p.provenance.end()) {
      mv.limiar_origin = it->second;
    }
    if (auto it = p.provenance.find(MetricKnobKey(key::kCapacidade, m.autoscale_resource));
        it != p.provenance.end()) {
      mv.capacity_origin = it->second;
    }
    out.push_back(mv);
  }
  return out;
}

}  // namespace limiar::policy::blueprint
