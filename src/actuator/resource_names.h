// Target -> the autoscale resource's name, for actuators that send it ({resource} of exec,
// `resource` of the grpc actuator). A reload may add targets, so the map can grow.
#ifndef LIMIAR_ACTUATOR_RESOURCE_NAMES_H_
#define LIMIAR_ACTUATOR_RESOURCE_NAMES_H_

#include <map>
#include <string>

#include "src/actuator/actuator.h"
#include "src/common/mutex.h"

namespace limiar::actuator {

// Thread-safe.
class ResourceNames {
 public:
  explicit ResourceNames(std::map<std::string, std::string> names);

  // The resource name of `target`; a target not known uses its own name.
  std::string Of(const std::string& target) const;
  // Takes the resource name of every target given (AddTargets of an Actuator).
  void Update(const std::map<std::string, TargetStart>& targets);

 private:
  mutable Mutex mu_;
  std::map<std::string, std::string> names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_RESOURCE_NAMES_H_
