#include "src/sim/engine/scenario_loader.h"

#include <fstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_test_support.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Write(const limiar::testing::TestDir& dir, const std::string& text) {
  const std::string path = dir / "scenario.json";
  std::ofstream(path) << text;
  return path;
}

TEST(ScenarioLoaderTest, NoPathIsTheBuiltinFlashSale) {
  absl::StatusOr<Scenario> s = LoadScenario({});
  ASSERT_TRUE(s.ok()) << s.status();
  const Scenario builtin = BuiltinFlashSale();
  EXPECT_EQ(s->name, builtin.name);
  EXPECT_EQ(s->source, builtin.source);
  EXPECT_EQ(s->seed, builtin.seed);
}

TEST(ScenarioLoaderTest, ReadsTheFileAndAppliesTheSeed) {
  limiar::testing::TestDir dir;
  const std::string path =
      Write(dir, testing::WebScenario(testing::FlashSaleBody()));  // seed 7 in the file
  absl::StatusOr<Scenario> as_written = LoadScenario({path, std::nullopt});
  ASSERT_TRUE(as_written.ok()) << as_written.status();
  ASSERT_EQ(as_written->targets.size(), 1u);
  EXPECT_EQ(as_written->targets[0].target, "web");
  EXPECT_EQ(as_written->seed, 7u);
  absl::StatusOr<Scenario> reseeded = LoadScenario({path, 42});
  ASSERT_TRUE(reseeded.ok()) << reseeded.status();
  EXPECT_EQ(reseeded->seed, 42u);
  EXPECT_EQ(LoadScenario({"", 42})->seed, 42u);  // the built-in one too
}

TEST(ScenarioLoaderTest, ErrorsAreTheFileLoaders) {
  limiar::testing::TestDir dir;
  const std::string missing = dir / "missing.json";
  absl::StatusOr<Scenario> s = LoadScenario({missing, 42});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status(), LoadScenarioFile(missing).status());
}

TEST(ScenarioLoaderTest, WarningsNameTheBlueprint) {
  limiar::testing::TestDir dir;
  // A blueprint without `nome` loads with a warning.
  const std::string path =
      Write(dir, absl::StrReplaceAll(testing::WebScenario(testing::FlashSaleBody()),
                                     {{R"("nome": "t", )", ""}}));
  absl::StatusOr<Scenario> s = LoadScenario({path, std::nullopt});
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<std::string> warnings = ScenarioWarnings(*s);
  ASSERT_EQ(warnings.size(), s->warnings.size());
  ASSERT_FALSE(warnings.empty());
  EXPECT_THAT(warnings[0], StartsWith(s->blueprint_source + ": "));
  EXPECT_THAT(warnings[0], HasSubstr("no nome"));
  EXPECT_TRUE(ScenarioWarnings(BuiltinFlashSale()).empty());
}

}  // namespace
}  // namespace limiar::sim
