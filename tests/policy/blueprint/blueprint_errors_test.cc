// Bad blueprints: every problem is an InvalidArgument line `FILE: JSON.path: what; todo`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "tests/policy/blueprint/test_blueprints.h"

namespace limiar::policy::blueprint {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::WithAutoscaleConfig;
using testing::WithResources;

std::vector<std::string> ErrorLines(const std::string& text) {
  auto b = LoadBlueprintText(text, "t.json");
  if (b.ok()) return {};
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  return absl::StrSplit(b.status().message(), '\n');
}

struct BadCase {
  const char* name;
  std::string text;
  // Expected at the start of one error line, after "t.json: ": the JSON path and the gist.
  std::string line_start;
  std::string todo;  // expected somewhere in that line ("" for no check)
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class BadBlueprintTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadBlueprintTest, ReportsPathAndGist) {
  const BadCase& c = GetParam();
  const std::vector<std::string> lines = ErrorLines(c.text);
  ASSERT_FALSE(lines.empty()) << "loaded without error";
  EXPECT_THAT(lines, Contains(AllOf(StartsWith("t.json: " + c.line_start), HasSubstr(c.todo))));
  // A likely typo of a required key is one problem, not two.
  if (absl::StrContains(c.line_start, "unknown key") && absl::StrContains(c.todo, "did you")) {
    EXPECT_THAT(lines, SizeIs(1));
  }
}

const std::string kCompute =
    R"({"tipo": "compute", "nome": "web", "config": {"replicas_min": 2, "replicas_max": 10}})";
std::string Autoscale(const std::string& name, const std::string& target,
                      const std::string& extra = "") {
  return absl::StrCat(R"({"tipo": "autoscale", "nome": ")", name,
                      R"(", "config": {"alvo_recurso_id": ")", target,
                      R"(", "metrica": "cpu", "limiar": 70)", extra, "}}");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadBlueprintTest,
    ::testing::Values(
        BadCase{"TopLevelNotObject", "[1, 2]", "(root): expected a blueprint object, got a list",
                "{\"nome\""},
        BadCase{"RecursosMissing", R"({"nome": "x"})", "(root): missing recursos", "add recursos"},
        BadCase{"RecursosNotList", R"({"nome": "x", "recursos": {}})",
                "recursos: expected a list, got an object", ""},
        BadCase{"TopLevelNearMiss", R"({"nome": "x", "recurso": []})", "recurso: unknown key",
                "did you mean recursos?"},
        BadCase{"ResourceNotObject", WithResources("3"),
                "recursos[0]: expected a resource object, got 3", ""},
        BadCase{"MissingNome", WithResources(R"({"tipo": "compute", "config": {}})"),
                "recursos[0]: missing nome", "unique nome"},
        BadCase{"DuplicateNome", WithResources(kCompute + "," + kCompute),
                "recursos[1].nome: duplicate nome \"web\"", "already used by recursos[0]"},
        BadCase{"UnknownTipo", WithResources(R"({"tipo": "computer", "nome": "x"})"),
                "recursos[0].tipo: unknown value \"computer\"", "did you mean compute?"},
        BadCase{"TipoNotString", WithResources(R"({"tipo": 7, "nome": "x"})"),
                "recursos[0].tipo: expected a string, got 7", ""},
        BadCase{"ConfigNotObject",
                WithResources(R"({"tipo": "compute", "nome": "x", "config": []})"),
                "recursos[0].config: expected an object, got a list", ""},
        BadCase{"NumberAsString", WithAutoscaleConfig(R"(, "tolerancia": "0.1")"),
                "recursos[1].config.tolerancia: expected a number, got the string \"0.1\"",
                "write 0.1 without quotes"},
        BadCase{"LimiarZero",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "cpu", "limiar": 0}})"),
                "recursos[1].config.limiar: limiar 0 is out of range (0, 100]", "typically 60"},
        BadCase{"LimiarAboveHundred",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "cpu", "limiar": 150}})"),
                "recursos[1].config.limiar: limiar 150 is out of range (0, 100]", ""},
        BadCase{"LimiarMissing",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "cpu"}})"),
                "recursos[1].config: missing limiar", "e.g. 70"},
        BadCase{"AutoscaleWithoutConfig",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s"})"),
                "recursos[1]: autoscale resource without config", "alvo_recurso_id"},
        BadCase{"ReplicasMinAboveMax", WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"replicas_min": 5, "replicas_max": 3}})"),
                "recursos[0].config.replicas_min: replicas_min 5 is greater than replicas_max 3",
                "lower replicas_min or raise replicas_max"},
        BadCase{"NegativeReplicas", WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"replicas_min": -1, "replicas_max": 3}})"),
                "recursos[0].config.replicas_min: negative value -1", "0 or more"},
        BadCase{"NonIntegerReplicas", WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"replicas_min": 1, "replicas_max": 2.5}})"),
                "recursos[0].config.replicas_max: expected a whole number, got 2.5",
                "write 2 or 3"},
        BadCase{"ReplicasMaxZero", WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"replicas_min": 0, "replicas_max": 0}})"),
                "recursos[0].config.replicas_max: 0 is below the minimum of 1", ""},
        BadCase{"ReplicaKeyNearMiss", WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"replicas_min": 1, "replica_max": 4}})"),
                "recursos[0].config.replica_max: unknown key", "did you mean replicas_max?"},
        BadCase{"ReplicaKeyHpaName", WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"minReplicas": 1, "replicas_max": 4}})"),
                "recursos[0].config.minReplicas: unknown key", "did you mean replicas_min?"},
        BadCase{"TargetWithoutReplicasMax",
                WithResources(R"({"tipo": "compute", "nome": "web", "config": {}},)" +
                              Autoscale("s", "web")),
                "recursos[0].config: compute web is scaled by s but has no replicas_max",
                "add replicas_max"},
        BadCase{"DanglingTarget", WithResources(kCompute + "," + Autoscale("s", "wbe")),
                "recursos[1].config.alvo_recurso_id: no resource named \"wbe\"",
                "did you mean web?"},
        BadCase{
            "TargetNotCompute",
            WithResources(kCompute + R"(, {"tipo": "datastore", "nome": "db", "config": {}}, )" +
                          Autoscale("s", "db")),
            "recursos[2].config.alvo_recurso_id: \"db\" is a datastore, not a compute",
            "point it at one of: web"},
        BadCase{"DanglingGatewayTarget",
                WithResources(kCompute + R"(, {"tipo": "gateway", "nome": "dns", "config":
                    {"dominio": "x.io", "alvo_recurso_id": "api"}})"),
                "recursos[1].config.alvo_recurso_id: no resource named \"api\"", ""},
        BadCase{"UnknownMetric",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "memory", "limiar": 70}})"),
                "recursos[1].config.metrica: unknown value \"memory\"",
                "use one of: cpu, requests, connections"},
        BadCase{"MetricAlias",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "rps", "limiar": 70}})"),
                "recursos[1].config.metrica: unknown value \"rps\"", "did you mean requests?"},
        BadCase{"UnknownKeyTypo", WithAutoscaleConfig(R"(, "tolerancia_subda": 0.1)"),
                "recursos[1].config.tolerancia_subda: unknown key",
                "did you mean tolerancia_subida?"},
        BadCase{"UnknownKeyTransposition",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "cpu", "limair": 70}})"),
                "recursos[1].config.limair: unknown key", "did you mean limiar?"},
        BadCase{"UnknownKeyForeignName", WithAutoscaleConfig(R"(, "cooldown_up": 30)"),
                "recursos[1].config.cooldown_up: unknown key", "did you mean espera_subida_s?"},
        BadCase{"UnknownKeyNoSuggestion", WithAutoscaleConfig(R"(, "xyzzy": 1)"),
                "recursos[1].config.xyzzy: unknown key", "docs/policy-keys.md"},
        BadCase{"NegativeDuration", WithAutoscaleConfig(R"(, "espera_subida_s": -5)"),
                "recursos[1].config.espera_subida_s: negative duration -5 s", "0 or more"},
        BadCase{"DurationAsGoString", WithAutoscaleConfig(R"(, "espera_descida_s": "5m")"),
                "recursos[1].config.espera_descida_s: expected a number of seconds, got the "
                "string \"5m\"",
                "write 300"},
        BadCase{"StabilizationAboveHpaLimit",
                WithAutoscaleConfig(R"(, "estabilizacao_descida_s": 7200)"),
                "recursos[1].config.estabilizacao_descida_s: 7200 s exceeds the maximum of "
                "3600 s",
                ""},
        BadCase{"ToleranceOne", WithAutoscaleConfig(R"(, "tolerancia_subida": 1)"),
                "recursos[1].config.tolerancia_subida: 1 is out of range [0, 1)", "fraction"},
        BadCase{"ToleranceNegative", WithAutoscaleConfig(R"(, "tolerancia": -0.1)"),
                "recursos[1].config.tolerancia: -0.1 is out of range [0, 1)", ""},
        BadCase{"RatePolicyType",
                WithAutoscaleConfig(
                    R"(, "politicas_subida": [{"tipo": "Pods", "valor": 4, "periodo_s": 15}])"),
                "recursos[1].config.politicas_subida[0].tipo: unknown value \"Pods\"",
                "did you mean pods?"},
        BadCase{"RatePolicyValue",
                WithAutoscaleConfig(
                    R"(, "politicas_descida": [{"tipo": "pods", "valor": 0, "periodo_s": 15}])"),
                "recursos[1].config.politicas_descida[0].valor: 0 is below the minimum of 1", ""},
        BadCase{"RatePolicyPeriodTooLong",
                WithAutoscaleConfig(
                    R"(, "politicas_subida": [{"tipo": "percent", "valor": 100,
                        "periodo_s": 2000}])"),
                "recursos[1].config.politicas_subida[0].periodo_s: 2000 s exceeds the maximum "
                "of 1800 s",
                ""},
        BadCase{"RatePolicyPeriodZero",
                WithAutoscaleConfig(
                    R"(, "politicas_subida": [{"tipo": "percent", "valor": 100, "periodo_s": 0}])"),
                "recursos[1].config.politicas_subida[0].periodo_s: a rate policy's period must "
                "be positive",
                ""},
        BadCase{"RatePolicyMissingPeriod",
                WithAutoscaleConfig(R"(, "politicas_subida": [{"tipo": "pods", "valor": 4}])"),
                "recursos[1].config.politicas_subida[0]: missing periodo_s", ""},
        BadCase{"RatePoliciesEmpty", WithAutoscaleConfig(R"(, "politicas_descida": [])"),
                "recursos[1].config.politicas_descida: empty list of rate policies",
                "selecao_* to desativado"},
        BadCase{"BadSelectPolicy", WithAutoscaleConfig(R"(, "selecao_descida": "disabled")"),
                "recursos[1].config.selecao_descida: unknown value \"disabled\"",
                "did you mean desativado?"},
        BadCase{"BadAlgorithm", WithAutoscaleConfig(R"(, "algoritmo": "knative")"),
                "recursos[1].config.algoritmo: unknown value \"knative\"", "did you mean kpa?"},
        BadCase{"BadMode", WithAutoscaleConfig(R"(, "modo": "dryrun")"),
                "recursos[1].config.modo: unknown value \"dryrun\"", "did you mean dry-run?"},
        BadCase{"KpaPanicThresholdRange",
                WithAutoscaleConfig(R"(, "algoritmo": "kpa", "limiar_panico_pct": 100)"),
                "recursos[1].config.limiar_panico_pct: 100 is out of range [110, 1000]", ""},
        BadCase{"KpaStableWindowTooShort",
                WithAutoscaleConfig(R"(, "algoritmo": "kpa", "janela_estavel_s": 3)"),
                "recursos[1].config.janela_estavel_s: 3 s is below the minimum of 6 s", ""},
        BadCase{"KpaScaleRateNotAboveOne",
                WithAutoscaleConfig(R"(, "algoritmo": "kpa", "taxa_max_descida": 1)"),
                "recursos[1].config.taxa_max_descida: 1 is out of range (1, inf)", ""},
        BadCase{"KpaBurstCapacity",
                WithAutoscaleConfig(R"(, "algoritmo": "kpa", "capacidade_rajada": -2)"),
                "recursos[1].config.capacidade_rajada: negative burst capacity -2",
                "-1 for unlimited"},
        BadCase{"KpaActivationAboveMax",
                WithAutoscaleConfig(R"(, "algoritmo": "kpa", "escala_ativacao": 11)"),
                "recursos[1].config.escala_ativacao: escala_ativacao 11 exceeds replicas_max 10",
                ""},
        BadCase{"ScheduleBadTime",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "27/11/2026 08:00",
                    "duracao_h": 6, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].inicio: not an RFC 3339 time",
                "2026-11-27T08:00:00Z"},
        BadCase{"ScheduleTimeWithoutZone",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00",
                    "duracao_h": 6, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].inicio: not an RFC 3339 time", "(UTC)"},
        BadCase{"ScheduleZeroDuration",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "duracao_h": 0, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].duracao_h: non-positive duration 0", ""},
        BadCase{"ScheduleLongerThanAYear",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "duracao_s": 3.6e7, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].duracao_s: duration 36000000 exceeds a year",
                ""},
        BadCase{"CooldownLongerThanAYear", WithAutoscaleConfig(R"(, "espera_subida_s": 1e12)"),
                "recursos[1].config.espera_subida_s: 1000000000000 s exceeds the maximum of "
                "31622400 s",
                ""},
        BadCase{"TargetWithInvalidMinAndNoMax",
                WithResources(R"({"tipo": "compute", "nome": "web", "config":
                    {"replicas_min": -2}},)" +
                              Autoscale("s", "web")),
                "recursos[0].config: compute web is scaled by s but has no replicas_max", ""},
        BadCase{"ScheduleBothDurations",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "duracao_h": 1, "duracao_s": 60, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0]: both duracao_s and duracao_h", "exactly one"},
        BadCase{"CronOutOfRange", WithAutoscaleConfig(R"(, "agendamentos": [{"cron": "0 25 * * 1-5",
                    "fuso": "America/Sao_Paulo", "duracao_h": 6, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].cron: hour 25 is out of range 0-23",
                "\"0 8 * * 1-5\" is 08:00 on weekdays"},
        BadCase{"CronUnknownZone", WithAutoscaleConfig(R"(, "agendamentos": [{"cron": "0 8 * * *",
                    "fuso": "America/Sao_Paolo", "duracao_h": 6, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].fuso: unknown time zone \"America/Sao_Paolo\"",
                "IANA name"},
        BadCase{"CronAndInicio", WithAutoscaleConfig(R"(, "agendamentos": [{"cron": "0 8 * * *",
                    "inicio": "2026-11-27T08:00:00Z", "duracao_h": 6, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0]: both inicio and cron", "keep one"},
        BadCase{"FusoWithoutCron",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "fuso": "UTC", "duracao_h": 6, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].fuso: fuso without cron", "drop fuso"},
        BadCase{"CronWindowOverAWeek", WithAutoscaleConfig(R"(, "agendamentos": [{"cron": "@weekly",
                    "duracao_h": 200, "minimo": 5}])"),
                "recursos[1].config.agendamentos[0].duracao_h: duration 200 exceeds the week",
                "at most 7 days"},
        BadCase{"ScheduleNoBounds",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "duracao_h": 6}])"),
                "recursos[1].config.agendamentos[0]: neither minimo nor maximo", ""},
        BadCase{"ScheduleMinAboveMax",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "duracao_h": 6, "minimo": 8, "maximo": 4}])"),
                "recursos[1].config.agendamentos[0].minimo: minimo 8 is greater than maximo 4", ""},
        BadCase{"ScheduleMinAboveReplicasMax",
                WithAutoscaleConfig(R"(, "agendamentos": [{"inicio": "2026-11-27T08:00:00Z",
                    "duracao_h": 6, "minimo": 50}])"),
                "recursos[1].config.agendamentos[0].minimo: minimo 50 exceeds replicas_max 10",
                "raise the compute's replicas_max"},
        BadCase{"ScheduleDuplicateNames", WithAutoscaleConfig(R"(, "agendamentos": [
                    {"nome": "a", "inicio": "2026-11-27T08:00:00Z", "duracao_h": 1, "minimo": 5},
                    {"nome": "a", "inicio": "2026-11-28T08:00:00Z", "duracao_h": 1, "minimo": 5}])"),
                "recursos[1].config.agendamentos[1].nome: duplicate nome \"a\"", ""},
        BadCase{"FallbackReplicasOutOfRange",
                WithAutoscaleConfig(R"(, "contingencia": {"replicas": 40})"),
                "recursos[1].config.contingencia.replicas: fallback replicas 40 is outside "
                "replicas_min..replicas_max (2..10)",
                ""},
        BadCase{"FallbackMissingReplicas",
                WithAutoscaleConfig(R"(, "contingencia": {"falhas": 3})"),
                "recursos[1].config.contingencia: missing replicas", ""},
        BadCase{"FallbackBadBehaviour",
                WithAutoscaleConfig(
                    R"(, "contingencia": {"replicas": 4, "comportamento": "currentReplicas"})"),
                "recursos[1].config.contingencia.comportamento: unknown value "
                "\"currentReplicas\"",
                "did you mean atual?"},
        BadCase{"FallbackZeroFailures",
                WithAutoscaleConfig(R"(, "contingencia": {"replicas": 4, "falhas": 0})"),
                "recursos[1].config.contingencia.falhas: 0 is below the minimum of 1", ""},
        BadCase{"ForecasterUnknown",
                WithAutoscaleConfig(R"(, "previsao": {"previsor": "holt_winters"})"),
                "recursos[1].config.previsao.previsor: unknown value \"holt_winters\"",
                "did you mean holt_winters_add?"},
        BadCase{"ForecastModeEnglish",
                WithAutoscaleConfig(R"(, "previsao": {"modo": "forecast-only"})"),
                "recursos[1].config.previsao.modo: unknown value \"forecast-only\"",
                "did you mean so_previsao?"},
        BadCase{"ForecastHistoryTooLong",
                WithAutoscaleConfig(R"(, "previsao": {"historico_dias": 365})"),
                "recursos[1].config.previsao.historico_dias: 365 exceeds the maximum of 90", ""},
        BadCase{"ForecastMarginNegative",
                WithAutoscaleConfig(R"(, "previsao": {"margem_pct": -5})"),
                "recursos[1].config.previsao.margem_pct: -5", "0 to 1000"},
        BadCase{"ForecastUnknownKey", WithAutoscaleConfig(R"(, "previsao": {"horizon": 60})"),
                "recursos[1].config.previsao.horizon: unknown key", "did you mean antecedencia_s?"},
        BadCase{"ForecastNotAnObject", WithAutoscaleConfig(R"(, "previsao": true)"),
                "recursos[1].config.previsao: ", "\"previsor\": \"auto\""},
        BadCase{"CapacityZero",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "requests", "limiar": 70,
                     "capacidade_por_replica": 0}})"),
                "recursos[1].config.capacidade_por_replica: capacity 0 is not positive",
                "requests/s for requests"},
        BadCase{"DuplicateMetricOnOneCompute",
                WithResources(kCompute + "," + Autoscale("a", "web") + "," + Autoscale("b", "web")),
                "recursos[2].config.metrica: compute web already scales on cpu through a",
                "merge the two"},
        BadCase{"ConflictingTargetKnobs",
                WithResources(kCompute + "," + Autoscale("a", "web", R"(, "espera_subida_s": 30)") +
                              "," +
                              R"({"tipo": "autoscale", "nome": "b", "config":
                                  {"alvo_recurso_id": "web", "metrica": "requests",
                                   "limiar": 70, "capacidade_por_replica": 10,
                                   "espera_subida_s": 60}})"),
                "recursos[2].config.espera_subida_s: espera_subida_s 60 conflicts with 30 at "
                "recursos[1].config.espera_subida_s",
                "share its target-level knobs"},
        BadCase{
            "ConflictThroughToleranceShorthand",
            WithResources(kCompute + "," + Autoscale("a", "web", R"(, "tolerancia": 0.2)") + "," +
                          R"({"tipo": "autoscale", "nome": "b", "config":
                                  {"alvo_recurso_id": "web", "metrica": "requests",
                                   "limiar": 70, "capacidade_por_replica": 10,
                                   "tolerancia_subida": 0.3}})"),
            "recursos[2].config.tolerancia_subida: tolerancia_subida 0.3 conflicts with 0.2 "
            "at recursos[1].config.tolerancia",
            ""},
        BadCase{"DuplicateJsonKey",
                WithResources(kCompute + R"(, {"tipo": "autoscale", "nome": "s", "config":
                    {"alvo_recurso_id": "web", "metrica": "cpu", "limiar": 70,
                     "limiar": 80}})"),
                "recursos[1].config.limiar: duplicate key", "remove the other"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BadBlueprint, SyntaxErrorNamesLineAndColumn) {
  auto b = LoadBlueprintFile(testing::SourceDir() +
                             "/tests/policy/blueprint/testdata/syntax_error.json");
  ASSERT_FALSE(b.ok());
  const std::string msg(b.status().message());
  EXPECT_THAT(msg, HasSubstr("syntax_error.json:4:"));
  EXPECT_THAT(msg, HasSubstr(": invalid JSON: "));
  EXPECT_THAT(msg, HasSubstr("missing comma"));
  // No nlohmann prefix: the location is ours.
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("json.exception")));
}

