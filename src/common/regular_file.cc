#include "src/common/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace limiar {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

absl::StatusOr<std::string> ReadRegularFile(const std::string& path, size_t max_bytes,
                                            absl::string_view what) {
  const std::string where = absl::StrCat(what, " ", path);
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    return absl::NotFoundError(
        absl::StrCat(where, ": cannot open: ", std::strerror(errno), "; check the path"));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(where, ": cannot stat: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, ": not a regular file (", KindOf(st.st_mode), "); point it at a file on disk"));
  }
  auto too_large = [&](absl::string_view size) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": ", size, " bytes, over the limit of ", max_bytes, " bytes"));
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_large(absl::StrCat(st.st_size));
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  // One byte past the cap is asked for, so that a file growing while it is read is caught.
  for (;;) {
    if (got == text.size()) {
      if (text.size() > max_bytes) return too_large(absl::StrCat("more than ", max_bytes));
      text.resize(std::min(max_bytes + 1, std::max<size_t>(text.size() * 2, 4096)));
    }
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return absl::NotFoundError(absl::StrCat(where, ": cannot read: ", std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > max_bytes) return too_large(absl::StrCat("more than ", max_bytes));
  text.resize(got);
  return text;
}

}  // namespace limiar
