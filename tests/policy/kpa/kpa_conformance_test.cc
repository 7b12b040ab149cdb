// Runs every Knative KPA vector of ../shared/conformance/knative_kpa.json through the
// production decider; each case must pass.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "src/conformance/conformance.h"

namespace limiar::conformance {
namespace {

TEST(KpaConformanceTest, EveryKnativeCasePasses) {
  const char* shared = std::getenv("LIMIAR_SHARED_DIR");
  const std::string path =
      std::string(shared != nullptr ? shared : "../shared") + "/conformance/knative_kpa.json";
  if (!std::ifstream(path).good()) {
    GTEST_SKIP() << path << " is absent: set LIMIAR_SHARED_DIR to the shared spec folder";
  }
  absl::StatusOr<std::vector<CaseOutcome>> outcomes = RunConformanceFile(path);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_FALSE(outcomes->empty());
  int passed = 0;
  for (const CaseOutcome& o : *outcomes) {
    EXPECT_TRUE(o.passed) << o.id << " (" << o.name << ")\n  expected " << o.expected
                          << "\n  got      " << o.got;
    passed += o.passed ? 1 : 0;
  }
  RecordProperty("passed", passed);
  RecordProperty("cases", static_cast<int>(outcomes->size()));
}

// More cases of the same kinds, transcribed from the same upstream test file
// (autoscaler_test.go): scale-down delay, unreachable revisions, metric errors, explicit
// panic state, spec updates. They exercise the runner's schema beyond the shared vectors.
TEST(KpaConformanceTest, ExtraUpstreamCasesPass) {
  absl::StatusOr<std::vector<CaseOutcome>> outcomes =
      RunConformanceFile(std::string(LIMIAR_KPA_TESTDATA) + "/knative_kpa_extra.json");
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(outcomes->size(), 12u);
  for (const CaseOutcome& o : *outcomes) {
    EXPECT_TRUE(o.passed) << o.id << " (" << o.name << ")\n  expected " << o.expected
                          << "\n  got      " << o.got;
  }
}

}  // namespace
}  // namespace limiar::conformance
