// Knob parsing, defaults and provenance.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/policy/blueprint/blueprint_loader.h"
#include "tests/policy/blueprint/test_blueprints.h"

namespace limiar::policy::blueprint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::WithAutoscaleConfig;
using testing::WithResources;

TargetPolicy LoadOne(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  auto b = LoadBlueprintText(text, "t.json");
  EXPECT_TRUE(b.ok()) << b.status();
  if (!b.ok() || b->targets.size() != 1) {
    ADD_FAILURE() << "expected one target";
    return {};
  }
  if (warnings) *warnings = b->warnings;
  return b->targets[0];
}

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

TEST(Knobs, DefaultsAreTheAnchorsAndSayDefault) {
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(""));
  EXPECT_EQ(p.algorithm, Algorithm::kHpa);
  EXPECT_EQ(p.mode, Mode::kEnforce);
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_up, 0.1);
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_down, 0.1);
  EXPECT_FALSE(p.hpa.behavior.has_value());
  EXPECT_EQ(p.hpa.downscale_stabilization, absl::Seconds(300));
  EXPECT_EQ(p.hpa.cpu_initialization_period, absl::Seconds(300));
  EXPECT_EQ(p.hpa.initial_readiness_delay, absl::Seconds(30));
  EXPECT_EQ(p.kpa.stable_window, absl::Seconds(60));
  EXPECT_EQ(p.cooldown_up, absl::ZeroDuration());
  EXPECT_TRUE(p.schedules.empty());
  EXPECT_FALSE(p.fallback.has_value());
  for (const char* k : {"algoritmo",
                        "modo",
                        "tolerancia_subida",
                        "tolerancia_descida",
                        "estabilizacao_subida_s",
                        "estabilizacao_descida_s",
                        "politicas_subida",
                        "politicas_descida",
                        "selecao_subida",
                        "selecao_descida",
                        "periodo_inicializacao_cpu_s",
                        "atraso_prontidao_inicial_s",
                        "limite_subida_legado_fator",
                        "limite_subida_legado_minimo",
                        "janela_estavel_s",
                        "janela_panico_pct",
                        "limiar_panico_pct",
                        "taxa_max_subida",
                        "taxa_max_descida",
                        "capacidade_rajada",
                        "atraso_descida_s",
                        "escala_ativacao",
                        "espera_subida_s",
                        "espera_descida_s",
                        "agendamentos",
                        "contingencia"}) {
    ASSERT_TRUE(p.provenance.count(k)) << k;
    EXPECT_EQ(p.provenance.at(k), Origin::kDefault) << k;
  }
  EXPECT_EQ(p.provenance.at("replicas_min"), Origin::kBlueprint);
  EXPECT_EQ(p.provenance.at("limiar[scale]"), Origin::kBlueprint);
  EXPECT_EQ(p.provenance.at("capacidade_por_replica[scale]"), Origin::kBlueprint);
}

TEST(Knobs, ToleranceShorthandAndPerDirectionOverride) {
  TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(, "tolerancia": 0.2)"));
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_up, 0.2);
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_down, 0.2);
  EXPECT_EQ(p.provenance.at("tolerancia_subida"), Origin::kBlueprint);
  EXPECT_EQ(p.provenance.at("tolerancia_descida"), Origin::kBlueprint);

  p = LoadOne(WithAutoscaleConfig(R"(, "tolerancia": 0.2, "tolerancia_descida": 0)"));
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_up, 0.2);
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_down, 0.0);
}

TEST(Knobs, DownscaleStabilizationKeepsTheLegacyPath) {
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(, "estabilizacao_descida_s": 120)"));
  EXPECT_FALSE(p.hpa.behavior.has_value());
  EXPECT_EQ(p.hpa.downscale_stabilization, absl::Seconds(120));
  EXPECT_EQ(p.provenance.at("estabilizacao_descida_s"), Origin::kBlueprint);
}

