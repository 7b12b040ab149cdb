// A fresh temporary folder, removed with everything in it when it goes away: the one
// mkdtemp-and-remove_all for the tests (through TestDir) and the load generators under bench/.
// Free of gtest.
#ifndef LIMIAR_TESTS_SUPPORT_SCOPED_TEMP_DIR_H_
#define LIMIAR_TESTS_SUPPORT_SCOPED_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace limiar::testing {

class ScopedTempDir {
 public:
  // Makes `prefix` + a unique suffix; `prefix` is a path (e.g. "/tmp/limiar_x_"). When
  // mkdtemp fails, path() is empty and nothing is removed later.
  explicit ScopedTempDir(std::string prefix) {
    prefix += "XXXXXX";
    if (::mkdtemp(prefix.data()) != nullptr) path_ = prefix;
  }
  // In the system's temporary folder ($TMPDIR or /tmp), named `name` + a unique suffix.
  static std::string InTemp(const std::string& name) {
    return (std::filesystem::temp_directory_path() / (name + "_")).string();
  }
  ~ScopedTempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` in the folder.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_SCOPED_TEMP_DIR_H_
