// A command line for the exec actuator: split into arguments once, when the configuration
// is read, and filled with values per call. No shell ever runs it.
//
// Splitting follows a small subset of POSIX shell quoting, so that a template reads like
// the command a person would type:
//   - unquoted blanks (space, tab, newline) separate arguments;
//   - '...' keeps every character up to the next ' as it is;
//   - "..." keeps every character as it is, except \" and \\, which stand for " and \;
//   - outside quotes, \c stands for the character c (so `a\ b` is one argument "a b");
//   - quoted and unquoted pieces that touch form one argument (a'b'"c" is abc; '' is an
//     empty argument);
//   - nothing else is special: $, `, *, ~, ;, |, &, <, > and # are plain characters.
// Then, inside each argument, `{name}` (a name of lowercase letters and _) is replaced by
// the value verbatim. Because this happens after splitting, a value with blanks, quotes or
// shell syntax stays inside its one argument and can add neither arguments nor commands.
// Braces that do not enclose such a name are plain characters, so JSON arguments work:
//   kubectl patch deployment/{target} -p '{"spec":{"replicas":{replicas}}}'
// A `{name}` that is not one of the allowed placeholders is an error at Parse, and so is a
// placeholder in the program name (the first argument): a value never picks the program.
#ifndef LIMIAR_ACTUATOR_COMMAND_TEMPLATE_H_
#define LIMIAR_ACTUATOR_COMMAND_TEMPLATE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar::actuator {

class CommandTemplate {
 public:
  // Errors (InvalidArgument) name the problem and where it is: an unterminated quote or a
  // trailing backslash (byte offset), an empty command, an unknown or misplaced
  // placeholder (argument).
  static absl::StatusOr<CommandTemplate> Parse(absl::string_view text,
                                               const std::vector<std::string>& allowed);

  // The argv with each placeholder replaced by values.at(name) (empty if absent).
  std::vector<std::string> Expand(const std::map<std::string, std::string>& values) const;

  // The arguments as split, placeholders unexpanded (for logs and tests).
  const std::vector<std::string>& raw_args() const { return raw_args_; }

 private:
  struct Piece {
    bool placeholder = false;
    std::string text;  // literal text, or the placeholder's name
  };

  std::vector<std::string> raw_args_;
  std::vector<std::vector<Piece>> args_;
};

// The split alone (the quoting rules above), without placeholder handling.
absl::StatusOr<std::vector<std::string>> SplitCommandLine(absl::string_view text);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_COMMAND_TEMPLATE_H_
