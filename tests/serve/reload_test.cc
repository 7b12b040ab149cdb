// Run-time changes through the `limiar` client: the configured blueprint file is edited and
// reloaded; a bad edit is refused and the running policy kept, a good one adds and changes
// targets, and a paused target is not actuated whatever the load.
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

TEST(ReloadTest, BadBlueprintIsRefusedGoodOneIsLoadedAndPausedDoesNotActuate) {
  testing::TestDir dir;
  FakePlatform platform(/*initial_replicas=*/2);
  const std::string blueprint = dir.File("blueprint.json");
  auto use = [&blueprint](const std::string& testdata) {
    testing::WriteFile(blueprint, testing::ReadFileOrDie(TestData(testdata)));
  };
  use("no_warnings.json");
  auto serve = StartServe(
      dir, blueprint,
      {{"actuator", platform.ActuatorConfig(/*with_observe=*/false)}, {"tick_interval_s", 0.2}});
  ASSERT_NE(serve, nullptr);
  const std::string server = serve->grpc_address();
  auto limiar = [&server](std::vector<std::string> args) {
    args.insert(args.end(), {"--server", server});
    return RunLimiar(args);
  };

  // A bad blueprint: every problem, each with the file and its JSON path; nothing changes.
  use("reload_bad.json");
  const size_t before_bad = serve->LineCount();
  const RunResult refused = limiar({"reload"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr(blueprint + ": recursos[1].config.limiar"));
  EXPECT_THAT(refused.output,
              AllOf(HasSubstr("recursos[1].config.cooldown_up"), HasSubstr("espera_subida_s")));
  // The reload answered synchronously: had it loaded anything, the line would be there.
  EXPECT_FALSE(serve->WaitForLine(" loaded: ", before_bad, absl::ZeroDuration()).has_value())
      << serve->Log();
  RunResult status = limiar({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, AllOf(HasSubstr("storefront"), HasSubstr("2..8")));
  EXPECT_THAT(status.output, Not(HasSubstr("checkout-api")));

  // A good one: storefront's ceiling moves to 12 and checkout-api joins.
  use("reload_good.json");
  const size_t before_reload = serve->LineCount();
  const RunResult reloaded = limiar({"reload"});
  EXPECT_EQ(reloaded.exit_code, 0) << reloaded.output;
  EXPECT_THAT(reloaded.output, HasSubstr("reloaded: 2 targets"));
  EXPECT_TRUE(serve->WaitForLine(absl::StrCat("blueprint ", blueprint, " loaded: 2 targets"),
                                 before_reload))
      << serve->Log();
  status = limiar({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, AllOf(HasSubstr("storefront"), HasSubstr("2..12"),
                                   HasSubstr("checkout-api"), HasSubstr("3..6")));
  // The new target is evaluated by the loop (no samples yet: it holds its minimum).
  EXPECT_TRUE(serve->WaitForLine([](const std::string& l) { return IsDecision(l, "checkout-api"); },
                                 before_reload))
      << serve->Log();

  // Paused: a spike is seen, evaluated as "Paused", and not actuated.
  const RunResult paused = limiar({"mode", "storefront", "paused"});
  EXPECT_EQ(paused.exit_code, 0) << paused.output;
  EXPECT_THAT(paused.output, HasSubstr("storefront: enforce -> paused"));
  const size_t posts_before = platform.post_count();
  const size_t before_spike = serve->LineCount();
  const RunResult pushed = limiar({"push", "-r", "storefront", "-m", "requests", "--replica",
                                   "storefront-0=400", "--replica", "storefront-1=400"});
  EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
  EXPECT_THAT(pushed.output, HasSubstr("2 accepted, 0 rejected"));
  // Lines are read a moment after they are written, so start from the first "Paused"
  // line; it and the next passes (the fast path and 0.2 s ticks) all hold.
  size_t at = 0;
  ASSERT_TRUE(serve->WaitForLine("storefront: 2 -> 2 (2 ready) Paused: mode paused", before_spike,
                                 kWait, &at))
      << serve->Log();
  for (int pass = 0; pass < 3; ++pass) {
    std::optional<std::string> line = serve->WaitForLine(
        [](const std::string& l) { return IsDecision(l, "storefront"); }, at + 1, kWait, &at);
    ASSERT_TRUE(line.has_value()) << serve->Log();
    EXPECT_THAT(*line, HasSubstr("storefront: 2 -> 2 (2 ready) Paused: mode paused"));
    EXPECT_THAT(*line, Not(HasSubstr("[actuated]")));
  }
  EXPECT_EQ(platform.post_count(), posts_before) << "a paused target was actuated";
  EXPECT_EQ(platform.replicas("storefront"), 2);

  // Control: back to enforce, the same stored load scales the target.
  const RunResult enforce = limiar({"mode", "storefront", "enforce"});
  EXPECT_EQ(enforce.exit_code, 0) << enforce.output;
  std::optional<json> post = platform.WaitForPost(
      posts_before, [](const json& b) { return b.value("target", "") == "storefront"; });
  ASSERT_TRUE(post.has_value()) << serve->Log();
  EXPECT_GT(post->value("replicas", 0), 2) << post->dump();
}

// A blueprint's warning is said once per process: at start, not again on each reload of
// the unchanged file, and never as part of a refused reload's error. A warning the edit
// brings is said on the reload that brings it.
TEST(ReloadTest, AWarningIsSaidOncePerProcessAndNeverWithAnError) {
  testing::TestDir dir;
  const std::string blueprint = dir.File("blueprint.json");
  json doc = json::parse(testing::ReadFileOrDie(TestData("default_capacity.json")));
  testing::WriteFile(blueprint, doc.dump());
  auto serve = StartServe(dir, blueprint, nullptr);
  ASSERT_NE(serve, nullptr);
  EXPECT_TRUE(serve->WaitForLine("no capacidade_por_replica", 0)) << serve->Log();
  const std::string server = serve->grpc_address();
  auto reload = [&server] { return RunLimiar({"reload", "--server", server}); };

  const RunResult unchanged = reload();
  EXPECT_EQ(unchanged.exit_code, 0) << unchanged.output;
  EXPECT_THAT(unchanged.output, AllOf(HasSubstr("reloaded:"), Not(HasSubstr("warning"))));
  EXPECT_THAT(unchanged.output, HasSubstr("reloaded: 1 target\n"));
  EXPECT_TRUE(serve->WaitForLine(absl::StrCat("blueprint ", blueprint, " loaded: 1 target"), 0))
      << serve->Log();
  EXPECT_TRUE(serve->WaitForLine(absl::StrCat("serving: blueprint ", blueprint, ": 1 target;"), 0))
      << serve->Log();

  json bad = doc;
  bad["recursos"][1]["config"]["limiar"] = 170;
  testing::WriteFile(blueprint, bad.dump());
  const RunResult refused = reload();
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("recursos[1].config.limiar"));
  EXPECT_THAT(refused.output, Not(HasSubstr("capacidade_por_replica"))) << refused.output;

  json more = doc;
  more["recursos"].push_back(
      {{"tipo", "compute"}, {"nome", "checkout"}, {"config", {{"replicas_max", 4}}}});
  more["recursos"].push_back(
      {{"tipo", "autoscale"},
       {"nome", "scale-checkout"},
       {"config", {{"alvo_recurso_id", "checkout"}, {"metrica", "connections"}, {"limiar", 70}}}});
  testing::WriteFile(blueprint, more.dump());
  const RunResult added = reload();
  EXPECT_EQ(added.exit_code, 0) << added.output;
  EXPECT_THAT(added.output, HasSubstr("recursos[3].config: no capacidade_por_replica"));
  EXPECT_THAT(added.output, Not(HasSubstr("recursos[1].config"))) << added.output;
  EXPECT_THAT(added.output, HasSubstr("reloaded: 2 targets"));
  const RunResult again = reload();
  EXPECT_THAT(again.output, AllOf(HasSubstr("reloaded: 2 targets"), Not(HasSubstr("warning"))));
  size_t said = 0;
  for (const std::string& line : serve->Lines()) {
    said += line.find("recursos[1].config: no capacidade_por_replica") != std::string::npos;
  }
  EXPECT_EQ(said, 1u) << serve->Log();
}

}  // namespace
}  // namespace limiar::serve_test
