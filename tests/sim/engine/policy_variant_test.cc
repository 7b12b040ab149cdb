#include "src/sim/engine/policy_variant.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_test_support.h"

namespace limiar::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Scenario Web(const std::string& knobs = "") {
  absl::StatusOr<Scenario> s = ParseScenario(
      testing::WebScenario(R"("targets": {"web": {"traffic": {"kind": "constant", "rate": 50}}})",
                           knobs),
      "t.json", ".");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(PolicyVariantTest, ParsesLabelBaseAndKnobs) {
  absl::StatusOr<PolicyVariant> v =
      ParsePolicyVariant("fast:kpa,janela_estavel_s=30,web.replicas_min=3,modo=dry-run");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->name, "fast");
  EXPECT_EQ(v->base, PolicyVariant::Base::kKpaDefaults);
  ASSERT_EQ(v->overrides.size(), 3u);
  EXPECT_EQ(v->overrides[0].key, "janela_estavel_s");
  EXPECT_EQ(v->overrides[0].value, 30);
  EXPECT_EQ(v->overrides[1].target, "web");
  EXPECT_EQ(v->overrides[2].value, "dry-run");  // not JSON: a string
  EXPECT_EQ(DescribeVariant(*v), "kpa, janela_estavel_s 30, web.replicas_min 3, modo dry-run");
  EXPECT_EQ(ParsePolicyVariant("hpa")->name, "hpa");
  EXPECT_EQ(ParsePolicyVariant("limiar=50")->name, "limiar=50");
}

TEST(PolicyVariantTest, KnobValuesMayBeJsonListsWithCommas) {
  absl::StatusOr<PolicyVariant> v = ParsePolicyVariant(
      R"(pre:agendamentos=[{"inicio": "2026-11-27T08:00:00Z", "duracao_h": 1, "minimo": 8}],limiar=50)");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->overrides.size(), 2u);
  EXPECT_TRUE(v->overrides[0].value.is_array());
  EXPECT_EQ(v->overrides[1].key, "limiar");
}

TEST(PolicyVariantTest, RejectsMalformedSpecs) {
  EXPECT_THAT(ParsePolicyVariant("hpq").status().message(), HasSubstr("unknown base \"hpq\""));
  EXPECT_THAT(ParsePolicyVariant("limiar=50,kpa").status().message(), HasSubstr("must come first"));
  EXPECT_THAT(ParsePolicyVariant("x:limiar=").status().message(), HasSubstr("KEY=VALUE"));
}

TEST(PolicyVariantTest, DefaultsKeepOnlyWhatTheServiceIs) {
  const Scenario s = Web(R"(, "espera_descida_s": 120, "tolerancia": 0.2)");
  absl::StatusOr<std::vector<policy::TargetPolicy>> own = ResolvePolicies(s, {});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ((*own)[0].cooldown_down, absl::Seconds(120));
  EXPECT_EQ((*own)[0].hpa.tolerance_up, 0.2);
  PolicyVariant hpa;
  hpa.base = PolicyVariant::Base::kHpaDefaults;
  absl::StatusOr<std::vector<policy::TargetPolicy>> plain = ResolvePolicies(s, hpa);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)[0].cooldown_down, absl::ZeroDuration());
  EXPECT_EQ((*plain)[0].hpa.tolerance_up, 0.1);
  EXPECT_EQ((*plain)[0].metrics[0].target_percent, 60);  // kept: what to scale to
  EXPECT_EQ((*plain)[0].metrics[0].capacity_per_replica, 100);
  PolicyVariant kpa;
  kpa.base = PolicyVariant::Base::kKpaDefaults;
  EXPECT_EQ((*ResolvePolicies(s, kpa))[0].algorithm, policy::Algorithm::kKpa);
}

TEST(PolicyVariantTest, OverridesGoWhereTheBlueprintKeepsThem) {
  const Scenario s = Web();
  absl::StatusOr<PolicyVariant> v = ParsePolicyVariant("replicas_min=3,limiar=45");
  absl::StatusOr<std::vector<policy::TargetPolicy>> p = ResolvePolicies(s, *v);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)[0].min_replicas, 3);  // a compute key
  EXPECT_EQ((*p)[0].metrics[0].target_percent, 45);
}

