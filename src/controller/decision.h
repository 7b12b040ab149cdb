// One control-loop decision for one target: what was seen, what was decided, why, and
// what became of it.
#ifndef LIMIAR_CONTROLLER_DECISION_H_
#define LIMIAR_CONTROLLER_DECISION_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::controller {

struct Decision {
  absl::Time time;
  std::string target;
  policy::Mode mode = policy::Mode::kEnforce;
  int32_t current_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t desired_replicas = 0;
  // The target's configured bounds (schedules may narrow them for one evaluation).
  int32_t min_replicas = 0;
  int32_t max_replicas = 0;
  // The policy's full recommendation: reason, message, per-metric proposals.
  policy::Recommendation recommendation;
  // True when the actuator was asked for a new count and accepted it.
  bool actuated = false;
  // Why nothing was actuated although the count differs, or the actuator's error.
  std::string actuation_note;
};

// Receives every decision as it is made. Called on the control loop's thread; must not
// block for long.
class DecisionSink {
 public:
  virtual ~DecisionSink() = default;
  virtual void OnDecision(const Decision& decision) = 0;
  // False when this sink never reads a recommendation's message (a replay that keeps no
  // decision): the policies then leave it empty, and so does the actuator's request.
  virtual bool WantsExplanations() const { return true; }
};

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_DECISION_H_
