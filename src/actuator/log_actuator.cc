#include "src/actuator/log_actuator.h"

#include "absl/strings/str_cat.h"

namespace limiar::actuator {

LogActuator::LogActuator(std::map<std::string, int32_t> initial, std::ostream* log)
    : replicas_(std::move(initial)), log_(log) {}

absl::StatusOr<ScaleState> LogActuator::Observe(const std::string& target) {
  MutexLock lock(&mu_);
  auto it = replicas_.find(target);
  if (it == replicas_.end()) {
    return absl::NotFoundError(absl::StrCat("log actuator: unknown target \"", target, "\""));
  }
  return ScaleState{it->second, it->second};
}

absl::Status LogActuator::SetReplicas(const ScaleRequest& request) {
  const std::string& target = request.target;
  const int32_t replicas = request.replicas;
  if (replicas < 0) {
    return absl::InvalidArgumentError(absl::StrCat("log actuator: negative replicas ", replicas));
  }
  MutexLock lock(&mu_);
  auto it = replicas_.find(target);
  if (it == replicas_.end()) {
    return absl::NotFoundError(absl::StrCat("log actuator: unknown target \"", target, "\""));
  }
  if (log_ != nullptr && it->second != replicas) {
    *log_ << "actuator[log] " << target << ": replicas " << it->second << " -> " << replicas << " ("
          << request.reason << ": " << request.message << ")\n";
  }
  it->second = replicas;
  return absl::OkStatus();
}

void LogActuator::AddTargets(const std::map<std::string, TargetStart>& targets) {
  MutexLock lock(&mu_);
  for (const auto& [target, start] : targets) replicas_.try_emplace(target, start.replicas);
}

}  // namespace limiar::actuator
