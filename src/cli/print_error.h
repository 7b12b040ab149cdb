// How every `limiar` command prints an error: each line of the message on a line of its
// own that starts "error: ". A multi-line error (a blueprint's every problem, a refused
// reload) then reads the same from every command, no continuation line passes for ordinary
// output, and `grep '^error:'` finds them all.
#ifndef LIMIAR_CLI_PRINT_ERROR_H_
#define LIMIAR_CLI_PRINT_ERROR_H_

#include <ostream>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace limiar::cli {

inline void PrintError(std::ostream& err, absl::string_view message) {
  for (absl::string_view line : absl::StrSplit(message, '\n')) err << "error: " << line << "\n";
}

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_PRINT_ERROR_H_
