// A program started as a child process by a test or a load generator (`limiar serve`, a real
// Prometheus, a node exporter, a `limiar` client command): started by argv, its stdout and
// stderr read by a thread into lines, so that waits are on "the first line that matches" or
// on a readiness condition with a bound, never a fixed sleep; stopped by its pid whatever
// the caller's outcome. Free of gtest, so the benchmarks under bench/ use it too.
#ifndef LIMIAR_TESTS_SUPPORT_CHILD_PROCESS_H_
#define LIMIAR_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/common/mutex.h"

namespace limiar::testing {

// The path of `program` in $PATH or /usr/bin (where Debian puts servers), or "".
std::string FindProgram(const std::string& program);

class ChildProcess {
 public:
  ChildProcess() = default;
  // Stops the child with SIGTERM if it still runs (see Stop).
  virtual ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (looked up in $PATH when it has no '/'; no shell) with `argv`; stdin is
  // `stdin_file` (or /dev/null when empty), stdout and stderr go to one pipe that a thread
  // reads. The pipe is close-on-exec, so a later child never holds this one's open.
  absl::Status Start(const std::vector<std::string>& argv, const std::string& stdin_file = "");

  // Polls `ready` until it holds, waiting up to `poll` for the child's next output between
  // polls (servers log as they start); gives up after `bound` or as soon as the child exits.
  // Either error carries the log.
  absl::Status WaitUntil(const std::function<bool()>& ready,
                         absl::Duration bound = absl::Seconds(10),
                         absl::Duration poll = absl::Milliseconds(50));

  // How long a wait for a line or the exit takes at most unless told: generous, as the
  // machine may have two cores and other builds running; a passing run waits far less.
  static constexpr absl::Duration kDefaultWait = absl::Seconds(20);

  // Number of lines read so far: the index the next line will have.
  size_t LineCount() const;
  // The first line with index >= `from` that satisfies `match`, waiting up to `timeout`;
  // nullopt on timeout or when the child has exited without printing one. `index`, when
  // given, receives the line's index.
  std::optional<std::string> WaitForLine(const std::function<bool(const std::string&)>& match,
                                         size_t from, absl::Duration timeout = kDefaultWait,
                                         size_t* index = nullptr);
  // Same, for a line that contains `needle`.
  std::optional<std::string> WaitForLine(const std::string& needle, size_t from,
                                         absl::Duration timeout = kDefaultWait,
                                         size_t* index = nullptr);
  std::vector<std::string> Lines() const;
  // What the child has printed so far, byte for byte (its first 16 MiB).
  std::string Output() const;

  // Sends `signal` unless the child has already been reaped (no stray kill on a reused pid).
  void Signal(int signal);
  // The wait status (as waitpid returns it) once the child has exited and its output has
  // been read to the end; nullopt on timeout (InfiniteDuration waits for good).
  std::optional<int> WaitExit(absl::Duration timeout = kDefaultWait);
  // Sends `signal` if the child still runs, then reaps it and joins the reader; a no-op once
  // stopped or if never started.
  void Stop(int signal = SIGTERM);

  pid_t pid() const { return pid_; }

 private:
  void ReadLoop(int fd);

  std::string name_;
  pid_t pid_ = -1;
  mutable Mutex mu_;
  CondVar changed_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  std::string output_ ABSL_GUARDED_BY(mu_);
  bool exited_ ABSL_GUARDED_BY(mu_) = false;
  int wait_status_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread reader_;
};

// Exit code of a wait status, or -1 when a signal ended the process.
int ExitCode(int wait_status);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_CHILD_PROCESS_H_
