// The one "did you mean": distance, normalization, aliases, and how far a suggestion reaches.
#include "src/common/config/did_you_mean.h"

#include <gtest/gtest.h>

namespace limiar::config {
namespace {

TEST(EditDistance, CountsTranspositionsAsOneAndIgnoresCase) {
  EXPECT_EQ(EditDistance("limiar", "limiar"), 0);
  EXPECT_EQ(EditDistance("limair", "limiar"), 1);
  EXPECT_EQ(EditDistance("LIMIAR", "limiar"), 0);
  EXPECT_EQ(EditDistance("metric", "metrica"), 1);
  EXPECT_EQ(EditDistance("", "abc"), 3);
}

TEST(NormalizeName, IgnoresCaseUnderscoresAndDashes) {
  EXPECT_EQ(NormalizeName("maxScaleUpRate"), "maxscaleuprate");
  EXPECT_EQ(NormalizeName("max_scale-up_rate"), "maxscaleuprate");
}

TEST(Suggest, TheSameNameInAnotherConventionThenAnAliasThenTheNearest) {
  const std::vector<std::string> keys = {"server_address", "ignore_null_values", "interval_s"};
  // Three edits away, but the same words.
  EXPECT_EQ(Suggest("IgnoreNullValues", keys), "ignore_null_values");
  EXPECT_EQ(Suggest("pollingInterval", keys, {{"polling_interval", "interval_s"}}), "interval_s");
  EXPECT_EQ(Suggest("intervl_s", keys), "interval_s");
  EXPECT_EQ(Suggest("zzz", keys), std::nullopt);
}

TEST(Suggest, AnAliasToAnotherObjectsKeyIsNoSuggestion) {
  // "type" means kind in a scrape mapping, not at the scrape's top level.
  EXPECT_EQ(Suggest("type", {"endpoints", "path"}, {{"type", "kind"}}), std::nullopt);
  EXPECT_EQ(Suggest("type", {"kind", "series"}, {{"type", "kind"}}), "kind");
}

TEST(Suggest, ReachesFurtherForLongerWords) {
  // max(2, length / 3) edits: 4 for a 12-letter word, 2 for a short one.
  EXPECT_EQ(Suggest("tick_itrvl_s", {"tick_interval_s"}), "tick_interval_s");
  EXPECT_EQ(Suggest("abc", {"xyzc"}), std::nullopt);
  EXPECT_EQ(SuggestNearMiss("tick_itrvl_s", {"tick_interval_s"}, {}, 2), std::nullopt);
}

TEST(DidYouMean, OrWhatToDoOtherwise) {
  EXPECT_EQ(DidYouMean("wbe", {"web", "api"}, {}, "simulate one of: web, api"),
            "did you mean web?");
  EXPECT_EQ(DidYouMean("database", {"web", "api"}, {}, "simulate one of: web, api"),
            "simulate one of: web, api");
}

}  // namespace
}  // namespace limiar::config
