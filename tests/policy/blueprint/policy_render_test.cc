// ResolvedPolicyToJson and the text table show every knob, its value and its source.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/blueprint/knob_view.h"
#include "src/policy/blueprint/policy_json.h"
#include "src/policy/blueprint/policy_table.h"
#include "src/policy/blueprint/target_builder.h"
#include "tests/policy/blueprint/test_blueprints.h"

namespace limiar::policy::blueprint {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

TargetPolicy Load(const std::string& extra) {
  auto b = LoadBlueprintText(testing::WithAutoscaleConfig(extra), "t.json");
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? b->targets.at(0) : TargetPolicy{};
}

TEST(DescribeKnobs, CoversEveryProvenanceKey) {
  std::set<std::string> described;
  for (const KnobView& k : DescribeKnobs(Load(""))) described.insert(k.key);
  std::set<std::string> expected(TargetKnobKeys().begin(), TargetKnobKeys().end());
  expected.insert("replicas_min");
  expected.insert("replicas_max");
  EXPECT_EQ(described, expected);
}

TEST(ResolvedPolicyToJson, ValuesSourcesAndNotes) {
  const json j = ResolvedPolicyToJson(Load(R"(, "espera_subida_s": 45, "tolerancia": 0.2,
      "agendamentos": [{"nome": "sale", "inicio": "2026-11-27T08:00Z", "duracao_h": 6,
                        "minimo": 8}],
      "contingencia": {"replicas": 4, "comportamento": "se_menor"})"));
  EXPECT_EQ(j["target"], "web");
  EXPECT_EQ(j["hpa_path"], "legacy");
  ASSERT_EQ(j["metrics"].size(), 1u);
  EXPECT_EQ(j["metrics"][0]["autoscale"], "scale");
  EXPECT_EQ(j["metrics"][0]["metrica"], "requests");
  EXPECT_EQ(j["metrics"][0]["limiar"]["value"], 70);
  EXPECT_EQ(j["metrics"][0]["capacidade_por_replica"],
            json({{"value", 50}, {"unit", "requests/s"}, {"source", "blueprint"}}));

  const json& k = j["knobs"];
  EXPECT_EQ(k["espera_subida_s"], json({{"value", 45}, {"source", "blueprint"}}));
  EXPECT_EQ(k["espera_descida_s"], json({{"value", 0}, {"source", "default"}}));
  EXPECT_EQ(k["tolerancia_descida"]["value"], 0.2);
  EXPECT_EQ(k["tolerancia_descida"]["source"], "blueprint");
  EXPECT_EQ(k["estabilizacao_descida_s"]["value"], 300);
  EXPECT_EQ(k["replicas_min"]["value"], 2);
  EXPECT_EQ(k["algoritmo"]["value"], "hpa");
  EXPECT_EQ(k["modo"]["value"], "enforce");
  // Values are in blueprint form, ready to paste back into a config.
  EXPECT_EQ(k["agendamentos"]["value"],
            json::parse(R"([{"nome": "sale", "inicio": "2026-11-27T08:00:00Z",
                             "duracao_s": 21600, "minimo": 8}])"));
  EXPECT_EQ(k["contingencia"]["value"],
            json({{"falhas", 3}, {"replicas", 4}, {"comportamento", "se_menor"}}));
  EXPECT_EQ(k["politicas_subida"]["value"],
            json::parse(R"([{"tipo": "pods", "valor": 4, "periodo_s": 15},
                            {"tipo": "percent", "valor": 100, "periodo_s": 15}])"));
  // Knobs the policy does not read say why.
  EXPECT_EQ(k["politicas_subida"]["note"],
            "unused: legacy HPA path (set a behavior key to use it)");
  EXPECT_EQ(k["janela_estavel_s"]["note"], "unused: algoritmo is hpa");
  EXPECT_FALSE(k["espera_subida_s"].contains("note"));
  EXPECT_EQ(k.size(), TargetKnobKeys().size() + 2);
}

TEST(ResolvedPolicyToJson, BehaviorPathAndKpa) {
  json j = ResolvedPolicyToJson(Load(R"(, "selecao_subida": "min")"));
  EXPECT_EQ(j["hpa_path"], "behavior");
  EXPECT_FALSE(j["knobs"]["selecao_subida"].contains("note"));
  EXPECT_EQ(j["knobs"]["limite_subida_legado_fator"]["note"], "unused: behavior path");

  j = ResolvedPolicyToJson(Load(R"(, "algoritmo": "kpa", "capacidade_rajada": -1)"));
  EXPECT_EQ(j["knobs"]["capacidade_rajada"], json({{"value", -1}, {"source", "blueprint"}}));
  EXPECT_EQ(j["knobs"]["tolerancia_subida"]["note"], "unused: algoritmo is kpa");
}

TEST(RenderPolicyTable, EveryKnobWithValueAndSource) {
  const std::string t = RenderPolicyTable(Load(R"(, "espera_subida_s": 45, "agendamentos": [
      {"nome": "a", "inicio": "2026-11-27T08:00:00Z", "duracao_h": 6, "minimo": 8},
      {"nome": "b", "inicio": "2026-11-28T08:00:00Z", "duracao_h": 1, "maximo": 5}])"));
  EXPECT_THAT(t, HasSubstr("target web: hpa, enforce, replicas 2..10, HPA legacy path\n"));
  EXPECT_THAT(t, HasSubstr("requests  70%     50 requests/s"));
  for (const std::string& k : TargetKnobKeys()) EXPECT_THAT(t, HasSubstr("  " + k + "  ")) << k;
  EXPECT_THAT(t, HasSubstr("espera_subida_s  "));
  // Columns line up: the value column starts at the same offset on every knob row.
  const size_t header = t.find("  knob");
  const size_t value_col = t.find("value", header) - header;
  const size_t row = t.find("  espera_subida_s");
  EXPECT_EQ(t.substr(row + value_col, 3), "45s");
  EXPECT_THAT(t, HasSubstr("a: from 2026-11-27T08:00:00Z for 6h, minimo 8"));
  EXPECT_THAT(t, HasSubstr("b: from 2026-11-28T08:00:00Z for 1h, maximo 5"));
  EXPECT_THAT(t, HasSubstr("blueprint"));
  EXPECT_THAT(t, HasSubstr("default"));
  EXPECT_THAT(t, ::testing::Not(HasSubstr("\x1b[")));  // no terminal escapes
  EXPECT_THAT(t, ::testing::Not(HasSubstr(" \n")));    // no trailing blanks
}

}  // namespace
}  // namespace limiar::policy::blueprint
