#include "src/common/bounded_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace limiar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BoundedJsonTest, ParsesWhatIsWithinTheLimits) {
  absl::StatusOr<nlohmann::json> v =
      ParseBoundedJson(R"({"a": [1, {"b": "[[[{{{"}], "c": "\"]"})", {}, "answer");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*v)["a"][1]["b"], "[[[{{{");
  EXPECT_TRUE(ParseBoundedJson(Nested(32), {}, "answer").ok());
}

TEST(BoundedJsonTest, RefusesDeepNestingBeforeParsing) {
  // 100,000 levels: the shape that crashed `serve` when an error message dumped it.
  const absl::StatusOr<nlohmann::json> v = ParseBoundedJson(Nested(100'000), {}, "webhook answer");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "webhook answer: nested more than 32 levels deep at byte 32");
  EXPECT_FALSE(ParseBoundedJson(Nested(5), {.max_bytes = 100, .max_depth = 4}, "x").ok());
}

TEST(BoundedJsonTest, BracketsInsideStringsDoNotCount) {
  const std::string text = "[\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"]";
  EXPECT_TRUE(ParseBoundedJson(text, {.max_bytes = 1 << 20, .max_depth = 1}, "x").ok());
}

TEST(BoundedJsonTest, RefusesOversizedText) {
  const absl::Status s = CheckJsonLimits(std::string(101, ' '), {.max_bytes = 100});
  EXPECT_THAT(s.message(), HasSubstr("101 bytes, over the limit of 100 bytes"));
}

TEST(BoundedJsonTest, SyntaxErrorsQuoteAShortEscapedExcerptOnly) {
  // An unterminated 1 MB string: nlohmann's own message would quote all of it.
  const std::string text = "\"" + std::string(1'000'000, 'z') + "\n";
  const absl::StatusOr<nlohmann::json> v =
      ParseBoundedJson(text, {.max_bytes = 2 << 20}, "promql answer");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("promql answer: not valid JSON"));
  EXPECT_LT(v.status().message().size(), 250u);
}

// Line and column of the token the parser choked on, without nlohmann's prefix (whose
// column is the byte where it stopped reading: 4 for the "u" of `nul`).
TEST(BoundedJsonTest, SyntaxErrorsNameTheLineAndColumnOfTheBadToken) {
  absl::StatusOr<nlohmann::json> v = ParseBoundedJson("{\n  grpc_listen: 1\n}", {}, "c.json");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()),
              StartsWith("c.json: not valid JSON at line 2, column 3: "));
  EXPECT_THAT(std::string(v.status().message()), Not(HasSubstr("json.exception")));
  v = ParseBoundedJson("[nul, 1]", {}, "answer");
  EXPECT_THAT(std::string(v.status().message()),
              StartsWith("answer: not valid JSON at line 1, column 2: "));
  v = ParseBoundedJson("[1 true]", {}, "answer");
  EXPECT_THAT(std::string(v.status().message()),
              StartsWith("answer: not valid JSON at line 1, column 4: "));
}

TEST(DescribeJsonValueTest, NamesShapesAndQuotesOnlyShortEscapedText) {
  using json = nlohmann::json;
  EXPECT_EQ(DescribeJsonValue(json(-4)), "-4");
  EXPECT_EQ(DescribeJsonValue(json(2.5)), "2.5");
  EXPECT_EQ(DescribeJsonValue(json(nullptr)), "null");
  EXPECT_EQ(DescribeJsonValue(json(true)), "true");
  EXPECT_EQ(DescribeJsonValue(json("two\nlines")), "a string \"two\\nlines\"");
  EXPECT_EQ(DescribeJsonValue(json(std::string(1000, 'x'))),
            "a string \"" + std::string(40, 'x') + "...\"");
  EXPECT_EQ(DescribeJsonValue(json::array({1})), "an array of 1 element");
  EXPECT_EQ(DescribeJsonValue(*ParseBoundedJson(Nested(30), {}, "x")), "an array of 1 element");
  EXPECT_EQ(DescribeJsonValue(json{{"a", 1}, {"b", 2}}), "an object of 2 keys");
}

}  // namespace
}  // namespace limiar
