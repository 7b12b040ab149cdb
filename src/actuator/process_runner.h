// Runs a program directly (posix_spawn, no shell) with a timeout, capturing its output.
#ifndef LIMIAR_ACTUATOR_PROCESS_RUNNER_H_
#define LIMIAR_ACTUATOR_PROCESS_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace limiar::actuator {

struct ProcessResult {
  bool timed_out = false;  // the timeout passed and the process group was killed
  int exit_code = -1;      // the exit status when the process exited normally, else -1
  int term_signal = 0;     // the signal that ended it, else 0
  std::string stdout_text;
  std::string stderr_text;
  // Set when stdout went past kMaxCapturedBytes: `stdout_text` is only its beginning.
  bool stdout_truncated = false;
};

// Each of stdout and stderr keeps at most this many bytes (the first ones of stdout, the
// last ones of stderr, where errors are); the rest is read and dropped so that a chatty
// child never blocks on a full pipe, and stdout_truncated says that it was.
inline constexpr size_t kMaxCapturedBytes = 64 * 1024;

// Starts argv[0] (looked up in PATH when it has no '/') with `argv` and the caller's
// environment, stdin on /dev/null, stdout and stderr captured, in a new process group.
// Waits until it exits and its pipes close; if `timeout` passes first, the whole group
// (the child and whatever it started) gets SIGKILL and the result says timed_out.
// Returns an error only when the program could not be started (NotFound when it does not
// exist, PermissionDenied when it is not executable). Blocks; thread-safe.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_PROCESS_RUNNER_H_
