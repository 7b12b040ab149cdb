// Where decisions go. Decisions are desired state: SetReplicas is idempotent, and a
// failed call is retried by re-sending the desired count, never a delta.
#ifndef LIMIAR_ACTUATOR_ACTUATOR_H_
#define LIMIAR_ACTUATOR_ACTUATOR_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace limiar::actuator {

struct ScaleState {
  int32_t spec_replicas = 0;   // the count the target is asked to run
  int32_t ready_replicas = 0;  // how many of them serve now
};

class Actuator {
 public:
  virtual ~Actuator() = default;
  // The target's current scale. May block on I/O; called from the control loop's thread.
  virtual absl::StatusOr<ScaleState> Observe(const std::string& target) = 0;
  // Asks the target to run `replicas`. Idempotent. May block on I/O.
  virtual absl::Status SetReplicas(const std::string& target, int32_t replicas) = 0;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_ACTUATOR_H_
