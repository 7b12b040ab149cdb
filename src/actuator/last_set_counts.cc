#include "src/actuator/last_set_counts.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace limiar::actuator {

LastSetCounts::LastSetCounts(std::string kind, std::map<std::string, int32_t> initial)
    : kind_(std::move(kind)), counts_(std::move(initial)) {}

absl::StatusOr<ScaleState> LastSetCounts::Get(const std::string& target) const {
  MutexLock lock(&mu_);
  auto it = counts_.find(target);
  if (it == counts_.end()) {
    return absl::NotFoundError(absl::StrCat(kind_, " actuator: no observe command/URL and no ",
                                            "initial count for target \"", target, "\""));
  }
  return ScaleState{it->second, it->second};
}

void LastSetCounts::Set(const std::string& target, int32_t replicas) {
  MutexLock lock(&mu_);
  counts_[target] = replicas;
}

void LastSetCounts::AddMissing(const std::map<std::string, TargetStart>& targets) {
  MutexLock lock(&mu_);
  for (const auto& [target, start] : targets) counts_.try_emplace(target, start.replicas);
}

}  // namespace limiar::actuator
