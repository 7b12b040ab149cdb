// The blueprint vocabulary Limiar reads: resource types, the keys of an autoscale resource's
// config (docs/policy-keys.md documents each), the spellings of their enumerated values, and
// the foreign names (HPA, KEDA, Knative, English) that a typo suggestion maps to ours.
#ifndef LIMIAR_POLICY_BLUEPRINT_KNOB_NAMES_H_
#define LIMIAR_POLICY_BLUEPRINT_KNOB_NAMES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/common/config/did_you_mean.h"
#include "src/policy/names.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

// What to do about an unknown key of an autoscale config that is near no key Limiar reads.
inline constexpr char kUnknownKnobTodo[] =
    "Limiar reads only the keys listed in docs/policy-keys.md; remove it or fix its name";

// Keys of an autoscale resource's `config`. Metric-level keys belong to the one metric the
// resource adds; all the others are target-level and must agree across the autoscale
// resources of one compute.
namespace key {
inline constexpr char kAlvo[] = "alvo_recurso_id";
inline constexpr char kMetrica[] = "metrica";
inline constexpr char kLimiar[] = "limiar";
inline constexpr char kCapacidade[] = "capacidade_por_replica";

inline constexpr char kAlgoritmo[] = "algoritmo";
inline constexpr char kModo[] = "modo";
inline constexpr char kTolerancia[] = "tolerancia";
inline constexpr char kToleranciaSubida[] = "tolerancia_subida";
inline constexpr char kToleranciaDescida[] = "tolerancia_descida";
inline constexpr char kEstabilizacaoSubida[] = "estabilizacao_subida_s";
inline constexpr char kEstabilizacaoDescida[] = "estabilizacao_descida_s";
inline constexpr char kPoliticasSubida[] = "politicas_subida";
inline constexpr char kPoliticasDescida[] = "politicas_descida";
inline constexpr char kSelecaoSubida[] = "selecao_subida";
inline constexpr char kSelecaoDescida[] = "selecao_descida";
inline constexpr char kInicializacaoCpu[] = "periodo_inicializacao_cpu_s";
inline constexpr char kProntidaoInicial[] = "atraso_prontidao_inicial_s";
inline constexpr char kLegadoFator[] = "limite_subida_legado_fator";
inline constexpr char kLegadoMinimo[] = "limite_subida_legado_minimo";
inline constexpr char kJanelaEstavel[] = "janela_estavel_s";
inline constexpr char kJanelaPanico[] = "janela_panico_pct";
inline constexpr char kLimiarPanico[] = "limiar_panico_pct";
inline constexpr char kTaxaMaxSubida[] = "taxa_max_subida";
inline constexpr char kTaxaMaxDescida[] = "taxa_max_descida";
inline constexpr char kCapacidadeRajada[] = "capacidade_rajada";
inline constexpr char kAtrasoDescida[] = "atraso_descida_s";
inline constexpr char kEscalaAtivacao[] = "escala_ativacao";
inline constexpr char kEsperaSubida[] = "espera_subida_s";
inline constexpr char kEsperaDescida[] = "espera_descida_s";
inline constexpr char kAgendamentos[] = "agendamentos";
inline constexpr char kContingencia[] = "contingencia";
inline constexpr char kPrevisao[] = "previsao";

// Inside one `politicas_*` entry, one `agendamentos` entry and `contingencia`.
inline constexpr char kTipo[] = "tipo";
inline constexpr char kValor[] = "valor";
inline constexpr char kPeriodo[] = "periodo_s";
inline constexpr char kNome[] = "nome";
inline constexpr char kInicio[] = "inicio";
inline constexpr char kCron[] = "cron";
inline constexpr char kFuso[] = "fuso";
inline constexpr char kDuracaoS[] = "duracao_s";
inline constexpr char kDuracaoH[] = "duracao_h";
inline constexpr char kMinimo[] = "minimo";
inline constexpr char kMaximo[] = "maximo";
inline constexpr char kFalhas[] = "falhas";
inline constexpr char kReplicas[] = "replicas";
inline constexpr char kComportamento[] = "comportamento";
// Inside `previsao`.
inline constexpr char kPrevisor[] = "previsor";
inline constexpr char kAntecedencia[] = "antecedencia_s";
inline constexpr char kMargem[] = "margem_pct";
inline constexpr char kHistorico[] = "historico_dias";

// Compute config keys Limiar reads.
inline constexpr char kReplicasMin[] = "replicas_min";
inline constexpr char kReplicasMax[] = "replicas_max";
}  // namespace key

// Every key an autoscale config may hold, in documentation order.
const std::vector<std::string>& AutoscaleKeys();
// Target-level keys that select HPA's `behavior` path when any is set.
const std::vector<std::string>& BehaviorKeys();
// Keys that only the hpa (resp. kpa) algorithm reads.
const std::vector<std::string>& HpaOnlyKeys();
const std::vector<std::string>& KpaOnlyKeys();
const config::AliasMap& AutoscaleKeyAliases();

const std::vector<std::string>& ResourceTypes();
const std::vector<std::string>& ComputeKeys();
const config::AliasMap& ComputeKeyAliases();

// Enumerated values as a blueprint spells them, and the foreign names suggested for them.
// Metrics, algorithms and modes are spelt by src/policy/names.h; only their aliases are here.
const config::AliasMap& MetricAliases();
const config::AliasMap& AlgorithmAliases();
const config::AliasMap& ModeAliases();
const std::vector<std::string>& SelectNames();
const config::AliasMap& SelectAliases();
const std::vector<std::string>& RateTypeNames();
const config::AliasMap& RateTypeAliases();
const std::vector<std::string>& FallbackNames();
const config::AliasMap& FallbackAliases();
// `previsao.previsor`: "auto" and every forecaster's name; `previsao.modo`.
const std::vector<std::string>& ForecasterNames();
const config::AliasMap& ForecasterAliases();
const std::vector<std::string>& ForecastModeNames();
const config::AliasMap& ForecastModeAliases();
std::string Spelling(ForecastMode m);
ForecastMode ParseForecastMode(absl::string_view s);

// Spelling <-> enum; the parse functions expect a name from the lists above.
std::string Spelling(SelectPolicy s);
std::string Spelling(RatePolicyType t);
std::string Spelling(FallbackBehavior b);
SelectPolicy ParseSelect(absl::string_view s);
RatePolicyType ParseRateType(absl::string_view s);
FallbackBehavior ParseFallback(absl::string_view s);

// Per-replica capacity at 100 % when `capacidade_por_replica` is absent (its unit:
// policy::MetricUnit).
double DefaultCapacity(MetricType m);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_KNOB_NAMES_H_
