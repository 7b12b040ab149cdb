// The `limiar` command: parses arguments and hands each subcommand to its runner. Wiring
// only; exit codes 0 ok, 1 failure, 2 usage.
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "src/cli/conformance_command.h"
#include "src/cli/demo_command.h"
#include "src/cli/policy_command.h"
#include "src/cli/serve_command.h"

namespace {

constexpr int kUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Limiar: the autoscale control loop of the Tesserra platform.\n"
      "Loads Tesserra blueprints into per-resource policies and decides replica counts\n"
      "with the Kubernetes HPA or Knative KPA algorithms.",
      "limiar"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "limiar 0.1.0");

  std::string blueprint;
  bool as_json = false;
  CLI::App* policy = app.add_subcommand(
      "policy", "Print the resolved policy of every managed resource of a blueprint");
  policy->add_option("--blueprint,-b", blueprint, "Tesserra blueprint JSON file")->required();
  policy->add_flag("--json", as_json, "Print JSON instead of a table");

  std::vector<std::string> case_files;
  bool verbose = false;
  CLI::App* conformance = app.add_subcommand(
      "conformance", "Run HPA/Knative conformance case files against the policy code");
  conformance->add_option("files", case_files, "Case files (see shared/conformance/SCHEMA.md)")
      ->required()
      ->check(CLI::ExistingFile);
  conformance->add_flag("--verbose,-v", verbose, "Also list the cases that pass");

  limiar::cli::DemoOptions demo_options;
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Replay a short built-in flash-sale metric sequence through the control loop "
      "and show each decision and why");
  demo->add_option("--blueprint,-b", demo_options.blueprint_path,
                   "Blueprint to load (default: the e-commerce seed blueprint)")
      ->capture_default_str();
  demo->add_option("--target,-t", demo_options.target,
                   "Target compute to drive (default: the blueprint's first managed one)");

  limiar::cli::ServeOptions serve_options;
  CLI::App* serve = app.add_subcommand(
      "serve", "Run the control loop: ingest metrics, decide, actuate, explain (until SIGTERM)");
  serve->add_option("--blueprint,-b", serve_options.blueprint_path, "Tesserra blueprint JSON file")
      ->required();
  serve->add_option("--config,-c", serve_options.config_path,
                    "Service config JSON (listen addresses, actuator, sources, TLS, ...)");
  serve->add_option("--grpc-listen", serve_options.grpc_listen,
                    "gRPC ingest+admin address (default 127.0.0.1:7070; port 0: any free port)");
  serve->add_option("--http-listen", serve_options.http_listen,
                    "HTTP /metrics /healthz /readyz address (default 127.0.0.1:9464)");
  serve->add_option("--state-file", serve_options.state_file,
                    "Where decision history is kept across restarts");
  serve->add_option("--token-file", serve_options.token_file,
                    "File holding the bearer token that admin calls must present");
  serve
      ->add_option("--tick-interval", serve_options.tick_interval_s,
                   "Seconds between control-loop passes (default 15)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--log-format", serve_options.log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  }

  if (*policy) return limiar::cli::RunPolicyCommand(blueprint, as_json, std::cout, std::cerr);
  if (*conformance) {
    return limiar::cli::RunConformanceCommand(case_files, verbose, std::cout, std::cerr);
  }
  if (*demo) return limiar::cli::RunDemoCommand(demo_options, std::cout, std::cerr);
  if (*serve) return limiar::cli::RunServeCommand(serve_options, std::cerr);
  return kUsage;
}
