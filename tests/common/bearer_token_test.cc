#include "src/common/bearer_token.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

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
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("limiar_token_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string token = (dir / "token").string();
  std::ofstream(token) << "  s3cret\n";
  absl::StatusOr<std::string> read = ReadBearerTokenFile(token, "admin token file");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "s3cret");

  const std::string blank = (dir / "blank").string();
  std::ofstream(blank) << " \n\t";
  read = ReadBearerTokenFile(blank, "admin token file");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(read.status().message(), "admin token file " + blank + " is empty");

  read = ReadBearerTokenFile("", "admin token file");  // none configured
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "");
  EXPECT_FALSE(ReadBearerTokenFile((dir / "absent").string(), "admin token file").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace limiar
