#include "src/common/regular_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class ReadRegularFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "regular_file_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
};

TEST_F(ReadRegularFileTest, ReadsAFileUpToTheCapInclusive) {
  EXPECT_EQ(*ReadRegularFile(Write("a", "0123456789"), 10, "blueprint"), "0123456789");
  EXPECT_EQ(*ReadRegularFile(Write("empty", ""), 10, "blueprint"), "");
  const std::string big(100'000, 'x');
  EXPECT_EQ(*ReadRegularFile(Write("big", big), big.size(), "blueprint"), big);
}

TEST_F(ReadRegularFileTest, LargerThanTheCapIsRefused) {
  const std::string path = Write("a", "0123456789!");
  const absl::Status s = ReadRegularFile(path, 10, "blueprint").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("blueprint " + path), HasSubstr("11 bytes"),
                                 HasSubstr("limit of 10 bytes")));
}

// Neither may block or read without end: each must come back at once with the reason.
TEST_F(ReadRegularFileTest, FifoDeviceAndDirectoryAreRefused) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string link = dir_ + "/zero";
  ASSERT_EQ(::symlink("/dev/zero", link.c_str()), 0);
  const std::pair<std::string, std::string> cases[] = {{fifo, "a FIFO"},
                                                       {"/dev/zero", "a character device"},
                                                       {link, "a character device"},
                                                       {dir_, "a directory"}};
  for (const auto& [path, kind] : cases) {
    const absl::Status s = ReadRegularFile(path, 1 << 20, "blueprint").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << path;
    EXPECT_THAT(s.message(), AllOf(HasSubstr("blueprint " + path), HasSubstr("not a regular file"),
                                   HasSubstr(kind)));
  }
}

TEST_F(ReadRegularFileTest, MissingFileIsNotFound) {
  const absl::Status s = ReadRegularFile(dir_ + "/nope", 10, "blueprint").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), AllOf(HasSubstr(dir_ + "/nope"), HasSubstr("check the path")));
}

}  // namespace
}  // namespace limiar