// A member of an object knob is set alone, and turns the knob on where it was off.
TEST(PolicyVariantTest, AMemberOfAnObjectKnobIsSetInsideIt) {
  EXPECT_EQ(SplitTargetKey("limiar").target, "");
  EXPECT_EQ(SplitTargetKey("web.limiar").target, "web");
  EXPECT_EQ(SplitTargetKey("web.limiar").key, "limiar");
  EXPECT_EQ(SplitTargetKey("previsao.margem_pct").target, "");
  EXPECT_EQ(SplitTargetKey("previsao.margem_pct").key, "previsao.margem_pct");
  EXPECT_EQ(SplitTargetKey("eu.web.previsao.margem_pct").target, "eu.web");
  EXPECT_EQ(SplitTargetKey("eu.web.previsao.margem_pct").key, "previsao.margem_pct");
  EXPECT_EQ(SplitTargetKey("eu.web.limiar").target, "eu.web");

  const Scenario s = Web();
  absl::StatusOr<PolicyVariant> v = ParsePolicyVariant(
      R"(previsao={"previsor":"spectral"},previsao.margem_pct=25,web.contingencia.replicas=4)");
  ASSERT_TRUE(v.ok()) << v.status();
  absl::StatusOr<std::vector<policy::TargetPolicy>> p = ResolvePolicies(s, *v);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE((*p)[0].forecasting.has_value());
  EXPECT_EQ((*p)[0].forecasting->forecaster, "spectral");
  EXPECT_EQ((*p)[0].forecasting->margin_percent, 25);
  ASSERT_TRUE((*p)[0].fallback.has_value());
  EXPECT_EQ((*p)[0].fallback->replicas, 4);
  // Alone, the member turns forecasting on with every other default.
  p = ResolvePolicies(s, *ParsePolicyVariant("previsao.antecedencia_s=300"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)[0].forecasting->horizon, absl::Seconds(300));
  EXPECT_EQ((*p)[0].forecasting->forecaster, "auto");
}

TEST(PolicyVariantTest, BadKnobsFailInTheProductionLoader) {
  const Scenario s = Web();
  absl::StatusOr<std::vector<policy::TargetPolicy>> typo =
      ResolvePolicies(s, *ParsePolicyVariant("t:limair=50"));
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("with policy t"));
  EXPECT_THAT(typo.status().message(), HasSubstr("did you mean limiar?"));
  absl::StatusOr<std::vector<policy::TargetPolicy>> range =
      ResolvePolicies(s, *ParsePolicyVariant("limiar=150"));
  EXPECT_FALSE(range.ok());
  absl::StatusOr<std::vector<policy::TargetPolicy>> target =
      ResolvePolicies(s, *ParsePolicyVariant("api.limiar=50"));
  ASSERT_FALSE(target.ok());
  EXPECT_THAT(target.status().message(), HasSubstr("no simulated target named api"));
}

std::vector<PolicyVariant> Variants(const std::vector<std::string>& specs) {
  std::vector<PolicyVariant> out;
  for (const std::string& spec : specs) out.push_back(*ParsePolicyVariant(spec));
  return out;
}

std::vector<std::string> Names(const std::vector<PolicyVariant>& variants) {
  std::vector<std::string> out;
  for (const PolicyVariant& v : variants) out.push_back(v.name);
  return out;
}

TEST(WithoutRepeatsTest, DropsAVariantThatResolvesToAnEarlierOnesPolicy) {
  // The blueprint sets no knob beyond the service's, so hpa's defaults are its policy.
  std::vector<std::string> notes;
  const std::vector<PolicyVariant> kept =
      WithoutRepeats(Web(), Variants({"blueprint", "hpa", "kpa"}), &notes);
  EXPECT_THAT(Names(kept), ElementsAre("blueprint", "kpa"));
  EXPECT_THAT(notes, ElementsAre("policy hpa is the same as blueprint on this scenario; not "
                                 "run twice"));
}

TEST(WithoutRepeatsTest, KeepsVariantsThatDiffer) {
  std::vector<std::string> notes;
  const std::vector<PolicyVariant> kept = WithoutRepeats(
      Web(R"(, "espera_descida_s": 120)"), Variants({"blueprint", "hpa", "kpa"}), &notes);
  EXPECT_THAT(Names(kept), ElementsAre("blueprint", "hpa", "kpa"));
  EXPECT_TRUE(notes.empty());
}

TEST(WithoutRepeatsTest, LabelsDoNotMakeAPolicyDifferent) {
  std::vector<std::string> notes;
  const std::vector<PolicyVariant> kept =
      WithoutRepeats(Web(), Variants({"a:limiar=50", "b:limiar=50", "c:limiar=55"}), &notes);
  EXPECT_THAT(Names(kept), ElementsAre("a", "c"));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("policy b is the same as a"));
}

TEST(WithoutRepeatsTest, KeepsVariantsThatFailToResolve) {
  // Both fail alike; running each reports its error instead of a silent drop.
  std::vector<std::string> notes;
  const std::vector<PolicyVariant> kept =
      WithoutRepeats(Web(), Variants({"x:limair=50", "y:limair=50"}), &notes);
  EXPECT_THAT(Names(kept), ElementsAre("x", "y"));
  EXPECT_TRUE(notes.empty());
}

}  // namespace
}  // namespace limiar::sim
