#include "src/actuator/resource_names.h"

#include <utility>

namespace limiar::actuator {

ResourceNames::ResourceNames(std::map<std::string, std::string> names) : names_(std::move(names)) {}

std::string ResourceNames::Of(const std::string& target) const {
  MutexLock lock(&mu_);
  auto it = names_.find(target);
  return it == names_.end() ? target : it->second;
}

void ResourceNames::Update(const std::map<std::string, TargetStart>& targets) {
  MutexLock lock(&mu_);
  for (const auto& [target, start] : targets) {
    if (!start.resource.empty()) names_[target] = start.resource;
  }
}

}  // namespace limiar::actuator
