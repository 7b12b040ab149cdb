// The blueprint's vocabulary under the loader: suggestions among its knobs, spellings. (The
// config plumbing it reads with, paths, diagnostics and JSON text, is tested under
// tests/common/config.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/config/did_you_mean.h"
#include "src/policy/blueprint/knob_names.h"

namespace limiar::policy::blueprint {
namespace {

using config::Suggest;
using config::SuggestNearMiss;

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

TEST(Spelling, RoundTripsEveryEnum) {
  for (const std::string& s : SelectNames()) EXPECT_EQ(Spelling(ParseSelect(s)), s);
  for (const std::string& s : RateTypeNames()) EXPECT_EQ(Spelling(ParseRateType(s)), s);
  for (const std::string& s : FallbackNames()) EXPECT_EQ(Spelling(ParseFallback(s)), s);
}

}  // namespace
}  // namespace limiar::policy::blueprint
