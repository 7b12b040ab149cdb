#include "src/kube/token_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "src/common/regular_file.h"

namespace limiar::kube {

TokenFile::TokenFile(std::string path) : path_(std::move(path)) {}

absl::StatusOr<std::string> TokenFile::Get() {
  MutexLock lock(&mu_);
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    const int err = errno;
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read token file ", path_, ": ", std::strerror(err)));
  }
  if (cached_ && st.st_ino == inode_ && st.st_size == size_ && st.st_mtim.tv_sec == mtime_.tv_sec &&
      st.st_mtim.tv_nsec == mtime_.tv_nsec) {
    return token_;
  }
  absl::StatusOr<std::string> text = ReadRegularFile(path_, kMaxCredentialFileBytes, "token file");
  if (!text.ok()) return absl::FailedPreconditionError(text.status().message());
  std::string token(absl::StripAsciiWhitespace(*text));
  if (token.empty())
    return absl::FailedPreconditionError(absl::StrCat("token file ", path_, " is empty"));
  token_ = std::move(token);
  inode_ = st.st_ino;
  size_ = st.st_size;
  mtime_ = st.st_mtim;
  cached_ = true;
  return token_;
}

void TokenFile::Invalidate() {
  MutexLock lock(&mu_);
  cached_ = false;
}

}  // namespace limiar::kube
