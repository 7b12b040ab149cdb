// The lines already said, so that a warning is said once per process: a blueprint's
// warnings at start, and on a reload only those the edit brought, not the unchanged file's
// again. Bounded: past kMaxRemembered distinct lines it starts over (and may repeat one).
// Not thread-safe: the caller serializes (serve's reloads hold one lock).
#ifndef LIMIAR_COMMON_SAID_ONCE_H_
#define LIMIAR_COMMON_SAID_ONCE_H_

#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace limiar {

class SaidOnce {
 public:
  static constexpr size_t kMaxRemembered = 10'000;

  // The lines of `lines` not said before, in their order; from now on they count as said.
  std::vector<std::string> Unsaid(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const std::string& line : lines) {
      if (said_.size() >= kMaxRemembered) said_.clear();
      if (said_.insert(line).second) out.push_back(line);
    }
    return out;
  }

 private:
  std::set<std::string> said_;
};

// The whole error: two errors are the same only when code and message are.
inline std::string ExactError(const absl::Status& status) { return status.ToString(); }

// The code and the message with every run of digits alike, so that "after 0 ms" and "after
// 3 ms" (curl's connect errors) or a changing series count are the same error.
std::string ErrorWithDigitsAlike(const absl::Status& status);

// The outcome of an attempt repeated every tick (writing the state file, polling a PromQL
// source), said once per distinct error and once when it succeeds again: a full disk must
// not flood the log with the same line every tick, yet a new reason, or the end of the
// trouble, is news. Not thread-safe: the caller serializes.
class SaidOnChange {
 public:
  // What makes two errors the same, e.g. ExactError or ErrorWithDigitsAlike.
  using Sameness = std::string (*)(const absl::Status&);

  explicit SaidOnChange(Sameness sameness = &ExactError) : sameness_(sameness) {}

  enum class Say {
    kNothing,    // a success after a success, or the same error again
    kError,      // an error unlike the previous attempt's: say error()
    kRecovered,  // a success after an error
  };

  // Notes the outcome of one attempt and says what is news.
  Say Note(const absl::Status& status) {
    if (status.ok()) {
      if (error_.empty()) return Say::kNothing;
      error_.clear();
      return Say::kRecovered;
    }
    std::string error = sameness_(status);
    if (error == error_) return Say::kNothing;
    error_ = std::move(error);
    return Say::kError;
  }
  // The last attempt's error as the sameness spells it, "" after a success.
  const std::string& error() const { return error_; }

 private:
  Sameness sameness_;
  std::string error_;
};

}  // namespace limiar

#endif  // LIMIAR_COMMON_SAID_ONCE_H_
