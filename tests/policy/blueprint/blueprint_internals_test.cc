// The small pieces under the loader: suggestions, positions, paths, duplicate keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/blueprint/diagnostics.h"
#include "src/policy/blueprint/json_read.h"
#include "src/policy/blueprint/json_text.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/blueprint/suggest.h"

namespace limiar::policy::blueprint {
namespace {

using ::testing::ElementsAre;

TEST(EditDistance, CountsTranspositionsAsOneAndIgnoresCase) {
  EXPECT_EQ(EditDistance("limiar", "limiar"), 0);
  EXPECT_EQ(EditDistance("limair", "limiar"), 1);
  EXPECT_EQ(EditDistance("LIMIAR", "limiar"), 0);
  EXPECT_EQ(EditDistance("metric", "metrica"), 1);
  EXPECT_EQ(EditDistance("", "abc"), 3);
}

TEST(Suggest, NearestCandidateAliasOrNothing) {
  EXPECT_EQ(Suggest("tolerancia_subda", AutoscaleKeys(), AutoscaleKeyAliases()),
            "tolerancia_subida");
  EXPECT_EQ(Suggest("maxScaleUpRate", AutoscaleKeys(), AutoscaleKeyAliases()), "taxa_max_subida");
  EXPECT_EQ(Suggest("fallback", AutoscaleKeys(), AutoscaleKeyAliases()), "contingencia");
  EXPECT_EQ(Suggest("espera_subida", AutoscaleKeys(), AutoscaleKeyAliases()), "espera_subida_s");
  EXPECT_EQ(Suggest("completely_unrelated", AutoscaleKeys(), AutoscaleKeyAliases()), std::nullopt);
  EXPECT_EQ(SuggestNearMiss("porta", ComputeKeys(), ComputeKeyAliases(), 2), "porta");
  EXPECT_EQ(SuggestNearMiss("memoria_mb", ComputeKeys(), ComputeKeyAliases(), 2), std::nullopt);
}

TEST(ParseJson, DuplicateKeysByPathThroughArraysAndObjects) {
  Diagnostics d("t.json");
  auto j = ParseJson(R"({"a": 1, "l": [0, {"x": 1}, {"y": [1, 2], "y": 3}], "a": 2})",
                     kBlueprintTextLimits, d);
  ASSERT_TRUE(j.has_value());
  EXPECT_THAT(d.errors(), ElementsAre("t.json: l[2].y: duplicate key; JSON keeps only the last "
                                      "one; remove the other",
                                      "t.json: a: duplicate key; JSON keeps only the last one; "
                                      "remove the other"));
}

TEST(ParseJson, NumberOverflowIsAnError) {
  Diagnostics d("t.json");
  EXPECT_FALSE(ParseJson(R"({"a": 1e999})", kBlueprintTextLimits, d).has_value());
  ASSERT_EQ(d.errors().size(), 1u);
  EXPECT_THAT(d.errors()[0], ::testing::StartsWith("t.json: invalid JSON: "));
}

TEST(Paths, ReadLikeTheBlueprint) {
  EXPECT_EQ(Child("", "recursos"), "recursos");
  EXPECT_EQ(Child(Index("recursos", 8), "config"), "recursos[8].config");
}

TEST(Diagnostics, StatusHasOneLinePerError) {
  Diagnostics d("f.json");
  EXPECT_TRUE(d.ToStatus().ok());
  d.Error("a.b", "wrong", "fix it");
  d.Error("", "root problem", "");
  d.Warning("c", "odd", "look");
  EXPECT_EQ(d.ToStatus().message(), "f.json: a.b: wrong; fix it\nf.json: (root): root problem");
  EXPECT_THAT(d.warnings(), ElementsAre("c: odd; look"));
  EXPECT_EQ(ProblemCount(d.ToStatus()), 2);
}

TEST(Diagnostics, ListsAHundredAndCountsTheRestAcrossIncludedFiles) {
  Diagnostics included("b.json");
  for (int i = 0; i < 150; ++i) included.Error("k", "duplicate key", "");
  for (int i = 0; i < 101; ++i) included.Warning("w", "odd", "");
  Diagnostics d("s.json");
  d.Error("targets", "empty", "add one");
  d.AddErrorsOf(included);
  EXPECT_EQ(d.error_count(), 151u);
  ASSERT_EQ(d.errors().size(), 100u);
  EXPECT_EQ(d.errors()[1], "b.json: k: duplicate key");
  const absl::Status s = d.ToStatus();
  EXPECT_EQ(ProblemCount(s), 151);
  EXPECT_THAT(std::string(s.message()),
              ::testing::EndsWith("\ns.json: and 51 more problems, not listed; fix the ones "
                                  "above first"));
  ASSERT_EQ(included.warnings().size(), 101u);
  EXPECT_EQ(included.warnings().back(), "and 1 more warnings, not listed");
  EXPECT_EQ(ProblemCount(absl::InvalidArgumentError("a\nb")), 2);
}

TEST(Spelling, RoundTripsEveryEnum) {
  for (const std::string& s : MetricNames()) EXPECT_EQ(Spelling(ParseMetric(s)), s);
  for (const std::string& s : AlgorithmNames()) EXPECT_EQ(Spelling(ParseAlgorithm(s)), s);
  for (const std::string& s : ModeNames()) EXPECT_EQ(Spelling(ParseMode(s)), s);
  for (const std::string& s : SelectNames()) EXPECT_EQ(Spelling(ParseSelect(s)), s);
  for (const std::string& s : RateTypeNames()) EXPECT_EQ(Spelling(ParseRateType(s)), s);
  for (const std::string& s : FallbackNames()) EXPECT_EQ(Spelling(ParseFallback(s)), s);
}

}  // namespace
}  // namespace limiar::policy::blueprint
