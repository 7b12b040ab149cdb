#ifndef LIMIAR_CLI_SERVE_COMMAND_H_
#define LIMIAR_CLI_SERVE_COMMAND_H_

#include <ostream>
#include <string>

namespace limiar::cli {

struct ServeOptions {
  std::string blueprint_path;
  std::string config_path;  // empty: defaults
  // Flags that override the config file when set.
  std::string grpc_listen;
  std::string http_listen;
  std::string state_file;
  std::string token_file;
  double tick_interval_s = 0;
  std::string log_format = "text";  // text | json
  bool check = false;               // only check the setup (serve::CheckServeSetup)
};

// `limiar serve`: runs until SIGTERM or SIGINT, then stops accepting, finishes the pass in
// progress, writes the state file and exits 0. Exit 1 when it cannot start (bad blueprint
// or config, a port in use), with the reason on `err`. With `check`, prints what it would
// run on `out` and exits 0, or 1 with the reason.
int RunServeCommand(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_SERVE_COMMAND_H_
