#include "src/common/bearer_token.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_dir.h"

namespace limiar {
namespace {

TEST(BearerTokenTest, MatchesOnlyTheExactTokenAfterTheScheme) {
  EXPECT_TRUE(BearerTokenMatches("Bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cret ", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer S3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("", "s3cret"));
}

TEST(BearerTokenTest, ATokenFileIsTrimmedAndMustNotBeEmpty) {
  const testing::TestDir dir;
  const std::string token = dir.Write("token", "  s3cret\n");
  absl::StatusOr<std::string> read = ReadBearerTokenFile(token, "admin token file");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "s3cret");

  const std::string blank = dir.Write("blank", " \n\t");
  read = ReadBearerTokenFile(blank, "admin token file");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(read.status().message(), "admin token file " + blank + " is empty");

  read = ReadBearerTokenFile("", "admin token file");  // none configured
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "");
  EXPECT_FALSE(ReadBearerTokenFile(dir.File("absent"), "admin token file").ok());
}

}  // namespace
}  // namespace limiar
