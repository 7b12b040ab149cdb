// The lines already said, so that a warning is said once per process: a blueprint's
// warnings at start, and on a reload only those the edit brought, not the unchanged file's
// again. Bounded: past kMaxRemembered distinct lines it starts over (and may repeat one).
// Not thread-safe: the caller serializes (serve's reloads hold one lock).
#ifndef LIMIAR_COMMON_SAID_ONCE_H_
#define LIMIAR_COMMON_SAID_ONCE_H_

#include <cstddef>
#include <set>
#include <string>
#include <vector>

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

}  // namespace limiar

#endif  // LIMIAR_COMMON_SAID_ONCE_H_
