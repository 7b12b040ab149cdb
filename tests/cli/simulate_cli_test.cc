// `limiar simulate` and `limiar compare` as a user runs them: the built-in flash sale with
// no files, its outputs, byte-identical reruns, and the errors for bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/cli/run_limiar.h"
#include "tests/support/test_dir.h"

namespace {

using limiar::testing::CliRun;
using limiar::testing::Limiar;

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SimulateCliTest : public ::testing::Test {
 protected:
  const limiar::testing::TestDir test_dir_;
  const std::filesystem::path& dir_ = test_dir_.path();
};

TEST_F(SimulateCliTest, BuiltinFlashSaleNeedsNoFilesAndWritesTheReport) {
  const CliRun r = Limiar("simulate --out " + (dir_ / "a").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("storefront"), std::string::npos);
  EXPECT_NE(r.output.find("SLO: p95 <= 250 ms"), std::string::npos);
  EXPECT_NE(r.output.find("report: " + (dir_ / "a").string() + "/report.html"), std::string::npos);
  for (const char* f : {"timeline.csv", "decisions.jsonl", "summary.json", "report.html"}) {
    EXPECT_GT(std::filesystem::file_size(dir_ / "a" / f), 100u) << f;
  }
  // Every decision line is JSON with a reason; the summary parses.
  std::istringstream lines(Slurp(dir_ / "a" / "decisions.jsonl"));
  int decisions = 0;
  for (std::string line; std::getline(lines, line); ++decisions) {
    nlohmann::json d = nlohmann::json::parse(line);
    EXPECT_FALSE(d.at("reason").get<std::string>().empty());
  }
  EXPECT_EQ(decisions, 240);  // one per 15 s loop pass: t = 0, 15, ..., 3585
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ / "a" / "summary.json"));
  EXPECT_EQ(summary["runs"][0]["resources"][0]["target"], "storefront");
  EXPECT_EQ(summary["runs"][0]["resources"][0]["max_replicas"], 8);
  // 3,600 one-second steps.
  std::istringstream csv(Slurp(dir_ / "a" / "timeline.csv"));
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 3601);

  // The same seed gives the same bytes; another seed does not.
  ASSERT_EQ(Limiar("simulate --out " + (dir_ / "b").string()).exit_code, 0);
  ASSERT_EQ(Limiar("simulate --seed 43 --out " + (dir_ / "c").string()).exit_code, 0);
  for (const char* f : {"timeline.csv", "decisions.jsonl", "summary.json", "report.html"}) {
    EXPECT_EQ(Slurp(dir_ / "a" / f), Slurp(dir_ / "b" / f)) << f;
  }
  EXPECT_NE(Slurp(dir_ / "a" / "timeline.csv"), Slurp(dir_ / "c" / "timeline.csv"));
}

TEST_F(SimulateCliTest, CompareRunsEveryPolicyOnTheSameTraffic) {
  const CliRun r = Limiar(
      "compare -p kpa -p 'prewarm:agendamentos=[{\"inicio\": \"2026-11-27T08:08:00Z\", "
      "\"duracao_h\": 1, \"minimo\": 8}]' --out " +
      dir_.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("kpa "), std::string::npos);
  EXPECT_NE(r.output.find("prewarm "), std::string::npos);
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ / "summary.json"));
  ASSERT_EQ(summary["runs"].size(), 2u);
  // A floor of 8 from before the sale holds it: no violation, more replica-hours.
  const nlohmann::json& kpa = summary["runs"][0]["resources"][0];
  const nlohmann::json& prewarm = summary["runs"][1]["resources"][0];
  EXPECT_EQ(prewarm["slo_violation_s"], 0);
  EXPECT_TRUE(prewarm["meets_slo"].get<bool>());
  EXPECT_GT(prewarm["replica_hours"].get<double>(), kpa["replica_hours"].get<double>());
  // Same traffic: the same requests arrived under both.
  EXPECT_EQ(kpa["requests"], prewarm["requests"]);
}

// --window: the figures of a part of the run (a held-out range), the policies having run
// from the start; its requests are the part's.
TEST_F(SimulateCliTest, AWindowSummarisesPartOfTheRun) {
  const CliRun whole = Limiar("compare -p kpa --out " + (dir_ / "whole").string());
  const CliRun part = Limiar("compare -p kpa --window 10m: --out " + (dir_ / "part").string());
  ASSERT_EQ(part.exit_code, 0) << part.output;
  EXPECT_NE(part.output.find("figures over 10m..1h of the run (--window); the policies ran from "
                             "its start\n"),
            std::string::npos)
      << part.output;
  const nlohmann::json w = nlohmann::json::parse(Slurp(dir_ / "whole" / "summary.json"));
  const nlohmann::json p = nlohmann::json::parse(Slurp(dir_ / "part" / "summary.json"));
  EXPECT_LT(p["runs"][0]["resources"][0]["requests"].get<double>(),
            w["runs"][0]["resources"][0]["requests"].get<double>());
  const CliRun bad = Limiar("simulate --window 2h:3h");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--window \"2h:3h\": the run lasts 1h"), std::string::npos)
      << bad.output;
}

