#include "src/policy/blueprint/knob_names.h"

#include "src/policy/forecast/forecaster.h"

namespace limiar::policy::blueprint {

using config::AliasMap;

namespace {

// Enum <-> spelling through one table each, so the two directions cannot drift apart.
template <typename E, size_t N>
std::string SpellingIn(const std::pair<E, const char*> (&table)[N], E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "?";
}

template <typename E, size_t N>
std::vector<std::string>* NamesOf(const std::pair<E, const char*> (&table)[N]) {
  auto* names = new std::vector<std::string>;
  for (const auto& [value, name] : table) names->push_back(name);
  return names;
}

template <typename E, size_t N>
E ParseIn(const std::pair<E, const char*> (&table)[N], absl::string_view s) {
  for (const auto& [value, name] : table) {
    if (s == name) return value;
  }
  return table[0].first;
}

constexpr std::pair<SelectPolicy, const char*> kSelects[] = {
    {SelectPolicy::kMax, "max"},
    {SelectPolicy::kMin, "min"},
    {SelectPolicy::kDisabled, "desativado"}};
constexpr std::pair<RatePolicyType, const char*> kRateTypes[] = {
    {RatePolicyType::kPods, "pods"}, {RatePolicyType::kPercent, "percent"}};
constexpr std::pair<FallbackBehavior, const char*> kFallbacks[] = {
    {FallbackBehavior::kStatic, "estatico"},
    {FallbackBehavior::kCurrentReplicas, "atual"},
    {FallbackBehavior::kIfHigher, "se_maior"},
    {FallbackBehavior::kIfLower, "se_menor"}};
constexpr std::pair<ForecastMode, const char*> kForecastModes[] = {
    {ForecastMode::kActive, "ativo"}, {ForecastMode::kForecastOnly, "so_previsao"}};

}  // namespace

const std::vector<std::string>& AutoscaleKeys() {
  static const auto* keys = new std::vector<std::string>{key::kAlvo,
                                                         key::kMetrica,
                                                         key::kLimiar,
                                                         key::kCapacidade,
                                                         key::kAlgoritmo,
                                                         key::kModo,
                                                         key::kTolerancia,
                                                         key::kToleranciaSubida,
                                                         key::kToleranciaDescida,
                                                         key::kEstabilizacaoSubida,
                                                         key::kEstabilizacaoDescida,
                                                         key::kPoliticasSubida,
                                                         key::kPoliticasDescida,
                                                         key::kSelecaoSubida,
                                                         key::kSelecaoDescida,
                                                         key::kInicializacaoCpu,
                                                         key::kProntidaoInicial,
                                                         key::kLegadoFator,
                                                         key::kLegadoMinimo,
                                                         key::kJanelaEstavel,
                                                         key::kJanelaPanico,
                                                         key::kLimiarPanico,
                                                         key::kTaxaMaxSubida,
                                                         key::kTaxaMaxDescida,
                                                         key::kCapacidadeRajada,
                                                         key::kAtrasoDescida,
                                                         key::kEscalaAtivacao,
                                                         key::kEsperaSubida,
                                                         key::kEsperaDescida,
                                                         key::kAgendamentos,
                                                         key::kContingencia,
                                                         key::kPrevisao};
  return *keys;
}

const std::vector<std::string>& BehaviorKeys() {
  static const auto* keys = new std::vector<std::string>{
      key::kEstabilizacaoSubida, key::kPoliticasSubida, key::kPoliticasDescida, key::kSelecaoSubida,
      key::kSelecaoDescida};
  return *keys;
}

const std::vector<std::string>& HpaOnlyKeys() {
  static const auto* keys = new std::vector<std::string>{
      key::kToleranciaSubida,     key::kToleranciaDescida, key::kEstabilizacaoSubida,
      key::kEstabilizacaoDescida, key::kPoliticasSubida,   key::kPoliticasDescida,
      key::kSelecaoSubida,        key::kSelecaoDescida,    key::kInicializacaoCpu,
      key::kProntidaoInicial,     key::kLegadoFator,       key::kLegadoMinimo};
  return *keys;
}

const std::vector<std::string>& KpaOnlyKeys() {
  static const auto* keys = new std::vector<std::string>{
      key::kJanelaEstavel,  key::kJanelaPanico,     key::kLimiarPanico,  key::kTaxaMaxSubida,
      key::kTaxaMaxDescida, key::kCapacidadeRajada, key::kAtrasoDescida, key::kEscalaAtivacao};
  return *keys;
}

const AliasMap& AutoscaleKeyAliases() {
  static const auto* aliases = new AliasMap{
      {"target", key::kAlvo},
      {"alvo", key::kAlvo},
      {"alvo_recurso", key::kAlvo},
      {"scale_target_ref", key::kAlvo},
      {"metric", key::kMetrica},
      {"threshold", key::kLimiar},
      {"target_utilization", key::kLimiar},
      {"average_utilization", key::kLimiar},
      {"target_utilization_percentage", key::kLimiar},
      {"capacity", key::kCapacidade},
      {"capacidade", key::kCapacidade},
      {"capacity_per_replica", key::kCapacidade},
      {"algorithm", key::kAlgoritmo},
      {"class", key::kAlgoritmo},
      {"mode", key::kModo},
      {"tolerance", key::kTolerancia},
      {"tolerance_up", key::kToleranciaSubida},
      {"tolerance_down", key::kToleranciaDescida},
      {"scale_up_stabilization_window_seconds", key::kEstabilizacaoSubida},
      {"scale_down_stabilization_window_seconds", key::kEstabilizacaoDescida},
      {"downscale_stabilization", key::kEstabilizacaoDescida},
      {"scale_up_policies", key::kPoliticasSubida},
      {"scale_down_policies", key::kPoliticasDescida},
      {"scale_up_select_policy", key::kSelecaoSubida},
      {"scale_down_select_policy", key::kSelecaoDescida},
      {"cpu_initialization_period", key::kInicializacaoCpu},
      {"initial_readiness_delay", key::kProntidaoInicial},
      {"scale_up_limit_factor", key::kLegadoFator},
      {"scale_up_limit_minimum", key::kLegadoMinimo},
      {"stable_window", key::kJanelaEstavel},
      {"window", key::kJanelaEstavel},
      {"panic_window_percentage", key::kJanelaPanico},
      {"panic_threshold_percentage", key::kLimiarPanico},
      {"max_scale_up_rate", key::kTaxaMaxSubida},
      {"max_scale_down_rate", key::kTaxaMaxDescida},
      {"target_burst_capacity", key::kCapacidadeRajada},
      {"scale_down_delay", key::kAtrasoDescida},
      {"activation_scale", key::kEscalaAtivacao},
      {"cooldown_up", key::kEsperaSubida},
      {"cooldown_subida_s", key::kEsperaSubida},
      {"scale_out_cooldown", key::kEsperaSubida},
      {"cooldown_down", key::kEsperaDescida},
      {"cooldown_descida_s", key::kEsperaDescida},
      {"scale_in_cooldown", key::kEsperaDescida},
      {"schedules", key::kAgendamentos},
      {"schedule", key::kAgendamentos},
      {"agenda", key::kAgendamentos},
      {"agendas", key::kAgendamentos},
      {"fallback", key::kContingencia},
      {"forecast", key::kPrevisao},
      {"forecasting", key::kPrevisao},
      {"predictive", key::kPrevisao},
      {"predictive_scaling", key::kPrevisao},
  };
  return *aliases;
}

const std::vector<std::string>& ResourceTypes() {
  static const auto* types =
      new std::vector<std::string>{"compute",   "datastore", "archive", "gateway", "sentinel",
                                   "autoscale", "insight",   "fabric",  "beacon",  "lane"};
  return *types;
}

const std::vector<std::string>& ComputeKeys() {
  static const auto* keys = new std::vector<std::string>{key::kReplicasMin, key::kReplicasMax,
                                                         "subtipo", "imagem", "porta"};
  return *keys;
}

const AliasMap& ComputeKeyAliases() {
  static const auto* aliases =
      new AliasMap{{"min_replicas", key::kReplicasMin},     {"replicas_minimo", key::kReplicasMin},
                   {"replicas_minimas", key::kReplicasMin}, {"min", key::kReplicasMin},
                   {"max_replicas", key::kReplicasMax},     {"replicas_maximo", key::kReplicasMax},
                   {"replicas_maximas", key::kReplicasMax}, {"max", key::kReplicasMax}};
  return *aliases;
}

const AliasMap& MetricAliases() {
  static const auto* a = new AliasMap{{"rps", "requests"},
                                      {"requisicoes", "requests"},
                                      {"requests_per_second", "requests"},
                                      {"conexoes", "connections"},
                                      {"websocket", "connections"},
                                      {"cpu_utilization", "cpu"}};
  return *a;
}

const AliasMap& AlgorithmAliases() {
  static const auto* a = new AliasMap{{"knative", "kpa"}, {"kubernetes", "hpa"}, {"k8s", "hpa"}};
  return *a;
}

const AliasMap& ModeAliases() {
  static const auto* a =
      new AliasMap{{"simulacao", "dry-run"}, {"simular", "dry-run"}, {"observar", "dry-run"},
                   {"shadow", "dry-run"},    {"pausado", "paused"},  {"pause", "paused"},
                   {"off", "paused"},        {"aplicar", "enforce"}, {"on", "enforce"}};
  return *a;
}

const std::vector<std::string>& SelectNames() {
  static const auto* v = NamesOf(kSelects);
  return *v;
}
const AliasMap& SelectAliases() {
  static const auto* a =
      new AliasMap{{"disabled", "desativado"}, {"off", "desativado"}, {"nenhuma", "desativado"}};
  return *a;
}

const std::vector<std::string>& RateTypeNames() {
  static const auto* v = NamesOf(kRateTypes);
  return *v;
}
const AliasMap& RateTypeAliases() {
  static const auto* a = new AliasMap{{"percentual", "percent"},
                                      {"porcentagem", "percent"},
                                      {"percentage", "percent"},
                                      {"pct", "percent"},
                                      {"replicas", "pods"}};
  return *a;
}

const std::vector<std::string>& FallbackNames() {
  static const auto* v = NamesOf(kFallbacks);
  return *v;
}
const AliasMap& FallbackAliases() {
  static const auto* a = new AliasMap{{"static", "estatico"},
                                      {"current_replicas", "atual"},
                                      {"current_replicas_if_higher", "se_maior"},
                                      {"current_replicas_if_lower", "se_menor"}};
  return *a;
}

std::string Spelling(SelectPolicy s) { return SpellingIn(kSelects, s); }
std::string Spelling(RatePolicyType t) { return SpellingIn(kRateTypes, t); }
const std::vector<std::string>& ForecasterNames() {
  static const auto* v = [] {
    auto* names = new std::vector<std::string>{"auto"};
    for (forecast::ForecasterKind k : forecast::kAllForecasterKinds) {
      names->push_back(forecast::ForecasterKindName(k));
    }
    return names;
  }();
  return *v;
}

const AliasMap& ForecasterAliases() {
  static const auto* a = new AliasMap{{"automatico", "auto"},
                                      {"automatic", "auto"},
                                      {"holt_winters", "holt_winters_add"},
                                      {"holt_winters_additive", "holt_winters_add"},
                                      {"holt_winters_multiplicative", "holt_winters_mul"},
                                      {"seasonal_naive", "seasonal_naive_daily"},
                                      {"fft", "spectral"},
                                      {"dsp", "spectral"}};
  return *a;
}

const std::vector<std::string>& ForecastModeNames() {
  static const auto* v = NamesOf(kForecastModes);
  return *v;
}

const AliasMap& ForecastModeAliases() {
  static const auto* a = new AliasMap{{"active", "ativo"},
                                      {"enforce", "ativo"},
                                      {"forecast-only", "so_previsao"},
                                      {"forecast_only", "so_previsao"},
                                      {"forecastonly", "so_previsao"},
                                      {"so-previsao", "so_previsao"}};
  return *a;
}

std::string Spelling(ForecastMode m) { return SpellingIn(kForecastModes, m); }
ForecastMode ParseForecastMode(absl::string_view s) { return ParseIn(kForecastModes, s); }

std::string Spelling(FallbackBehavior b) { return SpellingIn(kFallbacks, b); }
SelectPolicy ParseSelect(absl::string_view s) { return ParseIn(kSelects, s); }
RatePolicyType ParseRateType(absl::string_view s) { return ParseIn(kRateTypes, s); }
FallbackBehavior ParseFallback(absl::string_view s) { return ParseIn(kFallbacks, s); }

double DefaultCapacity(MetricType m) {
  switch (m) {
    case MetricType::kCpu:
      return 1.0;
    case MetricType::kRequests:
      return 100.0;
    case MetricType::kConnections:
      return 1000.0;
  }
  return 1.0;
}

}  // namespace limiar::policy::blueprint
