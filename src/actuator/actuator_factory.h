// The one place that turns an ActuatorConfig into an Actuator: a switch over the kind (no
// static registries, which silently vanish from static libraries).
#ifndef LIMIAR_ACTUATOR_ACTUATOR_FACTORY_H_
#define LIMIAR_ACTUATOR_ACTUATOR_FACTORY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "src/actuator/actuator.h"
#include "src/actuator/actuator_config.h"
#include "src/actuator/actuator_stats.h"
#include "src/common/clock.h"

namespace limiar::actuator {

// What the composition root knows about the targets and wants back.
struct ActuatorEnvironment {
  // Each target's count at start: what `log`, and `exec` / `webhook` without an observe
  // command or URL, report until they set one.
  std::map<std::string, int32_t> initial_replicas;
  // Target -> the autoscale resource's name, for exec's {resource} and grpc's `resource`;
  // a target not listed uses its own name.
  std::map<std::string, std::string> resources;
  // The `log` actuator's output; null for silence.
  std::ostream* log = nullptr;
  // Receives successes, failures and retries; not owned, must outlive the actuator. Null:
  // counted but not readable.
  ActuatorStats* stats = nullptr;
  // Seeds the retry jitter. Production passes a random value; tests a fixed one.
  uint64_t jitter_seed = 0;
};

// The configured actuator wrapped in a RetryingActuator (config.retry; `clock` sleeps
// between tries and must outlive it). Errors from creating the kind (an unreadable
// token or certificate file, not in a cluster) are returned as they are.
absl::StatusOr<std::unique_ptr<Actuator>> CreateActuator(const ActuatorConfig& config, Clock* clock,
                                                         ActuatorEnvironment environment);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_ACTUATOR_FACTORY_H_
