// `limiar policy BLUEPRINT [--json]`: loads a blueprint and shows the policy Limiar would
// run for each target compute, every knob with its effective value and where it came from.
#ifndef LIMIAR_CLI_POLICY_COMMAND_H_
#define LIMIAR_CLI_POLICY_COMMAND_H_

#include <ostream>
#include <string>

namespace limiar::cli {

// Writes the resolved policies to `out` (an aligned table, or one JSON document when
// `as_json`), and warnings (`warning: ...`) or errors (`error: ...`, one per problem) to
// `err`. Returns 0 when the blueprint loaded, 1 when it is invalid or cannot be read.
// A blueprint without autoscale resources loads fine: it says that there is nothing to
// manage and returns 0.
int RunPolicyCommand(const std::string& blueprint_path, bool as_json, std::ostream& out,
                     std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_POLICY_COMMAND_H_
