// The client side of `limiar serve`: push samples, and the admin calls an SRE makes
// (`status`, `explain`, `watch`, `mode`, `reload`). Exit codes: 0 ok, 1 the call failed.
#ifndef LIMIAR_CLI_CLIENT_COMMANDS_H_
#define LIMIAR_CLI_CLIENT_COMMANDS_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "limiar/v1/admin.pb.h"

namespace limiar::cli {

struct ClientOptions {
  std::string server = "127.0.0.1:7070";
  std::string token_file;
  std::string tls_ca_file;    // set: TLS, trusting this CA
  std::string tls_cert_file;  // with tls_key_file: a client certificate (mutual TLS)
  std::string tls_key_file;
  double timeout_s = 10;
};

struct PushOptions {
  std::string resource;
  std::string metric;                 // cpu, requests or connections
  std::vector<std::string> replicas;  // ID=VALUE
  std::optional<double> total;        // a value of the whole resource
  std::vector<std::string> gone;      // replica ids to forget now
};

// `limiar push --resource R --metric M [--replica ID=VALUE]... [--total V] [--gone ID]...`:
// one batch of samples, now.
int RunPushCommand(const ClientOptions& client, const PushOptions& push, std::ostream& out,
                   std::ostream& err);
// `limiar status`'s table: a row per target, columns as wide as their content.
std::string StatusTable(const limiar::v1::StatusResponse& status);
int RunStatusCommand(const ClientOptions& client, const std::string& target, bool as_json,
                     std::ostream& out, std::ostream& err);
int RunExplainCommand(const ClientOptions& client, const std::string& target, std::ostream& out,
                      std::ostream& err);
// Prints decisions as they are made until interrupted, or until `count` were printed.
int RunWatchCommand(const ClientOptions& client, const std::string& target, int count,
                    std::ostream& out, std::ostream& err);
int RunModeCommand(const ClientOptions& client, const std::string& target, const std::string& mode,
                   std::ostream& out, std::ostream& err);
int RunReloadCommand(const ClientOptions& client, const std::string& blueprint, std::ostream& out,
                     std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_CLIENT_COMMANDS_H_
