#include "src/common/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace limiar {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

// "a blueprint file", "an endpoints file", "a tls.cert_file": what to give instead.
std::string AFileOf(absl::string_view what) {
  const bool vowel =
      !what.empty() && absl::string_view("aeiouAEIOU").find(what[0]) != absl::string_view::npos;
  const bool names_a_file = absl::EndsWith(what, "file");
  return absl::StrCat(vowel ? "an " : "a ", what, names_a_file ? "" : " file");
}

absl::Status CannotRead(const std::string& path, absl::string_view what, int err) {
  const std::string message =
      absl::StrCat(path, ": cannot read the ", what, ": ", std::strerror(err), "; check the path");
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::FailedPreconditionError(message);
}

}  // namespace

absl::StatusOr<RegularFile> RegularFile::Open(const std::string& path, size_t max_bytes,
                                              absl::string_view what) {
  // O_NONBLOCK: a FIFO's open would otherwise wait for a writer before fstat could refuse it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return CannotRead(path, what, errno);
  RegularFile file(fd, 0);
  struct stat st;
  if (::fstat(fd, &st) != 0) return CannotRead(path, what, errno);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": cannot read the ", what,
                                                      ": not a regular file (", KindOf(st.st_mode),
                                                      "); give the path of ", AFileOf(what)));
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", size, " bytes, over the limit of ",
                                                   max_bytes, " bytes for ", AFileOf(what),
                                                   "; check the path"));
  }
  // Reads of a regular file never block; clearing the flag keeps later users unsurprised.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  file.size_ = size;
  return file;
}

RegularFile::RegularFile(RegularFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

RegularFile& RegularFile::operator=(RegularFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

RegularFile::~RegularFile() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<std::string> RegularFile::ReadAll(const std::string& path) const {
  std::string text(size_, '\0');
  size_t done = 0;
  while (done < size_) {
    const ssize_t n = ::pread(fd_, text.data() + done, size_ - done, static_cast<off_t>(done));
    if (n == 0) break;  // shrank since Open
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  return text;
}

absl::StatusOr<std::string> ReadRegularFile(const std::string& path, size_t max_bytes,
                                            absl::string_view what) {
  absl::StatusOr<RegularFile> file = RegularFile::Open(path, max_bytes, what);
  if (!file.ok()) return file.status();
  return file->ReadAll(path);
}

}  // namespace limiar
