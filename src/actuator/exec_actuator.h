// The `exec` actuator: runs a command per decision, e.g.
//   kubectl scale deployment/{target} --replicas={replicas}
// The template is split into arguments once (command_template.h: shell-like quoting, no
// shell), then placeholders are filled inside each argument, so no value can inject
// arguments or shell syntax. Placeholders of the scale command: {resource}, {target},
// {replicas}, {previous}, {reason}, {message}; of the observe command: {resource},
// {target}.
//
// Outcome of the scale command: exit 0 is success. Exit 75 (EX_TEMPFAIL, sysexits.h)
// means "try again later" and is retried; any other exit status is a permanent error
// naming the code and the last line of stderr; running past the timeout kills the
// command's process group and is retried (DeadlineExceeded).
//
// Observe: with an observe command, its stdout is `SPEC READY` (two integers) or a JSON
// object {"spec_replicas": N, "ready_replicas": N}. Without one, Observe returns the last
// count set (or the initial count), all ready, so the control loop still works.
#ifndef LIMIAR_ACTUATOR_EXEC_ACTUATOR_H_
#define LIMIAR_ACTUATOR_EXEC_ACTUATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/actuator/actuator.h"
#include "src/actuator/command_template.h"
#include "src/actuator/last_set_counts.h"
#include "src/actuator/resource_names.h"

namespace limiar::actuator {

struct ExecOptions {
  std::string command;          // the scale command template (required)
  std::string observe_command;  // optional
  absl::Duration timeout = absl::Seconds(30);
};

// Placeholders each template may use.
const std::vector<std::string>& ExecScalePlaceholders();
const std::vector<std::string>& ExecObservePlaceholders();

class ExecActuator final : public Actuator {
 public:
  // `initial` seeds Observe when there is no observe command. `resources` maps a target to
  // the autoscale resource's name for {resource}; a target not in it uses its own name.
  // Fails (InvalidArgument) if a template does not parse.
  static absl::StatusOr<std::unique_ptr<ExecActuator>> Create(
      const ExecOptions& options, std::map<std::string, int32_t> initial,
      std::map<std::string, std::string> resources);

  // Blocks while the command runs (up to the timeout). Thread-safe.
  absl::StatusOr<ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const ScaleRequest& request) override;
  // New targets report their starting count (without an observe command) until one is set.
  void AddTargets(const std::map<std::string, TargetStart>& targets) override;

 private:
  ExecActuator(CommandTemplate scale, std::optional<CommandTemplate> observe,
               absl::Duration timeout, std::map<std::string, int32_t> initial,
               std::map<std::string, std::string> resources);

  const CommandTemplate scale_;
  const std::optional<CommandTemplate> observe_;
  const absl::Duration timeout_;
  ResourceNames resources_;
  LastSetCounts last_set_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_EXEC_ACTUATOR_H_
