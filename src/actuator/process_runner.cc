#include "src/actuator/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace limiar::actuator {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Closes a file descriptor once, whatever path the function leaves by.
class Fd {
 public:
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

absl::Status MakePipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  // O_CLOEXEC: only the dup2'ed copies reach the child, never the originals, and no other
  // thread's concurrent spawn inherits them.
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  return absl::OkStatus();
}

int MillisUntil(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (left.count() <= 0) return 0;
  // Rounds up so that poll() does not wake just before the deadline and spin.
  return static_cast<int>(std::min<int64_t>(left.count() + 1, 1 << 30));
}

// Reads what is available from `fd` into `out`, keeping the first kMaxCapturedBytes, or
// with `keep_tail` the last ones (an error message is at the end of stderr); `*cut` is set
// when bytes were dropped from the head. False at end of file.
bool Drain(int fd, bool keep_tail, std::string* out, bool* cut) {
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  if (keep_tail) {
    out->append(buf, static_cast<size_t>(n));
    // Trimming only past twice the cap keeps the erase cost amortised.
    if (out->size() > 2 * kMaxCapturedBytes) out->erase(0, out->size() - kMaxCapturedBytes);
    return true;
  }
  const size_t room = kMaxCapturedBytes - std::min(kMaxCapturedBytes, out->size());
  if (static_cast<size_t>(n) > room) *cut = true;
  out->append(buf, std::min<size_t>(room, static_cast<size_t>(n)));
  return true;
}

absl::Status SpawnError(const std::string& program, int err) {
  const std::string message = absl::StrCat("cannot run \"", program, "\": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  const auto deadline =
      SteadyClock::now() + std::chrono::microseconds(absl::ToInt64Microseconds(timeout));

  Fd out_read, out_write, err_read, err_write;
  if (absl::Status s = MakePipe(&out_read, &out_write); !s.ok()) return s;
  if (absl::Status s = MakePipe(&err_read, &err_write); !s.ok()) return s;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A group of its own, so that a timeout kills the command and everything it started.
  posix_spawnattr_setpgroup(&attr, 0);
  // The service may ignore SIGPIPE (gRPC and curl ask for it) or block signals; a child
  // starts with the defaults, as from a shell.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const std::string& arg : argv) cargv.push_back(const_cast<char*>(arg.c_str()));
  cargv.push_back(nullptr);

  pid_t pid = -1;
  const int spawn_error = ::posix_spawnp(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawn_error != 0) return SpawnError(argv[0], spawn_error);
  // The parent's copies of the write ends must go, or the pipes never reach end of file.
  out_write.Close();
  err_write.Close();

  ProcessResult result;
  bool out_open = true, err_open = true;
  while ((out_open || err_open) && !result.timed_out) {
    pollfd fds[2];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_read.get(), POLLIN, 0};
    if (err_open) fds[n++] = {err_read.get(), POLLIN, 0};
    const int ready = ::poll(fds, n, MillisUntil(deadline));
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0) {
      result.timed_out = true;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      const bool is_out = fds[i].fd == out_read.get();
      bool stderr_cut = false;  // the tail of stderr is what matters; its cut goes unsaid
      if (!Drain(fds[i].fd, !is_out, is_out ? &result.stdout_text : &result.stderr_text,
                 is_out ? &result.stdout_truncated : &stderr_cut)) {
        (is_out ? out_open : err_open) = false;
      }
    }
  }

  // The pipes are closed, but the child may have closed them and gone on running: wait
  // for its exit up to the deadline as well.
  int status = 0;
  for (;;) {
    if (result.timed_out) ::kill(-pid, SIGKILL);  // the group id is the child's pid
    const pid_t done = ::waitpid(pid, &status, result.timed_out ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
    }
    if (done == 0) {
      if (MillisUntil(deadline) == 0) {
        result.timed_out = true;
      } else {
        ::poll(nullptr, 0, std::min(10, MillisUntil(deadline)));
      }
    }
  }
  if (result.stderr_text.size() > kMaxCapturedBytes) {
    result.stderr_text.erase(0, result.stderr_text.size() - kMaxCapturedBytes);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace limiar::actuator
