// Where decisions go. Decisions are desired state: SetReplicas is idempotent, and a
// failed call is retried by re-sending the desired count, never a delta.
#ifndef LIMIAR_ACTUATOR_ACTUATOR_H_
#define LIMIAR_ACTUATOR_ACTUATOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace limiar::actuator {

struct ScaleState {
  int32_t spec_replicas = 0;   // the count the target is asked to run
  int32_t ready_replicas = 0;  // how many of them serve now
};

// A decision to carry out. `replicas` is the desired state; the rest explains it to the
// receiving side (webhook bodies, logs, the gRPC request).
struct ScaleRequest {
  std::string target;    // the target compute's `nome`
  int32_t replicas = 0;  // desired count
  int32_t previous_replicas = 0;
  std::string reason;   // machine-readable
  std::string message;  // the human sentence
  absl::Time time;      // when the decision was taken
};

// What an actuator needs to know of a target it was not created with (a blueprint reload
// added it): the count to report until it sets one, for actuators that cannot observe the
// platform, and the autoscale resource's name.
struct TargetStart {
  int32_t replicas = 0;
  std::string resource;
};

class Actuator {
 public:
  virtual ~Actuator() = default;
  // The target's current scale. May block on I/O; called from the control loop's thread.
  virtual absl::StatusOr<ScaleState> Observe(const std::string& target) = 0;
  // Asks the target to run `request.replicas`. Idempotent. May block on I/O.
  virtual absl::Status SetReplicas(const ScaleRequest& request) = 0;
  // Tells the actuator every target of a reloaded blueprint, before the loop evaluates
  // them. A target it already knows keeps the count it has and takes the resource name
  // given; a new one starts at `replicas`. Thread-safe. The default does nothing: for
  // actuators that read every target's scale from the platform by its name.
  virtual void AddTargets(const std::map<std::string, TargetStart>& targets) { (void)targets; }
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_ACTUATOR_H_
