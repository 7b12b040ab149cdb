#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "src/conformance/conformance.h"

namespace limiar::conformance {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(ConformanceRunnerTest, MissingFileIsNamed) {
  absl::StatusOr<std::vector<CaseOutcome>> r = RunConformanceFile("/no/such/cases.json");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/no/such/cases.json"), std::string::npos);
}

TEST(ConformanceRunnerTest, NonArrayIsRejected) {
  absl::StatusOr<std::vector<CaseOutcome>> r = RunConformanceFile(Write("c1.json", "{}"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);  // constants file
  r = RunConformanceFile(Write("c0.json", "\"cases\""));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = RunConformanceFile(Write("c2.json", "[1,"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConformanceRunnerTest, BadCasesFailIndividuallyAndTheRestRun) {
  absl::StatusOr<std::vector<CaseOutcome>> r =
      RunConformanceFile(Write("c3.json", R"([42, {"id": "x-1", "kind": "no_such_kind"},
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