TEST(Knobs, AnyBehaviorKeyTurnsOnBehaviorWithHpaDefaultsPerField) {
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(, "selecao_descida": "desativado")"));
  ASSERT_TRUE(p.hpa.behavior.has_value());
  const HpaBehavior& b = *p.hpa.behavior;
  EXPECT_EQ(b.scale_down.select_policy, SelectPolicy::kDisabled);
  // The fields not set keep HPA's defaults.
  EXPECT_EQ(b.scale_up.stabilization_window, absl::ZeroDuration());
  EXPECT_FALSE(b.scale_down.stabilization_window.has_value());
  ASSERT_EQ(b.scale_up.policies.size(), 2u);
  EXPECT_EQ(b.scale_up.policies[0].type, RatePolicyType::kPods);
  EXPECT_EQ(b.scale_up.policies[0].value, 4);
  EXPECT_EQ(b.scale_up.policies[1].type, RatePolicyType::kPercent);
  EXPECT_EQ(b.scale_up.policies[1].value, 100);
  EXPECT_EQ(p.provenance.at("selecao_descida"), Origin::kBlueprint);
  EXPECT_EQ(p.provenance.at("politicas_subida"), Origin::kDefault);
}

TEST(Knobs, RatePoliciesAndWindows) {
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(,
      "estabilizacao_subida_s": 30,
      "politicas_subida": [{"tipo": "percent", "valor": 50, "periodo_s": 60}],
      "politicas_descida": [{"tipo": "pods", "valor": 2, "periodo_s": 30.5}],
      "selecao_subida": "min")"));
  ASSERT_TRUE(p.hpa.behavior.has_value());
  EXPECT_EQ(p.hpa.behavior->scale_up.stabilization_window, absl::Seconds(30));
  EXPECT_EQ(p.hpa.behavior->scale_up.select_policy, SelectPolicy::kMin);
  ASSERT_EQ(p.hpa.behavior->scale_up.policies.size(), 1u);
  EXPECT_EQ(p.hpa.behavior->scale_up.policies[0].type, RatePolicyType::kPercent);
  EXPECT_EQ(p.hpa.behavior->scale_up.policies[0].value, 50);
  EXPECT_EQ(p.hpa.behavior->scale_up.policies[0].period, absl::Seconds(60));
  ASSERT_EQ(p.hpa.behavior->scale_down.policies.size(), 1u);
  EXPECT_EQ(p.hpa.behavior->scale_down.policies[0].period, absl::Milliseconds(30500));
  EXPECT_EQ(p.hpa.behavior->scale_down.select_policy, SelectPolicy::kMax);
}

TEST(Knobs, HpaControllerKnobs) {
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(,
      "periodo_inicializacao_cpu_s": 120, "atraso_prontidao_inicial_s": 10,
      "limite_subida_legado_fator": 8, "limite_subida_legado_minimo": 5)"));
  EXPECT_EQ(p.hpa.cpu_initialization_period, absl::Seconds(120));
  EXPECT_EQ(p.hpa.initial_readiness_delay, absl::Seconds(10));
  EXPECT_DOUBLE_EQ(p.hpa.legacy_scale_up_limit_factor, 8);
  EXPECT_DOUBLE_EQ(p.hpa.legacy_scale_up_limit_minimum, 5);
  EXPECT_EQ(p.provenance.at("limite_subida_legado_fator"), Origin::kBlueprint);
}

TEST(Knobs, KpaKnobs) {
  std::vector<std::string> warnings;
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(, "algoritmo": "kpa",
      "janela_estavel_s": 90, "janela_panico_pct": 20, "limiar_panico_pct": 300,
      "taxa_max_subida": 10, "taxa_max_descida": 4, "capacidade_rajada": -1,
      "atraso_descida_s": 30, "escala_ativacao": 3)"),
                                 &warnings);
  EXPECT_EQ(p.algorithm, Algorithm::kKpa);
  EXPECT_EQ(p.kpa.stable_window, absl::Seconds(90));
  EXPECT_DOUBLE_EQ(p.kpa.panic_window_percentage, 20);
  EXPECT_DOUBLE_EQ(p.kpa.panic_threshold_percentage, 300);
  EXPECT_DOUBLE_EQ(p.kpa.max_scale_up_rate, 10);
  EXPECT_DOUBLE_EQ(p.kpa.max_scale_down_rate, 4);
  EXPECT_DOUBLE_EQ(p.kpa.target_burst_capacity, -1);
  EXPECT_EQ(p.kpa.scale_down_delay, absl::Seconds(30));
  EXPECT_EQ(p.kpa.activation_scale, 3);
  EXPECT_EQ(p.provenance.at("janela_estavel_s"), Origin::kBlueprint);
  EXPECT_EQ(p.provenance.at("tolerancia_subida"), Origin::kDefault);
  EXPECT_TRUE(warnings.empty());
}

