#include "src/cli/serve_command.h"

#include <pthread.h>

#include <csignal>

#include "src/cli/print_error.h"
#include "src/serve/service.h"

namespace limiar::cli {

int RunServeCommand(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  serve::ServeConfig config;
  if (!options.config_path.empty()) {
    absl::StatusOr<serve::ServeConfig> loaded = serve::LoadServeConfig(options.config_path);
    if (!loaded.ok()) {
      PrintError(err, loaded.status().message());
      return 1;
    }
    config = *std::move(loaded);
  }
  if (absl::Status s = serve::ApplyServeFlags({.grpc_listen = options.grpc_listen,
                                               .http_listen = options.http_listen,
                                               .state_file = options.state_file,
                                               .admin_token_file = options.token_file,
                                               .tick_interval_s = options.tick_interval_s},
                                              config);
      !s.ok()) {
    PrintError(err, s.message());
    return 1;
  }
  if (options.check) {
    absl::StatusOr<std::string> checked = serve::CheckServeSetup(config, options.blueprint_path);
    if (!checked.ok()) {
      PrintError(err, checked.status().message());
      return 1;
    }
    out << *checked << "\nok: limiar serve would start with this blueprint and config\n";
    return 0;
  }
  const serve::LogFormat format =
      options.log_format == "json" ? serve::LogFormat::kJson : serve::LogFormat::kText;

  // Signals are taken by sigwait on this thread only: block them before any thread exists,
  // so every thread the service starts inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::Service service(options.blueprint_path, std::move(config), format);
  if (absl::Status s = service.Start(); !s.ok()) {
    PrintError(err, s.message());
    service.Stop();
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  service.Stop();
  return 0;
}

}  // namespace limiar::cli
