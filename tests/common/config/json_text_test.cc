// JSON text within limits: positions, duplicate keys by path, depth by path.
#include "src/common/config/json_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace limiar::config {
namespace {

using ::testing::ElementsAre;

constexpr JsonTextLimits kLimits = {{1 << 20, 4}, "flatten it"};

TEST(ParseJson, DuplicateKeysByPathThroughArraysAndObjects) {
  Diagnostics d("t.json");
  auto j = ParseJson(R"({"a": 1, "l": [0, {"x": 1}, {"y": [1, 2], "y": 3}], "a": 2})", kLimits, d);
  ASSERT_TRUE(j.has_value());
  EXPECT_THAT(d.errors(), ElementsAre("t.json: l[2].y: duplicate key; JSON keeps only the last "
                                      "one; remove the other",
                                      "t.json: a: duplicate key; JSON keeps only the last one; "
                                      "remove the other"));
}

TEST(ParseJson, NumberOverflowIsAnError) {
  Diagnostics d("t.json");
  EXPECT_FALSE(ParseJson(R"({"a": 1e999})", kLimits, d).has_value());
  ASSERT_EQ(d.errors().size(), 1u);
  EXPECT_THAT(d.errors()[0], ::testing::StartsWith("t.json: invalid JSON: "));
}

TEST(ParseJson, TooDeepNamesThePathAndWhatToDo) {
  Diagnostics d("t.json");
  EXPECT_FALSE(ParseJson(R"({"a": [{"b": [{"c": 1}]}]})", kLimits, d).has_value());
  EXPECT_THAT(d.errors(),
              ElementsAre("t.json: a[0].b[0]: nested more than 4 levels deep; flatten it"));
}

TEST(ParseJson, SyntaxErrorsNameTheLine) {
  Diagnostics d("t.json");
  EXPECT_FALSE(ParseJson("{\n  \"a\": 1\n  \"b\": 2}", kLimits, d).has_value());
  ASSERT_EQ(d.errors().size(), 1u);
  EXPECT_THAT(d.errors()[0], ::testing::StartsWith("t.json:3:"));
}

TEST(ParseJson, TooLargeIsRefusedUnparsed) {
  Diagnostics d("t.json");
  EXPECT_FALSE(ParseJson(std::string(100, ' '), {{10, 4}, "flatten it"}, d).has_value());
  ASSERT_EQ(d.errors().size(), 1u);
  EXPECT_THAT(d.errors()[0], ::testing::HasSubstr("check the file"));
}

}  // namespace
}  // namespace limiar::config
