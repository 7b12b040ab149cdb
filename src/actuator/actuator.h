// Where decisions go. Decisions are desired state: SetReplicas is idempotent, and a
// failed call is retried by re-sending the desired count, never a delta.
#ifndef LIMIAR_ACTUATOR_ACTUATOR_H_
#define LIMIAR_ACTUATOR_ACTUATOR_H_

#include <cstdint>
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

class Actuator {
 public:
  virtual ~Actuator() = default;
  // The target's current scale. May block on I/O; called from the control loop's thread.
  virtual absl::StatusOr<ScaleState> Observe(const std::string& target) = 0;
  // Asks the target to run `request.replicas`. Idempotent. May block on I/O.
  virtual absl::Status SetReplicas(const ScaleRequest& request) = 0;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_ACTUATOR_H_
