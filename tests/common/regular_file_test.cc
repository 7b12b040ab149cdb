#include "src/common/regular_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_dir.h"

namespace limiar {
namespace {

using ::testing::HasSubstr;

class RegularFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  testing::TestDir dir_;
};

TEST_F(RegularFileTest, ReadsAFileWithinTheLimit) {
  const std::string path = Write("a.json", "{\"a\": 1}\n");
  absl::StatusOr<std::string> text = ReadRegularFile(path, 9, "blueprint");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "{\"a\": 1}\n");
  absl::StatusOr<std::string> empty = ReadRegularFile(Write("e.json", ""), 0, "blueprint");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, "");
}

TEST_F(RegularFileTest, OneByteOverTheLimitIsRefusedUnread) {
  const std::string path = Write("a.json", "0123456789");
  absl::StatusOr<std::string> text = ReadRegularFile(path, 9, "scenario");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(),
            path + ": 10 bytes, over the limit of 9 bytes for a scenario file; check the path");
}

TEST_F(RegularFileTest, MissingFileIsNotFound) {
  const std::string path = dir_ / "absent.csv";
  absl::StatusOr<std::string> text = ReadRegularFile(path, 100, "trace");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(text.status().message(),
            path + ": cannot read the trace: No such file or directory; check the path");
}

// Each of these would hang or read forever if opened and read as a file.
TEST_F(RegularFileTest, FifoFolderAndDeviceAreRefusedAtOnce) {
  const std::string fifo = dir_ / "f.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& [path, kind] : {std::pair<std::string, std::string>{fifo, "a FIFO"},
                                   {dir_.path().string(), "a folder"},
                                   {"/dev/zero", "a character device"}}) {
    absl::StatusOr<RegularFile> file = RegularFile::Open(path, 1 << 20, "trace");
    ASSERT_FALSE(file.ok()) << path;
    EXPECT_EQ(file.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(file.status().message(),
              absl::StrCat(path, ": cannot read the trace: not a regular file (", kind,
                           "); give the path of a trace file"));
  }
}

TEST_F(RegularFileTest, OpenGivesTheSizeAndTheDescriptorMoves) {
  const std::string path = Write("t.csv", "t_seconds,value\n");
  absl::StatusOr<RegularFile> file = RegularFile::Open(path, 100, "trace");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->size(), 16u);
  RegularFile moved = *std::move(file);
  EXPECT_GE(moved.fd(), 0);
  absl::StatusOr<std::string> text = moved.ReadAll(path);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("t_seconds"));
}

}  // namespace
}  // namespace limiar
