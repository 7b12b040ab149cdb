// The collector every config reader reports to, and the JSON paths its lines name.
#include "src/common/config/diagnostics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/config/json_path.h"

namespace limiar::config {
namespace {

using ::testing::ElementsAre;

TEST(Paths, ReadLikeTheBlueprint) {
  EXPECT_EQ(Child("", "recursos"), "recursos");
  EXPECT_EQ(Child(Index("recursos", 8), "config"), "recursos[8].config");
  EXPECT_EQ(Child(Child("recursos[8].config", "limiar"), "x"), "recursos[8].config.limiar.x");
}

TEST(Diagnostics, StatusHasOneLinePerError) {
  Diagnostics d("f.json");
  EXPECT_TRUE(d.ToStatus().ok());
  d.Error("a.b", "wrong", "fix it");
  d.Error("", "root problem", "");
  d.Warning("c", "odd", "look");
  EXPECT_EQ(d.ToStatus().message(), "f.json: a.b: wrong; fix it\nf.json: (root): root problem");
  EXPECT_THAT(d.warnings(), ElementsAre("c: odd; look"));
  EXPECT_EQ(ProblemCount(d.ToStatus()), 2);
}

TEST(Diagnostics, WithoutASourceLinesStartWithThePath) {
  Diagnostics d("");
  d.Error("actuator.kind", "required", "");
  d.Error("actuator.retries", "unknown key", "did you mean retry?");
  EXPECT_EQ(d.ToStatus().message(),
            "actuator.kind: required\nactuator.retries: unknown key; did you mean retry?");
}

TEST(Diagnostics, ListsAHundredAndCountsTheRestAcrossIncludedFiles) {
  Diagnostics included("b.json");
  for (int i = 0; i < 150; ++i) included.Error("k", "duplicate key", "");
  for (int i = 0; i < 101; ++i) included.Warning("w", "odd", "");
  Diagnostics d("s.json");
  d.Error("targets", "empty", "add one");
  d.AddErrorsOf(included);
  EXPECT_EQ(d.error_count(), 151u);
  ASSERT_EQ(d.errors().size(), 100u);
  EXPECT_EQ(d.errors()[1], "b.json: k: duplicate key");
  const absl::Status s = d.ToStatus();
  EXPECT_EQ(ProblemCount(s), 151);
  EXPECT_THAT(std::string(s.message()),
              ::testing::EndsWith("\ns.json: and 51 more problems, not listed; fix the ones "
                                  "above first"));
  ASSERT_EQ(included.warnings().size(), 101u);
  EXPECT_EQ(included.warnings().back(), "and 1 more warnings, not listed");
  EXPECT_EQ(ProblemCount(absl::InvalidArgumentError("a\nb")), 2);
}

TEST(ErrorsSince, OnlyTheErrorsReportedAfterIt) {
  Diagnostics d("f.json");
  d.Error("elsewhere", "broken", "");
  const ErrorsSince mine(d);
  EXPECT_FALSE(mine.any());
  d.Warning("w", "odd", "");
  EXPECT_FALSE(mine.any());
  d.Error("mine", "broken", "");
  EXPECT_TRUE(mine.any());
}

TEST(ReadAsStatus, TheValueOrEveryProblem) {
  absl::StatusOr<int> ok = ReadAsStatus<int>([](Diagnostics&) { return std::optional<int>(7); });
  EXPECT_EQ(ok.value_or(0), 7);
  absl::StatusOr<int> bad = ReadAsStatus<int>([](Diagnostics& d) {
    d.Error("actuator.kind", "required", "");
    d.Error("actuator.retry", "must be an object, got array", "");
    return std::optional<int>();
  });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "actuator.kind: required\nactuator.retry: must be an object, got array");
}

// A key holding a newline must not forge a second line, nor a long one flood the output.
TEST(Diagnostics, QuotedPartsAreCutAndEscaped) {
  Diagnostics d("f.json");
  d.Error(std::string(500, 'k'), "unknown key\nf.json: all good", "");
  ASSERT_EQ(d.errors().size(), 1u);
  EXPECT_EQ(d.errors()[0].find('\n'), std::string::npos);
  EXPECT_LT(d.errors()[0].size(), 300u);
}

}  // namespace
}  // namespace limiar::config