TEST(BadBlueprint, SyntaxErrorPositions) {
  auto b = LoadBlueprintText("{\n  \"nome\": \"x\",\n  }\n", "t.json");
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(std::string(b.status().message()), StartsWith("t.json:3:3: invalid JSON: "));
  b = LoadBlueprintText("", "empty.json");
  EXPECT_THAT(std::string(b.status().message()), StartsWith("empty.json:1:1: invalid JSON: "));
}

// The column is the first byte of the token the parser choked on, not the byte where it
// noticed: `nome: Acme` is wrong from its "n" (nlohmann stops reading at the "o").
TEST(BadBlueprint, SyntaxErrorColumnIsWhereTheBadTokenStarts) {
  const struct {
    std::string text;
    std::string want;
  } cases[] = {
      {"nome: Acme", "t.json:1:1: "},
      {"{\n  nome: Acme\n}", "t.json:2:3: "},
      {"{\"nome\": tru}", "t.json:1:10: "},                          // a literal cut short
      {"{\"nome\": \"x\", \"recursos\": [1 23]}", "t.json:1:30: "},  // an unexpected number
      {"{\"nome\" true}", "t.json:1:9: "},                           // an unexpected literal
      {"{\"nome\": \"a\tb\"}", "t.json:1:12: "},  // inside a string: the bad byte
      {"{\"nome\": nul", "t.json:1:10: "},
  };
  for (const auto& c : cases) {
    auto b = LoadBlueprintText(c.text, "t.json");
    ASSERT_FALSE(b.ok()) << c.text;
    EXPECT_THAT(std::string(b.status().message()), StartsWith(c.want + "invalid JSON: ")) << c.text;
  }
}

