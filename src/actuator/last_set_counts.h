// What an actuator that cannot observe its target reports: the last count it set (or the
// count given at start), all of it taken as ready. This keeps the control loop running
// for platforms that accept scale requests but offer no way to read the scale back.
#ifndef LIMIAR_ACTUATOR_LAST_SET_COUNTS_H_
#define LIMIAR_ACTUATOR_LAST_SET_COUNTS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "src/actuator/actuator.h"
#include "src/common/mutex.h"

namespace limiar::actuator {

// Thread-safe.
class LastSetCounts {
 public:
  // `kind` prefixes errors ("webhook actuator: ...").
  LastSetCounts(std::string kind, std::map<std::string, int32_t> initial);

  // NotFound for a target that was neither given at start nor set since.
  absl::StatusOr<ScaleState> Get(const std::string& target) const;
  void Set(const std::string& target, int32_t replicas);
  // Gives the targets not known yet their starting count (Actuator::AddTargets); known
  // ones keep theirs.
  void AddMissing(const std::map<std::string, TargetStart>& targets);

 private:
  const std::string kind_;
  mutable Mutex mu_;
  std::map<std::string, int32_t> counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_LAST_SET_COUNTS_H_
