// Every case of the two HPA vector files must pass (../shared/conformance, SCHEMA.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "src/conformance/conformance.h"

namespace limiar::conformance {
namespace {

class HpaConformanceTest : public testing::TestWithParam<const char*> {};

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
                         testing::Values("hpa_replica_calc.json", "hpa_behavior.json"));

}  // namespace
}  // namespace limiar::conformance
