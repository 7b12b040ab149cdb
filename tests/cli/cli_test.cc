// The `limiar` binary as a user runs it: exit codes 0 ok / 1 failure / 2 usage, and the
// shape of what each subcommand prints.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/cli/run_limiar.h"
#include "tests/support/test_dir.h"

namespace {

using limiar::testing::CliRun;
using limiar::testing::Limiar;

std::string Shared() {
  const char* dir = std::getenv("LIMIAR_SHARED_DIR");
  return dir == nullptr ? "../shared" : dir;
}

bool HaveShared() { return std::filesystem::exists(Shared() + "/conformance/SCHEMA.md"); }

TEST(CliTest, HelpOnEverySubcommandExitsZero) {
  for (const char* args :
       {"--help", "policy --help", "conformance --help", "simulate --help", "compare --help"}) {
    const CliRun r = Limiar(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << args;
  }
}

TEST(CliTest, UsageErrorsExitTwo) {
  for (const char* args : {"", "frobnicate", "policy", "policy --blueprint", "conformance",
                           "conformance /no/such/file.json", "policy --blueprint x --bogus"}) {
    const CliRun r = Limiar(args);
    EXPECT_EQ(r.exit_code, 2) << "limiar " << args << "\n" << r.output;
  }
}

TEST(CliTest, InvalidBlueprintExitsOneAndNamesThePath) {
  limiar::testing::TestDir dir;
  const std::string path = dir.Write("limiar_cli_bad.json", R"({"nome": "x", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 2, "replicas_max": 4}},
    {"tipo": "autoscale", "nome": "s", "config": {"alvo_recurso_id": "web", "metrica": "cpu", "limiar": 170}}]})");
  const CliRun r = Limiar("policy --blueprint " + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("recursos[1].config.limiar"), std::string::npos) << r.output;
}

// `serve --check` (what the chart's rendered configs are held to): exit 0 and what it would
// run, or 1 naming the config path at fault; it binds no port, so two checks never collide.
TEST(CliTest, ServeCheckSaysWhatWouldRunOrWhyNot) {
  limiar::testing::TestDir dir;
  const std::string blueprint = "tests/serve/testdata/restart.json";
  const std::string good = dir.Write("good.json", R"json({"grpc_listen": "0.0.0.0:7070",
    "actuator": {"kind": "kubernetes"},
    "leader_election": {"lease_name": "limiar", "namespace": "shop"},
    "sources": {"web": {"promql": {"server_address": "http://prometheus:9090",
                                   "query": "sum(rate(http_requests_total[1m]))"}}}})json");
  CliRun r = Limiar("serve --check --blueprint " + blueprint + " --config " + good);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 target(s): web"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("actuator: kubernetes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 promql"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("leader election: Lease limiar"), std::string::npos) << r.output;

  const std::string unknown_target = dir.Write("bad.json", R"json({"sources": {"wbe": {"promql":
    {"server_address": "http://prometheus:9090", "query": "up"}}}})json");
  r = Limiar("serve --check --blueprint " + blueprint + " --config " + unknown_target);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("sources.wbe"), std::string::npos) << r.output;

  const std::string typo = dir.Write("typo.json", R"json({"actuator": {"knd": "log"}})json");
  r = Limiar("serve --check --blueprint " + blueprint + " --config " + typo);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("actuator.knd"), std::string::npos) << r.output;
}

// `limiar forecast` on a trace it writes: four days of a daily cycle every 10 minutes,
// three fitted, the fourth forecast half an hour ahead; too little after the split is an error.
TEST(CliTest, ForecastScoresEveryForecasterOnATrace) {
  limiar::testing::TestDir dir;
  std::string csv = "t_seconds,value\n";
  for (int i = 0; i < 4 * 144; ++i) {
    const double load = 6000 + 3000 * std::sin(2 * 3.14159265358979 * i / 144.0);
    csv += std::to_string(i * 600) + "," + std::to_string(static_cast<int>(load)) + "\n";
  }
  const std::string trace = dir.Write("days.csv", csv);
  CliRun r = Limiar("forecast " + trace + " --train-days 3 --ahead-s 1800");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* name :
       {"seasonal_naive_daily", "holt_winters_add", "holt_winters_mul", "spectral", "auto chose"}) {
    EXPECT_NE(r.output.find(name), std::string::npos) << name << "\n" << r.output;
  }
  // The weekly naive cannot fit three days, and says so in its row.
  EXPECT_NE(r.output.find("needs one period of history (1008 steps)"), std::string::npos)
      << r.output;
  r = Limiar("forecast " + trace + " --train-days 4");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("lower --train-days"), std::string::npos) << r.output;
}

TEST(CliTest, PolicyPrintsEveryManagedTarget) {
  if (!HaveShared()) GTEST_SKIP() << "../shared is absent: skipping the shared-blueprint check";
  const CliRun r =
      Limiar("policy --blueprint " + Shared() + "/blueprints/ecommerce-high-traffic.json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("storefront"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("65"), std::string::npos) << r.output;
  const CliRun none =
      Limiar("policy --blueprint " + Shared() + "/blueprints/multi-region-active-active.json");
  EXPECT_EQ(none.exit_code, 0) << none.output;
  EXPECT_NE(none.output.find("no autoscale"), std::string::npos) << none.output;
}

TEST(CliTest, ConformanceOverSharedCasesAllPass) {
  if (!HaveShared()) GTEST_SKIP() << "../shared is absent: skipping the conformance suite";
  const std::string dir = Shared() + "/conformance/";
  // As the issue says: every file of the folder, the constants file included.
  const CliRun r = Limiar("conformance " + dir + "*.json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("defaults.json: a JSON object"), std::string::npos) << r.output;
}

TEST(CliTest, ConformanceReportsAWrongExpectationWithItsId) {
  limiar::testing::TestDir dir;
  // A real upstream case (3 pods at 50 % of a 30 % target -> 5) with a wrong expectation.
  const std::string path = dir.Write("limiar_cli_case.json", R"([{
    "id": "wrong-001", "kind": "resource_utilization", "name": "deliberately wrong",
    "input": {"metric_source": "resource", "resource": "cpu", "container": null,
      "current_replicas": 3, "target": {"type": "Utilization", "average_utilization": 30},
      "tolerance": {"scale_down": 0.1, "scale_up": 0.1},
      "pods": [
        {"name": "p0", "phase": "Running", "ready": true, "cpu_warmup": false, "deleting": false, "request_milli": 2000, "metric_milli": 600},
        {"name": "p1", "phase": "Running", "ready": true, "cpu_warmup": false, "deleting": false, "request_milli": 2000, "metric_milli": 1000},
        {"name": "p2", "phase": "Running", "ready": true, "cpu_warmup": false, "deleting": false, "request_milli": 2000, "metric_milli": 1400}]},
    "expect": {"desired_replicas": 6}, "requires": []}])");
  const CliRun r = Limiar("conformance " + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL wrong-001"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0 passed, 1 failed"), std::string::npos) << r.output;
}

TEST(CliTest, SimulateShowsDecisionsWithReasons) {
  const CliRun r = Limiar("simulate --decisions");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("storefront"), std::string::npos);
  // The 10x spike asks for more than replicas_max 8.
  EXPECT_NE(r.output.find("TooManyReplicas"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("decisions that changed storefront's replicas"), std::string::npos);
}

}  // namespace
