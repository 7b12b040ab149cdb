// Every problem found in one config file (a blueprint, a scenario, the serve config),
// collected rather than returned at the first one, so that a user fixes them all in one pass
// instead of one per run. Each line names the file, the JSON path and what to do. Bounded: a
// file of a thousand duplicate keys lists the first hundred problems and counts the rest,
// and every part of a line quoted from the file (a path, a value) is cut and
// control-escaped, so that neither the text's size nor a key holding a newline can flood or
// forge the output.
#ifndef LIMIAR_COMMON_CONFIG_DIAGNOSTICS_H_
#define LIMIAR_COMMON_CONFIG_DIAGNOSTICS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar::config {

class Diagnostics {
 public:
  // Errors, and warnings, listed; past these they are only counted.
  static constexpr size_t kMaxListed = 100;
  // The longest JSON path, and the longest `what` or `todo`, quoted in a line.
  static constexpr size_t kMaxPathBytes = 200;
  static constexpr size_t kMaxPartBytes = 300;

  // `source` names the file in every line. Empty for a part parsed on its own (an actuator
  // section handed over as JSON): its lines then start with the path, and the caller that
  // knows the file puts it in front.
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}

  // Adds `SOURCE: PATH: WHAT; TODO` (the root object's path is shown as "(root)"; no
  // "; TODO" when `todo` is empty).
  void Error(absl::string_view path, absl::string_view what, absl::string_view todo);
  // Adds an error line that already names its location (e.g. `SOURCE:3:7: ...`).
  void RawError(absl::string_view line);
  // Adds `PATH: WHAT; TODO`; the caller prints the source name once in front.
  void Warning(absl::string_view path, absl::string_view what, absl::string_view todo);
  // Adds the errors of `other` (a file this one includes), those it only counted included.
  void AddErrorsOf(const Diagnostics& other);

  bool has_errors() const { return error_count_ > 0; }
  // Every error, listed or not.
  size_t error_count() const { return error_count_; }
  // False once kMaxListed errors are listed: a caller may skip building a costly message
  // that would only be counted.
  bool lists_more_errors() const { return errors_.size() < kMaxListed; }
  // The errors listed, at most kMaxListed.
  const std::vector<std::string>& errors() const { return errors_; }
  // The warnings listed, then a line counting the others, if any.
  std::vector<std::string> warnings() const;
  const std::string& source() const { return source_; }

  // InvalidArgument with one line per listed error, then "SOURCE: and N more problems, not
  // listed; ..." when some were only counted; OK when there is none. ProblemCount reads the
  // total back.
  absl::Status ToStatus() const;

 private:
  // "SOURCE: ", or nothing without a source.
  std::string Prefix() const;

  std::string source_;
  std::vector<std::string> errors_;
  size_t error_count_ = 0;
  std::vector<std::string> warnings_;
  size_t warning_count_ = 0;
};

// Whether errors were reported since it was made: a reader that shares its file's
// Diagnostics asks it to know whether its own part failed (or, to stop at its first
// problem, after each step).
class ErrorsSince {
 public:
  explicit ErrorsSince(const Diagnostics& diag) : diag_(diag), before_(diag.error_count()) {}
  bool any() const { return diag_.error_count() > before_; }

 private:
  const Diagnostics& diag_;
  const size_t before_;
};

// A reader that reports to Diagnostics (`std::optional<T> read(Diagnostics&)`, nullopt after
// a problem) run on a part parsed on its own, such as an actuator section handed over as
// JSON: its value, or InvalidArgument with one line per problem, each starting with the path.
template <typename T, typename Read>
absl::StatusOr<T> ReadAsStatus(Read read) {
  Diagnostics diag("");
  std::optional<T> value = read(diag);
  if (value) return *std::move(value);
  if (!diag.has_errors()) return absl::InternalError("a config reader failed without a reason");
  return diag.ToStatus();
}

// The number of problems `status` reports: the total that Diagnostics::ToStatus recorded, or
// else one per line of its message (0 for OK).
int64_t ProblemCount(const absl::Status& status);

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_DIAGNOSTICS_H_
