// `limiar policy`: output, warnings, errors and exit codes.
#include "src/cli/policy_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/policy/blueprint/test_blueprints.h"
#include "tests/support/test_dir.h"

namespace limiar::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CommandResult {
  int code;
  std::string out;
  std::string err;
};

CommandResult RunOn(const std::string& path, bool as_json) {
  std::ostringstream out, err;
  const int code = RunPolicyCommand(path, as_json, out, err);
  return {code, out.str(), err.str()};
}

std::string Shared(const std::string& file) {
  return policy::blueprint::testing::SharedDir() + "/blueprints/" + file;
}

std::string Example(const std::string& file) {
  return policy::blueprint::testing::SourceDir() + "/examples/" + file;
}

std::string TestData(const std::string& file) {
  return policy::blueprint::testing::SourceDir() + "/tests/policy/blueprint/testdata/" + file;
}

bool HaveShared() {
  return !policy::blueprint::testing::SharedDir().empty() &&
         std::filesystem::exists(Shared("ecommerce-high-traffic.json"));
}

TEST(PolicyCommand, TableForTheEcommerceBlueprint) {
  if (!HaveShared()) GTEST_SKIP() << "LIMIAR_SHARED_DIR is not set or has no blueprints/";
  const CommandResult r = RunOn(Shared("ecommerce-high-traffic.json"), false);
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("blueprint \"Acme Store Pro\""));
  EXPECT_THAT(r.out, HasSubstr("1 target managed by Limiar"));
  EXPECT_THAT(r.out, HasSubstr("computes without autoscale, left alone: checkout-api"));
  EXPECT_THAT(r.out, HasSubstr("target storefront: hpa, enforce, replicas 2..8"));
  EXPECT_THAT(r.out, HasSubstr("requests  65%     100 requests/s        default"));
  for (const char* k : {"replicas_min", "replicas_max", "algoritmo", "modo", "tolerancia_subida",
                        "estabilizacao_descida_s", "politicas_subida", "janela_estavel_s",
                        "espera_subida_s", "agendamentos", "contingencia"}) {
    EXPECT_THAT(r.out, HasSubstr(k));
  }
  EXPECT_EQ(r.err,
            "warning: " + Shared("ecommerce-high-traffic.json") +
                ": recursos[8].config: no capacidade_por_replica for metric requests; assuming "
                "the default 100 requests/s per replica; set it to your replica's measured "
                "capacity\n");
}

TEST(PolicyCommand, JsonParsesAndHoldsEveryTarget) {
  const CommandResult r = RunOn(Example("flash-sale-tuned.json"), true);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["blueprint"], "Acme Store Pro (flash-sale tuned)");
  ASSERT_EQ(j["targets"].size(), 2u);
  EXPECT_EQ(j["targets"][0]["target"], "storefront");
  EXPECT_EQ(j["targets"][0]["metrics"].size(), 2u);
  EXPECT_EQ(j["targets"][0]["knobs"]["selecao_descida"]["value"], "min");
  EXPECT_EQ(j["targets"][1]["knobs"]["algoritmo"]["value"], "kpa");
  EXPECT_EQ(j["unmanaged_computes"], nlohmann::json::array());
  EXPECT_FALSE(j.contains("note"));
}

TEST(PolicyCommand, NothingToManageIsSaidClearly) {
  if (!HaveShared()) GTEST_SKIP() << "LIMIAR_SHARED_DIR is not set or has no blueprints/";
  const std::string path = Shared("multi-region-active-active.json");
  CommandResult r = RunOn(path, false);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, path +
                       ": no autoscale resources; nothing for Limiar to manage (computes: "
                       "app-global)\n");
  EXPECT_EQ(r.err, "");
  r = RunOn(path, true);
  EXPECT_EQ(r.code, 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["targets"], nlohmann::json::array());
  EXPECT_EQ(j["unmanaged_computes"], nlohmann::json::array({"app-global"}));
  EXPECT_THAT(j["note"].get<std::string>(), HasSubstr("nothing for Limiar to manage"));
}

TEST(PolicyCommand, NothingToManageWithoutSharedDir) {
  const CommandResult r = RunOn(TestData("no_autoscale.json"), false);
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("no_autoscale.json: no autoscale resources; nothing for Limiar "
                               "to manage (computes: web, jobs)"));
}

TEST(PolicyCommand, InvalidBlueprintPrintsEveryErrorAndExitsOne) {
  for (bool as_json : {false, true}) {
    const CommandResult r = RunOn(TestData("many_errors.json"), as_json);
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, StartsWith("error: " + TestData("many_errors.json") + ": recursos["));
    EXPECT_THAT(r.err, HasSubstr("did you mean requests?"));
    EXPECT_THAT(r.err, HasSubstr("many_errors.json: 6 problems; nothing loaded\n"));
  }
}

// A flood of problems prints the first hundred, one line counting the rest, and the total.
TEST(PolicyCommand, AFloodOfProblemsIsListedUpToAHundred) {
  std::string text = R"({"nome": "flood", "recursos": [], "x": {)";
  for (int i = 0; i < 5000; ++i) text += i == 0 ? R"("k": 1)" : R"(, "k": 1)";
  const limiar::testing::TestDir dir;
  const std::string path = dir.Write("flood.json", text + "}}");
  const CommandResult r = RunOn(path, false);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 102);
  EXPECT_THAT(r.err, HasSubstr("error: " + path +
                               ": and 4899 more problems, not listed; fix the "
                               "ones above first\n" +
                               path + ": 4999 problems; nothing loaded\n"));
}

TEST(PolicyCommand, SyntaxErrorAndMissingFileExitOne) {
  CommandResult r = RunOn(TestData("syntax_error.json"), false);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("syntax_error.json:4:"));
  r = RunOn("/nonexistent/bp.json", false);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("error: /nonexistent/bp.json: cannot read the blueprint"));
}

}  // namespace
}  // namespace limiar::cli
