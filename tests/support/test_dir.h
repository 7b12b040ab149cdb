// A fresh folder for the running test, removed with everything in it when it goes away.
// Its name carries the test's name (for whoever reads a leftover) and a mkdtemp suffix, so
// tests run in parallel, and two folders in one test, never share one.
#ifndef LIMIAR_TESTS_SUPPORT_TEST_DIR_H_
#define LIMIAR_TESTS_SUPPORT_TEST_DIR_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "tests/support/scoped_temp_dir.h"

namespace limiar::testing {

// Writes `text` to `path` (truncating); a failure to write fails the test.
inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) ADD_FAILURE() << "cannot write " << path;
}

// Replaces `path` atomically with new contents (a new file renamed over it), as the kubelet
// and other well-behaved writers do: readers see another inode, never a half-written file.
inline void ReplaceFile(const std::string& path, const std::string& text) {
  const std::string temp = path + ".new";
  WriteFile(temp, text);
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) ADD_FAILURE() << "cannot rename " << temp << " to " << path << ": " << error.message();
}

class TestDir {
 public:
  TestDir() : dir_(Prefix()) {
    if (dir_.path().empty()) {
      ADD_FAILURE() << "mkdtemp " << Prefix() << "XXXXXX";
      std::abort();
    }
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const std::filesystem::path& path() const { return dir_.path(); }
  // The path of `name` in the folder; `dir / name` says the same.
  std::string File(const std::string& name) const { return dir_.File(name); }
  std::string operator/(const std::string& name) const { return File(name); }
  // Writes `text` to `name` in the folder and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = File(name);
    WriteFile(path, text);
    return path;
  }

 private:
  // No current test in SetUpTestSuite: a folder shared by a suite gets a plain name.
  static std::string Prefix() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string prefix = ::testing::TempDir() + "limiar_";
    if (info != nullptr) {
      prefix += std::string(info->test_suite_name()) + "_" + info->name() + "_";
    }
    return prefix;
  }

  ScopedTempDir dir_;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_TEST_DIR_H_
