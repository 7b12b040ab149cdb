// Reading a file that a user or a client names (a blueprint, a scenario, a trace), bounded.
// A path may name anything: /dev/zero never ends, and opening a FIFO for reading waits for a
// writer forever. So the file is opened without blocking, checked with fstat to be a regular
// file no larger than a limit, and only then read.
#ifndef LIMIAR_COMMON_REGULAR_FILE_H_
#define LIMIAR_COMMON_REGULAR_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar {

// An open regular file of at most a given size. Move-only; closes on destruction.
class RegularFile {
 public:
  // Errors start with `path` and say what to do; `what` names the file's role ("blueprint"):
  // NotFound (no such file), PermissionDenied, FailedPrecondition (a folder, a FIFO, a
  // device...), InvalidArgument (over `max_bytes`, e.g. "16777217 bytes, over the limit of
  // 16777216 bytes for a blueprint").
  static absl::StatusOr<RegularFile> Open(const std::string& path, size_t max_bytes,
                                          absl::string_view what);

  RegularFile(RegularFile&& other) noexcept;
  RegularFile& operator=(RegularFile&& other) noexcept;
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
  ~RegularFile();

  int fd() const { return fd_; }
  // As fstat saw it at Open.
  size_t size() const { return size_; }

  // The whole file, read from the start: at most the size seen at Open, so a file that grows
  // meanwhile cannot push the read past the limit.
  absl::StatusOr<std::string> ReadAll(const std::string& path) const;

 private:
  RegularFile(int fd, size_t size) : fd_(fd), size_(size) {}

  int fd_ = -1;
  size_t size_ = 0;
};

// The most read of a credential or certificate file: tokens, keys, certificates and CA
// bundles (Debian's whole CA bundle is about 200 KB).
inline constexpr size_t kMaxCredentialFileBytes = 1 << 20;

// RegularFile::Open, then ReadAll.
absl::StatusOr<std::string> ReadRegularFile(const std::string& path, size_t max_bytes,
                                            absl::string_view what);

}  // namespace limiar

#endif  // LIMIAR_COMMON_REGULAR_FILE_H_
