// Reading a file that a path names, when the path may not lead to a file: a path to
// /dev/zero reads for ever (a reload grew the server to 970 MB), and opening a FIFO blocks
// until a writer comes. So the file is opened without blocking, must be a regular file,
// and is read only up to a cap.
#ifndef LIMIAR_COMMON_REGULAR_FILE_H_
#define LIMIAR_COMMON_REGULAR_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar {

// The whole of the regular file at `path` (symbolic links followed), at most `max_bytes`.
// Errors start with `what` and the path and say what to do: NotFound when it cannot be
// opened, FailedPrecondition when it is not a regular file or is larger than `max_bytes`.
absl::StatusOr<std::string> ReadRegularFile(const std::string& path, size_t max_bytes,
                                            absl::string_view what);

}  // namespace limiar

#endif  // LIMIAR_COMMON_REGULAR_FILE_H_
