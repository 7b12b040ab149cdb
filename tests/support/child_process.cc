#include "tests/support/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace limiar::testing {
namespace {

// What is kept of a child's output; the rest is read and dropped, so that a chatty child
// never blocks on a full pipe and a long load run does not grow without bound.
constexpr size_t kMaxOutput = 16 * 1024 * 1024;

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

int ExitCode(int wait_status) { return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1; }

absl::Status ChildProcess::Start(const std::vector<std::string>& argv,
                                 const std::string& stdin_file) {
  if (pid_ > 0 || reader_.joinable()) return absl::FailedPreconditionError("already started");
  if (argv.empty()) return absl::InvalidArgumentError("no program");
  name_ = argv[0];
  int log_pipe[2];
  if (::pipe2(log_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(
      &actions, STDIN_FILENO, stdin_file.empty() ? "/dev/null" : stdin_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_pipe[1], STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (std::string& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  const int rc = ::posix_spawnp(&pid_, name_.c_str(), &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(log_pipe[1]);
  if (rc != 0) {
    ::close(log_pipe[0]);
    pid_ = -1;
    return absl::InternalError(absl::StrCat("posix_spawn ", name_, ": ", std::strerror(rc)));
  }
  reader_ = std::thread([this, fd = log_pipe[0]] { ReadLoop(fd); });
  return absl::OkStatus();
}

void ChildProcess::ReadLoop(int fd) {
  std::string partial;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    MutexLock lock(&mu_);
    if (output_.size() >= kMaxOutput) continue;
    output_.append(buf, static_cast<size_t>(n));
    partial.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      lines_.push_back(partial.substr(start, nl - start));
    }
    partial.erase(0, start);
    changed_.SignalAll();
  }
  ::close(fd);
  // Wait for the exit without reaping, so that Signal() (which holds mu_) can never hit a
  // pid the kernel has handed to another process; then reap under the lock.
  siginfo_t info;
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  MutexLock lock(&mu_);
  if (!partial.empty()) lines_.push_back(std::move(partial));
  while (::waitpid(pid_, &wait_status_, 0) < 0 && errno == EINTR) {
  }
  exited_ = true;
  changed_.SignalAll();
}

absl::Status ChildProcess::WaitUntil(const std::function<bool()>& ready, absl::Duration bound,
                                     absl::Duration poll) {
  if (!reader_.joinable()) return absl::FailedPreconditionError("not started");
  const absl::Time give_up = absl::Now() + bound;
  while (!ready()) {
    MutexLock lock(&mu_);
    if (exited_) {
      return absl::InternalError(absl::StrCat(name_, " exited (status ", wait_status_,
                                              ") before it was ready; its log:\n", output_));
    }
    const absl::Duration left = give_up - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat(
          name_, " was not ready after ", absl::FormatDuration(bound), "; its log:\n", output_));
    }
    changed_.WaitWithTimeout(&mu_, std::min(poll, left));
  }
  return absl::OkStatus();
}

size_t ChildProcess::LineCount() const {
  MutexLock lock(&mu_);
  return lines_.size();
}

std::optional<std::string> ChildProcess::WaitForLine(
    const std::function<bool(const std::string&)>& match, size_t from, absl::Duration timeout,
    size_t* index) {
  const CondVar::Deadline deadline = CondVar::After(timeout);
  MutexLock lock(&mu_);
  for (;;) {
    for (; from < lines_.size(); ++from) {
      if (!match(lines_[from])) continue;
      if (index != nullptr) *index = from;
      return lines_[from];
    }
    if (exited_ || changed_.WaitUntil(&mu_, deadline)) break;
  }
  // One last look: the final lines and the exit may have come together.
  for (; from < lines_.size(); ++from) {
    if (!match(lines_[from])) continue;
    if (index != nullptr) *index = from;
    return lines_[from];
  }
  return std::nullopt;
}

std::optional<std::string> ChildProcess::WaitForLine(const std::string& needle, size_t from,
                                                     absl::Duration timeout, size_t* index) {
  return WaitForLine(
      [&needle](const std::string& l) { return l.find(needle) != std::string::npos; }, from,
      timeout, index);
}

std::vector<std::string> ChildProcess::Lines() const {
  MutexLock lock(&mu_);
  return lines_;
}

std::string ChildProcess::Output() const {
  MutexLock lock(&mu_);
  return output_;
}

void ChildProcess::Signal(int signal) {
  MutexLock lock(&mu_);
  if (!exited_ && pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::WaitExit(absl::Duration timeout) {
  if (!reader_.joinable()) return std::nullopt;
  const bool forever = timeout == absl::InfiniteDuration();
  const CondVar::Deadline deadline = CondVar::After(forever ? absl::ZeroDuration() : timeout);
  MutexLock lock(&mu_);
  while (!exited_) {
    if (forever) {
      changed_.Wait(&mu_);
    } else if (changed_.WaitUntil(&mu_, deadline)) {
      if (!exited_) return std::nullopt;
    }
  }
  return wait_status_;
}

void ChildProcess::Stop(int signal) {
  if (!reader_.joinable()) return;
  Signal(signal);
  reader_.join();  // returns once the child has exited and been reaped
}

}  // namespace limiar::testing
