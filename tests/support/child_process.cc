#include "tests/support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace limiar::testing {
namespace {

constexpr size_t kMaxLog = 64 * 1024;

}  // namespace

std::string FindProgram(const std::string& program) {
  const char* path_env = std::getenv("PATH");
  std::vector<std::string> dirs = absl::StrSplit(path_env ? path_env : "", ':', absl::SkipEmpty());
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    std::string candidate = absl::StrCat(dir, "/", program);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

absl::Status ChildProcess::Start(const std::vector<std::string>& argv) {
  if (pid_ > 0) return absl::FailedPreconditionError("already started");
  if (argv.empty()) return absl::InvalidArgumentError("no program");
  name_ = argv[0];
  int log_pipe[2];
  if (::pipe2(log_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_pipe[1], STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (std::string& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, name_.c_str(), &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(log_pipe[1]);
  log_fd_ = log_pipe[0];
  if (rc != 0) {
    pid_ = -1;
    return absl::InternalError(absl::StrCat("posix_spawn ", name_, ": ", std::strerror(rc)));
  }
  return absl::OkStatus();
}

absl::Status ChildProcess::WaitUntil(const std::function<bool()>& ready, absl::Duration bound,
                                     absl::Duration poll) {
  const absl::Time give_up = absl::Now() + bound;
  while (true) {
    if (ready()) return absl::OkStatus();
    if (pid_ <= 0) return absl::FailedPreconditionError(absl::StrCat(name_, " is not running"));
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      DrainLog(0);
      return absl::InternalError(absl::StrCat(name_, " exited (status ", status,
                                              ") before it was ready; its log:\n", log_));
    }
    if (absl::Now() >= give_up) {
      return absl::DeadlineExceededError(absl::StrCat(
          name_, " was not ready after ", absl::FormatDuration(bound), "; its log:\n", log_));
    }
    DrainLog(static_cast<int>(absl::ToInt64Milliseconds(poll)));
  }
}

void ChildProcess::Stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = -1;
}

void ChildProcess::DrainLog(int timeout_ms) {
  if (log_fd_ < 0) return;
  pollfd p{log_fd_, POLLIN, 0};
  while (::poll(&p, 1, timeout_ms) > 0) {
    char buf[4096];
    const ssize_t n = ::read(log_fd_, buf, sizeof(buf));
    if (n <= 0) {
      // The child closed its end (exited): nothing more will come, and poll would keep
      // answering at once; the exit is seen by waitpid on the next round.
      ::close(log_fd_);
      log_fd_ = -1;
      return;
    }
    if (log_.size() < kMaxLog) log_.append(buf, static_cast<size_t>(n));
    timeout_ms = 0;
  }
}

}  // namespace limiar::testing
