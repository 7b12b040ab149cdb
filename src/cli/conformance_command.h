#ifndef LIMIAR_CLI_CONFORMANCE_COMMAND_H_
#define LIMIAR_CLI_CONFORMANCE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace limiar::cli {

// `limiar conformance FILE...`: runs every case, prints each failing one (id, name,
// expected, got) and ends with "N passed, M failed". Returns 0 when all passed, 1 otherwise
// (a file that cannot be read counts as a failure and is named).
int RunConformanceCommand(const std::vector<std::string>& files, bool verbose, std::ostream& out,
                          std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_CONFORMANCE_COMMAND_H_