TEST(Knobs, ModesCooldowns) {
  TargetPolicy p = LoadOne(WithAutoscaleConfig(
      R"(, "modo": "dry-run", "espera_subida_s": 45, "espera_descida_s": 600)"));
  EXPECT_EQ(p.mode, Mode::kDryRun);
  EXPECT_EQ(p.cooldown_up, absl::Seconds(45));
  EXPECT_EQ(p.cooldown_down, absl::Seconds(600));
  EXPECT_EQ(p.provenance.at("espera_subida_s"), Origin::kBlueprint);
  p = LoadOne(WithAutoscaleConfig(R"(, "modo": "paused")"));
  EXPECT_EQ(p.mode, Mode::kPaused);
}

TEST(Knobs, SchedulesAcceptRfc3339VariantsAndBothDurationUnits) {
  const TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(, "agendamentos": [
      {"nome": "sale", "inicio": "2026-11-27T08:00:00Z", "duracao_h": 6, "minimo": 8},
      {"inicio": "2026-11-27T08:00Z", "duracao_s": 90, "maximo": 5},
      {"nome": "br", "inicio": "2026-11-27T05:00:00-03:00", "duracao_h": 0.5,
       "minimo": 3, "maximo": 9}])"));
  ASSERT_EQ(p.schedules.size(), 3u);
  EXPECT_EQ(p.schedules[0].name, "sale");
  EXPECT_EQ(p.schedules[0].start, Utc(2026, 11, 27, 8, 0));
  EXPECT_EQ(p.schedules[0].duration, absl::Hours(6));
  EXPECT_EQ(p.schedules[0].min_replicas, 8);
  EXPECT_FALSE(p.schedules[0].max_replicas.has_value());
  EXPECT_EQ(p.schedules[1].name, "agendamentos[1]");
  EXPECT_EQ(p.schedules[1].start, Utc(2026, 11, 27, 8, 0));
  EXPECT_EQ(p.schedules[1].duration, absl::Seconds(90));
  EXPECT_EQ(p.schedules[1].max_replicas, 5);
  EXPECT_EQ(p.schedules[2].start, Utc(2026, 11, 27, 8, 0));
  EXPECT_EQ(p.schedules[2].duration, absl::Minutes(30));
  EXPECT_EQ(p.provenance.at("agendamentos"), Origin::kBlueprint);
}

TEST(Knobs, FallbackDefaultsAndBehaviours) {
  TargetPolicy p = LoadOne(WithAutoscaleConfig(R"(, "contingencia": {"replicas": 6})"));
  ASSERT_TRUE(p.fallback.has_value());
  EXPECT_EQ(p.fallback->failure_threshold, 3);
  EXPECT_EQ(p.fallback->replicas, 6);
  EXPECT_EQ(p.fallback->behavior, FallbackBehavior::kStatic);
  EXPECT_EQ(p.provenance.at("contingencia"), Origin::kBlueprint);

  const std::pair<const char*, FallbackBehavior> cases[] = {
      {"estatico", FallbackBehavior::kStatic},
      {"atual", FallbackBehavior::kCurrentReplicas},
      {"se_maior", FallbackBehavior::kIfHigher},
      {"se_menor", FallbackBehavior::kIfLower}};
  for (const auto& [name, behavior] : cases) {
    p = LoadOne(WithAutoscaleConfig(absl::StrCat(
        R"(, "contingencia": {"falhas": 5, "replicas": 4, "comportamento": ")", name, "\"}")));
    ASSERT_TRUE(p.fallback.has_value()) << name;
    EXPECT_EQ(p.fallback->behavior, behavior) << name;
    EXPECT_EQ(p.fallback->failure_threshold, 5);
  }
  // `atual` keeps the current count and needs no replicas.
  p = LoadOne(WithAutoscaleConfig(R"(, "contingencia": {"comportamento": "atual"})"));
  EXPECT_EQ(p.fallback->behavior, FallbackBehavior::kCurrentReplicas);
}

