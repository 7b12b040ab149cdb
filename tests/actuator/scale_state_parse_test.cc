#include "src/actuator/scale_state_parse.h"

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
  EXPECT_THAT(ParseScaleStateJson("{oops").status().message(), HasSubstr("JSON object"));
}

}  // namespace
}  // namespace limiar::actuator