TEST(BadBlueprint, ReportsEveryProblemNotOnlyTheFirst) {
  auto b =
      LoadBlueprintFile(testing::SourceDir() + "/tests/policy/blueprint/testdata/many_errors.json");
  ASSERT_FALSE(b.ok());
  const std::vector<std::string> lines = absl::StrSplit(b.status().message(), '\n');
  for (const std::string& l : lines) EXPECT_THAT(l, HasSubstr("many_errors.json: recursos["));
  EXPECT_THAT(lines, Contains(HasSubstr("recursos[0].config.replicas_min: replicas_min 6 is "
                                        "greater than replicas_max 4")));
  EXPECT_THAT(lines, Contains(HasSubstr("recursos[2].config.metrica: unknown value \"rps\"; "
                                        "did you mean requests?")));
  EXPECT_THAT(lines, Contains(HasSubstr("recursos[2].config.limiar: limiar 165")));
  EXPECT_THAT(lines, Contains(HasSubstr("recursos[2].config.tolerancia: 1.5 is out of range")));
  EXPECT_THAT(lines, Contains(HasSubstr("recursos[2].config.cooldown_up: unknown key; did you "
                                        "mean espera_subida_s?")));
  EXPECT_THAT(lines, Contains(HasSubstr("recursos[3].config.alvo_recurso_id: \"cache\" is a "
                                        "datastore, not a compute")));
  EXPECT_THAT(lines, SizeIs(6));
}

TEST(BadBlueprint, UnreadableFileIsNotFound) {
  auto b = LoadBlueprintFile("/nonexistent/blueprint.json");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(b.status().message()),
              StartsWith("/nonexistent/blueprint.json: cannot read the blueprint: No such file"));
}

TEST(BadBlueprint, TesserraKeysLimiarDoesNotReadAreAccepted) {
  auto b = LoadBlueprintText(WithResources(R"(
      {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 3,
       "memoria_mb": 512, "env": {"A": "1"}}},
      {"tipo": "sentinel", "nome": "waf", "config": {"modo": "bloquear", "regras": [1]}},
      {"tipo": "datastore", "nome": "db", "config": {"engine": "postgres", "anything": 1}})"),
                             "t.json");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->targets.empty());
  EXPECT_EQ(b->unmanaged_computes, std::vector<std::string>{"web"});
}

}  // namespace
}  // namespace limiar::policy::blueprint
