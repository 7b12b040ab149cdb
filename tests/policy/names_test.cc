#include "src/policy/names.h"

#include <gtest/gtest.h>

namespace limiar::policy {
namespace {

// Every spelling parses to a value that prints as the same spelling, and every value of
// each enum has a spelling: the two directions come from one table.
TEST(NamesTest, EverySpellingRoundTrips) {
  ASSERT_EQ(MetricTypeNames().size(), 3u);
  for (const std::string& s : MetricTypeNames()) {
    ASSERT_TRUE(MetricTypeFromName(s).has_value()) << s;
    EXPECT_EQ(MetricTypeName(*MetricTypeFromName(s)), s);
  }
  ASSERT_EQ(AlgorithmNames().size(), 2u);
  for (const std::string& s : AlgorithmNames()) {
    ASSERT_TRUE(AlgorithmFromName(s).has_value()) << s;
    EXPECT_EQ(AlgorithmName(*AlgorithmFromName(s)), s);
  }
  ASSERT_EQ(ModeNames().size(), 3u);
  for (const std::string& s : ModeNames()) {
    ASSERT_TRUE(ModeFromName(s).has_value()) << s;
    EXPECT_EQ(ModeName(*ModeFromName(s)), s);
  }
}

TEST(NamesTest, EveryValuePrintsAndParsesBack) {
  for (MetricType m : {MetricType::kCpu, MetricType::kRequests, MetricType::kConnections}) {
    EXPECT_EQ(MetricTypeFromName(MetricTypeName(m)), m);
  }
  for (Algorithm a : {Algorithm::kHpa, Algorithm::kKpa}) {
    EXPECT_EQ(AlgorithmFromName(AlgorithmName(a)), a);
  }
  for (Mode m : {Mode::kEnforce, Mode::kDryRun, Mode::kPaused}) {
    EXPECT_EQ(ModeFromName(ModeName(m)), m);
  }
}

TEST(NamesTest, OnlyExactSpellingsParse) {
  EXPECT_EQ(MetricTypeFromName("CPU"), std::nullopt);
  EXPECT_EQ(MetricTypeFromName("rps"), std::nullopt);  // an alias is the blueprint's to map
  EXPECT_EQ(AlgorithmFromName(""), std::nullopt);
  EXPECT_EQ(ModeFromName("dry_run"), std::nullopt);
}

TEST(NamesTest, UnitsAndAlternatives) {
  EXPECT_STREQ(MetricUnit(MetricType::kCpu), "cores");
  EXPECT_STREQ(MetricUnit(MetricType::kRequests), "requests/s");
  EXPECT_STREQ(MetricUnit(MetricType::kConnections), "connections");
  EXPECT_EQ(Alternatives(MetricTypeNames()), "cpu, requests or connections");
  EXPECT_EQ(Alternatives(ModeNames()), "enforce, dry-run or paused");
  EXPECT_EQ(Alternatives(AlgorithmNames()), "hpa or kpa");
  EXPECT_EQ(Alternatives({"only"}), "only");
}

}  // namespace
}  // namespace limiar::policy