TEST_F(SimulateCliTest, CompareDefaultsSkipAPolicyThatIsTheBlueprintsOwn) {
  // The built-in blueprint sets no knob beyond the service's: hpa defaults are its policy.
  const CliRun r = Limiar("compare");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("policy hpa is the same as blueprint on this scenario"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("x 2 policies"), std::string::npos);
  // Asked for explicitly, it runs.
  EXPECT_NE(Limiar("compare -p blueprint -p hpa").output.find("x 2 policies"), std::string::npos);
}

TEST_F(SimulateCliTest, PrintedScenarioRunsAsAFile) {
  const CliRun printed = Limiar("simulate --print-scenario");
  ASSERT_EQ(printed.exit_code, 0);
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "s.json") << printed.output;
  const CliRun r = Limiar("simulate " + (dir_ / "s.json").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("flash-sale"), std::string::npos);
}

TEST_F(SimulateCliTest, BadInputSaysWhereAndWhat) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "bad.json") << R"({"blueprint": {"nome": "x", "recursos": []},
    "targets": {"web": {"trafic": {}}}})";
  const CliRun bad = Limiar("simulate " + (dir_ / "bad.json").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("targets.web.trafic: unknown key; did you mean traffic?"),
            std::string::npos)
      << bad.output;

  const CliRun knob = Limiar("simulate -p limiar=150");
  EXPECT_EQ(knob.exit_code, 1);
  EXPECT_NE(knob.output.find("limiar"), std::string::npos) << knob.output;

  const CliRun base = Limiar("compare -p hpq");
  EXPECT_EQ(base.exit_code, 2);
  EXPECT_NE(base.output.find("unknown base \"hpq\""), std::string::npos) << base.output;

  EXPECT_EQ(Limiar("simulate -p hpa -p kpa").exit_code, 2);
  EXPECT_EQ(Limiar("simulate /no/such/scenario.json").exit_code, 2);
}

// Every command prints a multi-line error the same way: each line says "error: ", so that
// none reads as ordinary output and grep finds them all.
TEST_F(SimulateCliTest, EveryLineOfAnErrorSaysErrorInEveryCommand) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "bad.json") << R"({"blueprint": {"nome": "x", "recursos": []},
    "duration_s": -5, "targets": {"web": {"trafic": {}}}})";
  std::ofstream(dir_ / "bad_blueprint.json") << R"({"nome": "x", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 9, "replicas_max": 2}},
    {"tipo": "autoscale", "nome": "s", "config": {"alvo_recurso_id": "web",
     "metrica": "requests", "limiar": 160}}]})";
  const std::string bad = (dir_ / "bad.json").string();
  const std::string bad_blueprint = (dir_ / "bad_blueprint.json").string();
  for (const std::string& args :
       {"simulate " + bad, "compare " + bad, "sweep " + bad + " --grid limiar=50,60",
        "policy --blueprint " + bad_blueprint,
        "serve --blueprint " + bad_blueprint +
            " --grpc-listen 127.0.0.1:0 --http-listen "
            "127.0.0.1:0"}) {
    const CliRun r = Limiar(args);
    EXPECT_NE(r.exit_code, 0) << args;
    std::istringstream lines(r.output);
    int errors = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.find(": 2 problems; nothing loaded") != std::string::npos) continue;  // policy
      EXPECT_EQ(line.rfind("error: ", 0), 0u) << args << "\n" << r.output;
      ++errors;
    }
    EXPECT_GE(errors, 2) << args << "\n" << r.output;
  }
}

// 5,000 nested poisson nodes crashed `simulate` with a stack overflow.
TEST_F(SimulateCliTest, DeeplyNestedTrafficIsAnErrorNotACrash) {
  std::filesystem::create_directories(dir_);
  std::string traffic;
  for (int i = 0; i < 5000; ++i) traffic += R"({"kind": "poisson", "of": )";
  traffic += R"({"kind": "constant", "rate": 10})" + std::string(5000, '}');
  std::ofstream(dir_ / "deep.json") << R"({"blueprint": {"nome": "t", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 4}},
    {"tipo": "autoscale", "nome": "s", "config": {"alvo_recurso_id": "web",
     "metrica": "requests", "limiar": 60, "capacidade_por_replica": 100}}]},
  "duration_s": 60, "targets": {"web": {"traffic": )"
                                    << traffic << "}}}";
  const CliRun r = Limiar("simulate " + (dir_ / "deep.json").string());
  EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
  EXPECT_NE(r.output.find(": nested more than 40 levels deep; "), std::string::npos) << r.output;
  EXPECT_LT(r.output.size(), 2000u);
}

}  // namespace