TEST(Knobs, MissingReplicasMinDefaultsToOne) {
  const TargetPolicy p = LoadOne(WithResources(R"(
      {"tipo": "compute", "nome": "web", "config": {"replicas_max": 5}},
      {"tipo": "autoscale", "nome": "s", "config": {"alvo_recurso_id": "web",
       "metrica": "cpu", "limiar": 60}})"));
  EXPECT_EQ(p.min_replicas, 1);
  EXPECT_EQ(p.max_replicas, 5);
  EXPECT_EQ(p.provenance.at("replicas_min"), Origin::kDefault);
  EXPECT_EQ(p.provenance.at("replicas_max"), Origin::kBlueprint);
}

TEST(Knobs, DefaultCapacityPerMetricWarnsForRequestsAndConnections) {
  auto b = LoadBlueprintText(WithResources(R"(
      {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 5}},
      {"tipo": "autoscale", "nome": "c", "config": {"alvo_recurso_id": "web",
       "metrica": "cpu", "limiar": 60}},
      {"tipo": "autoscale", "nome": "r", "config": {"alvo_recurso_id": "web",
       "metrica": "requests", "limiar": 60}},
      {"tipo": "autoscale", "nome": "n", "config": {"alvo_recurso_id": "web",
       "metrica": "connections", "limiar": 60}})"),
                             "t.json");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->targets.size(), 1u);
  const TargetPolicy& p = b->targets[0];
  ASSERT_EQ(p.metrics.size(), 3u);
  EXPECT_DOUBLE_EQ(p.metrics[0].capacity_per_replica, 1.0);
  EXPECT_DOUBLE_EQ(p.metrics[1].capacity_per_replica, 100.0);
  EXPECT_DOUBLE_EQ(p.metrics[2].capacity_per_replica, 1000.0);
  EXPECT_EQ(p.provenance.at("capacidade_por_replica[c]"), Origin::kDefault);
  EXPECT_THAT(
      b->warnings,
      ElementsAre("recursos[2].config: no capacidade_por_replica for metric requests; assuming "
                  "the default 100 requests/s per replica; set it to your replica's measured "
                  "capacity",
                  HasSubstr("recursos[3].config: no capacidade_por_replica for metric "
                            "connections; assuming the default 1000 connections")));
}

TEST(Knobs, SeveralAutoscaleResourcesCombineOnOneTarget) {
  auto b = LoadBlueprintText(WithResources(R"(
      {"tipo": "compute", "nome": "web", "config": {"replicas_min": 2, "replicas_max": 9}},
      {"tipo": "compute", "nome": "idle", "config": {"replicas_min": 1, "replicas_max": 1}},
      {"tipo": "autoscale", "nome": "by-cpu", "config": {"alvo_recurso_id": "web",
       "metrica": "cpu", "limiar": 60, "espera_subida_s": 30, "modo": "dry-run"}},
      {"tipo": "autoscale", "nome": "by-rps", "config": {"alvo_recurso_id": "web",
       "metrica": "requests", "limiar": 80, "capacidade_por_replica": 200,
       "modo": "dry-run", "tolerancia": 0.05}})"),
                             "t.json");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->targets.size(), 1u);
  EXPECT_EQ(b->unmanaged_computes, std::vector<std::string>{"idle"});
  const TargetPolicy& p = b->targets[0];
  EXPECT_EQ(p.target, "web");
  ASSERT_EQ(p.metrics.size(), 2u);
  EXPECT_EQ(p.metrics[0].autoscale_resource, "by-cpu");
  EXPECT_EQ(p.metrics[0].metric, MetricType::kCpu);
  EXPECT_EQ(p.metrics[1].autoscale_resource, "by-rps");
  EXPECT_DOUBLE_EQ(p.metrics[1].target_percent, 80);
  EXPECT_DOUBLE_EQ(p.metrics[1].capacity_per_replica, 200);
  // Target-level knobs come from whichever resource sets them; equal values agree.
  EXPECT_EQ(p.mode, Mode::kDryRun);
  EXPECT_EQ(p.cooldown_up, absl::Seconds(30));
  EXPECT_DOUBLE_EQ(p.hpa.tolerance_up, 0.05);
}

