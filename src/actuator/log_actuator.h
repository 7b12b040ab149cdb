// The `log` actuator (dry run): remembers the desired count per target and writes one line
// per change, so `Observe` reflects what Limiar asked for. Nothing outside is touched.
#ifndef LIMIAR_ACTUATOR_LOG_ACTUATOR_H_
#define LIMIAR_ACTUATOR_LOG_ACTUATOR_H_

#include <map>
#include <ostream>
#include <string>

#include "src/actuator/actuator.h"
#include "src/common/mutex.h"

namespace limiar::actuator {

class LogActuator final : public Actuator {
 public:
  // `initial` gives each known target's starting count (all replicas ready); `log` may be
  // null for silence.
  LogActuator(std::map<std::string, int32_t> initial, std::ostream* log);

  absl::StatusOr<ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const ScaleRequest& request) override;
  // Targets it does not know yet start at their `replicas`.
  void AddTargets(const std::map<std::string, TargetStart>& targets) override;

 private:
  Mutex mu_;
  std::map<std::string, int32_t> replicas_ ABSL_GUARDED_BY(mu_);
  std::ostream* log_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_LOG_ACTUATOR_H_
