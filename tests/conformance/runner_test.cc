#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "src/conformance/conformance.h"
#include "tests/support/test_dir.h"

namespace limiar::conformance {
namespace {

TEST(ConformanceRunnerTest, MissingFileIsNamed) {
  absl::StatusOr<std::vector<CaseOutcome>> r = RunConformanceFile("/no/such/cases.json");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/no/such/cases.json"), std::string::npos);
}

TEST(ConformanceRunnerTest, NonArrayIsRejected) {
  limiar::testing::TestDir dir;
  absl::StatusOr<std::vector<CaseOutcome>> r = RunConformanceFile(dir.Write("c1.json", "{}"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);  // constants file
  r = RunConformanceFile(dir.Write("c0.json", "\"cases\""));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = RunConformanceFile(dir.Write("c2.json", "[1,"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConformanceRunnerTest, BadCasesFailIndividuallyAndTheRestRun) {
  limiar::testing::TestDir dir;
  absl::StatusOr<std::vector<CaseOutcome>> r =
      RunConformanceFile(dir.Write("c3.json", R"([42, {"id": "x-1", "kind": "no_such_kind"},
                           {"id": "x-2", "kind": "legacy_clamp", "input": {"current_replicas": "five"}}])"));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].id, "[0]");
  EXPECT_FALSE((*r)[0].passed);
  EXPECT_EQ((*r)[1].id, "x-1");
  EXPECT_NE((*r)[1].got.find("unknown kind"), std::string::npos);
  EXPECT_EQ((*r)[2].id, "x-2");
  EXPECT_FALSE((*r)[2].passed);
}

}  // namespace
}  // namespace limiar::conformance
