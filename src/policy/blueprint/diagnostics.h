// Every problem found in one blueprint, collected rather than returned at the first one, so
// that a user fixes them all in one pass instead of one per run.
#ifndef LIMIAR_POLICY_BLUEPRINT_DIAGNOSTICS_H_
#define LIMIAR_POLICY_BLUEPRINT_DIAGNOSTICS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace limiar::policy::blueprint {

class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}

  // Adds `SOURCE: PATH: WHAT; TODO` (the root object's path is shown as "(root)").
  void Error(absl::string_view path, absl::string_view what, absl::string_view todo);
  // Adds an error line that already names its location (e.g. `SOURCE:3:7: ...`).
  void RawError(std::string line);
  // Adds `PATH: WHAT; TODO`; the caller prints the source name once in front.
  void Warning(absl::string_view path, absl::string_view what, absl::string_view todo);

  bool has_errors() const { return !errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::string& source() const { return source_; }

  // InvalidArgument with one line per error; OK when there is none.
  absl::Status ToStatus() const;

 private:
  std::string source_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
};

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_DIAGNOSTICS_H_
