// Every case of the two HPA vector files must pass (../shared/conformance, SCHEMA.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "src/conformance/conformance.h"
#include "tests/support/test_dir.h"

namespace limiar::conformance {
namespace {

class HpaConformanceTest : public ::testing::TestWithParam<const char*> {};

TEST_P(HpaConformanceTest, EveryCasePasses) {
  const char* shared = std::getenv("LIMIAR_SHARED_DIR");
  if (shared == nullptr) GTEST_SKIP() << "LIMIAR_SHARED_DIR is not set";
  const std::string path = std::string(shared) + "/conformance/" + GetParam();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  absl::StatusOr<std::vector<CaseOutcome>> outcomes = RunConformanceFile(path);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_FALSE(outcomes->empty());
  int passed = 0;
  for (const CaseOutcome& o : *outcomes) {
    EXPECT_TRUE(o.passed) << o.id << " " << o.name << "\n  expected " << o.expected
                          << "\n  got      " << o.got;
    passed += o.passed ? 1 : 0;
  }
  std::cout << GetParam() << ": " << passed << "/" << outcomes->size() << " passed\n";
}

INSTANTIATE_TEST_SUITE_P(Files, HpaConformanceTest,
                         ::testing::Values("hpa_replica_calc.json", "hpa_behavior.json"));

absl::StatusOr<std::vector<CaseOutcome>> RunText(const std::string& text) {
  const limiar::testing::TestDir dir;
  return RunConformanceFile(dir.Write("case.json", text));
}

// groupPods returns sets: the runner must not depend on the order of the names.
TEST(HpaConformanceRunnerTest, PodGroupsAreComparedAsSets) {
  absl::StatusOr<std::vector<CaseOutcome>> r = RunText(R"([{
    "id": "t-1", "kind": "pod_grouping",
    "input": {"resource": "cpu", "cpu_initialization_period_s": 120,
              "delay_of_initial_readiness_status_s": 10,
              "pods": [{"name": "a", "phase": "Pending", "metric": null, "deleting": false},
                       {"name": "b", "phase": "Running", "start_age_s": 0,
                        "ready_condition": null, "metric": {"age_s": null},
                        "deleting": false}]},
    "expect": {"ready_count": 0, "unready": ["b", "a"], "missing": [], "ignored": []}}])");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].passed) << (*r)[0].got;
}

TEST(HpaConformanceRunnerTest, WrongExpectationFailsWithBothSides) {
  absl::StatusOr<std::vector<CaseOutcome>> r = RunText(R"([{
    "id": "t-2", "kind": "legacy_clamp",
    "input": {"current_replicas": 5, "desired_replicas": 7, "min_replicas": 3,
              "max_replicas": 8, "scale_up_limit_factor": 2, "scale_up_limit_minimum": 4},
    "expect": {"desired_replicas": 6, "condition_reason": "DesiredWithinRange"}}])");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_FALSE((*r)[0].passed);
  EXPECT_EQ((*r)[0].expected, R"({"condition_reason":"DesiredWithinRange","desired_replicas":6})");
  EXPECT_EQ((*r)[0].got, R"({"condition_reason":"DesiredWithinRange","desired_replicas":7})");
}

}  // namespace
}  // namespace limiar::conformance
