#include "src/actuator/scale_state_parse.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar::actuator {
namespace {

using ::testing::HasSubstr;

TEST(ParseScaleStateTest, TwoIntegers) {
  absl::StatusOr<ScaleState> s = ParseScaleStateText("\n 5\t4 \n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->spec_replicas, 5);
  EXPECT_EQ(s->ready_replicas, 4);
}

TEST(ParseScaleStateTest, Json) {
  absl::StatusOr<ScaleState> s =
      ParseScaleStateText(R"( {"ready_replicas": 0, "spec_replicas": 2, "note": "x"} )");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->spec_replicas, 2);
  EXPECT_EQ(s->ready_replicas, 0);
}

TEST(ParseScaleStateTest, Errors) {
  EXPECT_THAT(ParseScaleStateText("5").status().message(), HasSubstr("SPEC READY"));
  EXPECT_THAT(ParseScaleStateText("5 4 3").status().message(), HasSubstr("SPEC READY"));
  EXPECT_THAT(ParseScaleStateText("-1 0").status().message(), HasSubstr("non-negative"));
  EXPECT_THAT(ParseScaleStateText("five 4").status().message(), HasSubstr("\"five 4\""));
  EXPECT_THAT(ParseScaleStateJson(R"({"spec_replicas": 2})").status().message(),
              HasSubstr("missing \"ready_replicas\""));
  EXPECT_THAT(
      ParseScaleStateJson(R"({"spec_replicas": 2.5, "ready_replicas": 1})").status().message(),
      HasSubstr("\"spec_replicas\" must be a non-negative integer"));
  EXPECT_THAT(ParseScaleStateJson(R"({"spec_replicas": 3000000000, "ready_replicas": 1})")
                  .status()
                  .message(),
              HasSubstr("non-negative integer"));
  EXPECT_THAT(ParseScaleStateJson("[1, 2]").status().message(), HasSubstr("JSON object"));
  EXPECT_THAT(ParseScaleStateJson("{oops").status().message(),
              HasSubstr("scale state: not valid JSON"));
}

// `[[[...1...]]]`, `depth` levels deep.
std::string Nested(int depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

TEST(ParseScaleStateTest, DeepNestingIsRefusedBeforeAnythingDumpsIt) {
  // 100 KB, 50,000 levels: dumping it into the error message overflowed the stack.
  const std::string text =
      absl::StrCat(R"({"spec_replicas": )", Nested(50'000), R"(, "ready_replicas": 1})");
  const absl::StatusOr<ScaleState> s = ParseScaleStateJson(text);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("nested more than 32 levels deep"));
  EXPECT_LT(s.status().message().size(), 300u);
}

TEST(ParseScaleStateTest, WrongValuesAreDescribedNotEchoed) {
  const std::string huge = std::string(100'000, 'x');
  const absl::StatusOr<ScaleState> s = ParseScaleStateJson(
      absl::StrCat(R"({"spec_replicas": ")", huge, R"(", "ready_replicas": 1})"));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("\"spec_replicas\" must be a non-negative integer"));
  EXPECT_LT(s.status().message().size(), 300u);
  // Within the depth limit, but an array is still named by its shape, not printed.
  EXPECT_THAT(ParseScaleStateJson(
                  absl::StrCat(R"({"spec_replicas": )", Nested(20), R"(, "ready_replicas": 1})"))
                  .status()
                  .message(),
              HasSubstr("got an array"));
  EXPECT_THAT(
      ParseScaleStateJson(R"({"spec_replicas": -4, "ready_replicas": 1})").status().message(),
      HasSubstr("got -4"));
}

TEST(ParseScaleStateTest, OversizedAnswerIsRefused) {
  const std::string text = absl::StrCat(R"({"spec_replicas": 1, "ready_replicas": 1, "pad": ")",
                                        std::string(2 << 20, ' '), "\"}");
  EXPECT_THAT(ParseScaleStateJson(text).status().message(), HasSubstr("over the limit of"));
}

}  // namespace
}  // namespace limiar::actuator
