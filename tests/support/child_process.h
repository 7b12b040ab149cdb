// A program the test starts as a child process (a real Prometheus, node exporter, ...):
// started by argv, waited for by polling a readiness condition with a bound, stopped by
// its pid whatever the test's outcome.
#ifndef LIMIAR_TESTS_SUPPORT_CHILD_PROCESS_H_
#define LIMIAR_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace limiar::testing {

// The path of `program` in $PATH or /usr/bin (where Debian puts servers), or "".
std::string FindProgram(const std::string& program);

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (a path: no shell, no $PATH search) with `argv`; stdin is /dev/null,
  // stdout and stderr go to a pipe that the waits read as the child's log.
  absl::Status Start(const std::vector<std::string>& argv);

  // Polls `ready` until it holds. Between polls it waits for the child's next output for
  // up to `poll` (servers log as they start), so there is no fixed sleep, and gives up
  // after `bound` or as soon as the child exits; either error carries the log.
  absl::Status WaitUntil(const std::function<bool()>& ready,
                         absl::Duration bound = absl::Seconds(10),
                         absl::Duration poll = absl::Milliseconds(50));

  // SIGTERM and waitpid; a no-op once stopped or if never started.
  void Stop();

  pid_t pid() const { return pid_; }
  // What the child has printed so far (its first 64 KiB), as read by the waits.
  const std::string& log() const { return log_; }

 private:
  // Appends what the child has printed, waiting up to `timeout_ms` for the first bytes.
  void DrainLog(int timeout_ms);

  std::string name_;
  pid_t pid_ = -1;
  int log_fd_ = -1;
  std::string log_;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_CHILD_PROCESS_H_
