// Runs the `limiar` binary (LIMIAR_BINARY, set by CMake) as a user would, for the tests of
// its subcommands.
#ifndef LIMIAR_TESTS_CLI_RUN_LIMIAR_H_
#define LIMIAR_TESTS_CLI_RUN_LIMIAR_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace limiar::testing {

struct CliRun {
  int exit_code;
  std::string output;  // stdout and stderr together
};

inline CliRun Limiar(const std::string& args) {
  const std::string cmd = std::string(LIMIAR_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  CliRun run{-1, ""};
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.output.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_CLI_RUN_LIMIAR_H_