TEST(Knobs, IneffectiveKnobsWarn) {
  std::vector<std::string> w;
  LoadOne(WithAutoscaleConfig(R"(, "janela_estavel_s": 30)"), &w);
  EXPECT_THAT(w, ElementsAre(HasSubstr("recursos[1].config.janela_estavel_s: has no effect: "
                                       "algoritmo is hpa")));
  LoadOne(WithAutoscaleConfig(R"(, "algoritmo": "kpa", "tolerancia": 0.2)"), &w);
  EXPECT_THAT(w, ElementsAre(HasSubstr("recursos[1].config.tolerancia: has no effect: "
                                       "algoritmo is kpa")));
  LoadOne(WithAutoscaleConfig(R"(, "selecao_subida": "max", "limite_subida_legado_fator": 3)"), &w);
  EXPECT_THAT(w, ElementsAre(HasSubstr("limite_subida_legado_fator: has no effect: a behavior "
                                       "key is set")));
}

TEST(Knobs, LimiarOfHundredIsAllowedWithAWarning) {
  auto b = LoadBlueprintText(WithResources(R"(
      {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 5}},
      {"tipo": "autoscale", "nome": "s", "config": {"alvo_recurso_id": "web",
       "metrica": "cpu", "limiar": 100}})"),
                             "t.json");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_DOUBLE_EQ(b->targets[0].metrics[0].target_percent, 100);
  EXPECT_THAT(b->warnings, ElementsAre(HasSubstr("recursos[1].config.limiar: limiar 100 leaves "
                                                 "no headroom")));
}

TEST(Knobs, SchedulesWithoutEffectWarn) {
  std::vector<std::string> w;
  LoadOne(WithAutoscaleConfig(R"(, "agendamentos": [
      {"inicio": "2026-11-27T08:00:00Z", "duracao_h": 1, "minimo": 2},
      {"inicio": "2026-11-28T08:00:00Z", "duracao_h": 1, "maximo": 10},
      {"inicio": "2026-11-29T08:00:00Z", "duracao_h": 1, "maximo": 1}])"),
          &w);
  EXPECT_THAT(w, ElementsAre(HasSubstr("agendamentos[0].minimo: minimo 2 is not above"),
                             HasSubstr("agendamentos[1].maximo: maximo 10 is not below"),
                             HasSubstr("agendamentos[2].maximo: maximo 1 is below replicas_min")));
}

TEST(Knobs, FlashSaleExample) {
  auto b = LoadBlueprintFile(testing::SourceDir() + "/examples/flash-sale-tuned.json");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->targets.size(), 2u);
  const TargetPolicy& store = b->targets[0];
  EXPECT_EQ(store.target, "storefront");
  ASSERT_EQ(store.metrics.size(), 2u);
  EXPECT_EQ(store.metrics[1].metric, MetricType::kCpu);
  EXPECT_DOUBLE_EQ(store.metrics[1].capacity_per_replica, 0.5);
  EXPECT_DOUBLE_EQ(store.hpa.tolerance_up, 0.05);
  EXPECT_DOUBLE_EQ(store.hpa.tolerance_down, 0.15);
  EXPECT_EQ(store.hpa.downscale_stabilization, absl::Seconds(600));
  ASSERT_TRUE(store.hpa.behavior.has_value());
  EXPECT_EQ(store.hpa.behavior->scale_down.select_policy, SelectPolicy::kMin);
  EXPECT_EQ(store.hpa.behavior->scale_up.policies[1].value, 200);
  EXPECT_EQ(store.cooldown_up, absl::Seconds(30));
  ASSERT_EQ(store.schedules.size(), 3u);
  EXPECT_EQ(store.schedules[1].start, Utc(2026, 11, 30, 11, 0));
  EXPECT_EQ(store.schedules[2].start, Utc(2026, 11, 26, 23, 0));
  ASSERT_TRUE(store.fallback.has_value());
  EXPECT_EQ(store.fallback->behavior, FallbackBehavior::kIfHigher);
  const TargetPolicy& checkout = b->targets[1];
  EXPECT_EQ(checkout.algorithm, Algorithm::kKpa);
  EXPECT_EQ(checkout.mode, Mode::kDryRun);
  EXPECT_DOUBLE_EQ(checkout.kpa.panic_threshold_percentage, 150);
  EXPECT_EQ(checkout.kpa.scale_down_delay, absl::Seconds(120));
}

}  // namespace
}  // namespace limiar::policy::blueprint
