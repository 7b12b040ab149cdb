// The `limiar` command: parses arguments and hands each subcommand to its runner. Wiring
// only; exit codes 0 ok, 1 failure, 2 usage.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "src/cli/client_commands.h"
#include "src/cli/conformance_command.h"
#include "src/cli/forecast_command.h"
#include "src/cli/policy_command.h"
#include "src/cli/serve_command.h"
#include "src/cli/simulate_command.h"
#include "src/cli/sweep_command.h"
#include "src/common/version/version.h"

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
  app.set_version_flag("--version", absl::StrCat("limiar ", limiar::kVersion));

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

  // The simulator: `simulate` one policy, `compare` several, on one scenario.
  limiar::cli::SimulateOptions sim_options;
  uint64_t sim_seed = 0;
  auto add_sim_options = [&](CLI::App* cmd, const char* policy_help) {
    cmd->add_option("scenario", sim_options.scenario_path,
                    "Scenario JSON file (default: the built-in flash sale)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out,-o", sim_options.out_dir,
                    "Write report.html, timeline.csv, decisions.jsonl and summary.json here");
    cmd->add_option("--policy,-p", sim_options.policies, policy_help);
    cmd->add_option("--seed", sim_seed, "Override the scenario's seed");
    cmd->add_flag("--decisions", sim_options.decisions,
                  "Also print every decision that changed replicas, with its reason");
    cmd->add_option("--window", sim_options.window,
                    "FROM:TO (s, m, h, d): the summary covers this part of the run only (the "
                    "run still starts at 0, so the policy's history is the run's), e.g. 42d:");
  };
  CLI::App* simulate = app.add_subcommand(
      "simulate",
      "Replay a scenario's traffic through the production control loop on virtual time "
      "(no SCENARIO: the built-in flash sale)");
  add_sim_options(simulate,
                  "blueprint (default), hpa, kpa, or knobs: [LABEL:][BASE,]KEY=VALUE,... "
                  "e.g. limiar=50,espera_descida_s=120");
  simulate->add_flag("--print-scenario", sim_options.print_scenario,
                     "Print the built-in scenario's JSON (a starting point for your own)");
  CLI::App* compare =
      app.add_subcommand("compare", "Run several policies on one scenario's traffic, side by side");
  add_sim_options(compare,
                  "Repeat for each policy (default: blueprint, hpa, kpa); "
                  "[LABEL:][BASE,]KEY=VALUE,... e.g. tuned:limiar=50");

  limiar::cli::SweepOptions sweep_options;
  bool sweep_no_progress = false;
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Run a scenario for every point of a grid of policy knobs, on all cores; print the "
      "cost/SLO Pareto front and the cheapest setting that meets the SLO");
  sweep
      ->add_option("scenario", sweep_options.scenario_path,
                   "Scenario JSON file (default: the built-in flash sale)")
      ->check(CLI::ExistingFile);
  sweep
      ->add_option("--grid,-g", sweep_options.grid,
                   "KEY=V1,V2,... or KEY=START:STOP:STEP, repeatable; KEY as the blueprint "
                   "spells it (limiar, tolerancia, espera_descida_s, replicas_min, ...), "
                   "optionally TARGET.KEY")
      ->required();
  sweep
      ->add_option("--policy,-p", sweep_options.policy,
                   "The base the grid overrides: blueprint, hpa or kpa, with fixed knobs")
      ->capture_default_str();
  sweep->add_option("--shard", sweep_options.shard,
                    "I/N: run only the points whose index % N == I (merge with sweep-merge)");
  sweep->add_option("--jobs,-j", sweep_options.jobs, "Worker threads (default: one per core)");
  sweep->add_option("--train", sweep_options.train,
                    "FROM:TO (s, m, h, d): choose on this part of the run only, e.g. 0:42d");
  sweep->add_option("--test", sweep_options.test,
                    "FROM:TO: report the choice on this held-out part too, e.g. 42d: "
                    "(writes sweep-test.csv beside sweep.csv)");
  sweep->add_option("--baseline", sweep_options.baseline,
                    "A policy to compare the choice with (as --policy: hpa, kpa, blueprint, with "
                    "knobs): its figures, and whether the choice dominates it");
  sweep->add_option("--budget", sweep_options.budget,
                    "Choose the least SLO violation within this many replica-hours, or within a "
                    "policy's plus a margin: hpa+10%");
  sweep->add_option("--csv", sweep_options.csv_path,
                    "Where to write every point (default: sweep.csv, in --out if given)");
  sweep->add_option("--out,-o", sweep_options.out_dir, "Folder for the CSV");
  sweep->add_flag("--no-progress", sweep_no_progress, "Never draw the progress bar");

  limiar::cli::SweepMergeOptions merge_options;
  CLI::App* sweep_merge = app.add_subcommand(
      "sweep-merge", "Combine the CSVs of a sharded sweep and print its front and recommendation");
  sweep_merge->add_option("files", merge_options.inputs, "The shards' CSV files")
      ->required()
      ->check(CLI::ExistingFile);
  sweep_merge->add_option("--csv", merge_options.csv_path, "The merged CSV")->capture_default_str();

  limiar::cli::ForecastOptions forecast_options;
  CLI::App* forecast = app.add_subcommand(
      "forecast",
      "How well each forecaster predicts a trace: MAE, MAPE, MASE after a training span");
  forecast->add_option("trace", forecast_options.trace_path, "Trace CSV (t_seconds,value)")
      ->required();
  forecast->add_option("--train-days", forecast_options.train_days, "Days fitted on")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  forecast
      ->add_option("--ahead-s", forecast_options.ahead_s,
                   "Seconds ahead each forecast is made (start-up delay + one tick)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

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
  serve->add_flag("--check", serve_options.check,
                  "Check the blueprint and config as serve would at start, print what it would "
                  "run and exit (0: it would start); binds no port, calls no peer");
  serve->add_option("--log-format", serve_options.log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  // Client subcommands of a running `limiar serve`.
  limiar::cli::ClientOptions client;
  auto add_client_options = [&client](CLI::App* cmd) {
    cmd->add_option("--server,-s", client.server, "Address of limiar serve's gRPC port")
        ->capture_default_str();
    cmd->add_option("--token-file", client.token_file, "Bearer token (admin calls, push)");
    cmd->add_option("--tls-ca", client.tls_ca_file, "CA that signed the server's certificate");
    cmd->add_option("--tls-cert", client.tls_cert_file, "Client certificate (mutual TLS)");
    cmd->add_option("--tls-key", client.tls_key_file, "Client key (mutual TLS)");
    cmd->add_option("--timeout", client.timeout_s, "Seconds to wait for an answer")
        ->capture_default_str();
  };
  std::string target, mode, reload_path;
  limiar::cli::PushOptions push_options;
  double push_total = 0;
  bool status_json = false;
  int watch_count = 0;
  CLI::App* push = app.add_subcommand("push", "Push one batch of samples to limiar serve (now)");
  push->add_option("--resource,-r", push_options.resource, "Target compute or autoscale resource")
      ->required();
  push->add_option("--metric,-m", push_options.metric, "cpu, requests or connections")->required();
  push->add_option("--replica", push_options.replicas, "ID=VALUE, once per replica");
  push->add_option("--total", push_total, "A value of the whole resource (a load balancer's)");
  push->add_option("--gone", push_options.gone, "A replica that stopped: forget it now");
  add_client_options(push);
  CLI::App* status = app.add_subcommand("status", "Targets, their replicas and last decision");
  status->add_option("target", target, "One target (default: all)");
  status->add_flag("--json", status_json, "Print JSON");
  add_client_options(status);
  CLI::App* explain =
      app.add_subcommand("explain", "The full reasoning of a target's last decision");
  explain->add_option("target", target, "Target compute")->required();
  add_client_options(explain);
  CLI::App* watch = app.add_subcommand("watch", "Stream decisions as they are made");
  watch->add_option("target", target, "One target (default: all)");
  watch->add_option("--count,-n", watch_count, "Stop after this many decisions");
  add_client_options(watch);
  CLI::App* mode_cmd = app.add_subcommand("mode", "Switch a target to enforce, dry-run or paused");
  mode_cmd->add_option("target", target, "Target compute")->required();
  mode_cmd->add_option("mode", mode, "enforce | dry-run | paused")
      ->required()
      ->check(CLI::IsMember({"enforce", "dry-run", "paused"}));
  add_client_options(mode_cmd);
  CLI::App* reload = app.add_subcommand(
      "reload",
      "Re-read limiar serve's blueprint file (its --blueprint) and load it (a bad one is "
      "refused)");
  reload->add_option("blueprint", reload_path,
                     "Only the server's own --blueprint path is accepted (older scripts pass "
                     "it); edit that file to change the blueprint");
  add_client_options(reload);

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
  if (*sweep) {
    if (sweep_no_progress) sweep_options.progress = limiar::cli::SweepOptions::Progress::kOff;
    return limiar::cli::RunSweepCommand(sweep_options, std::cout, std::cerr);
  }
  if (*sweep_merge) return limiar::cli::RunSweepMergeCommand(merge_options, std::cout, std::cerr);
  if (*simulate || *compare) {
    CLI::App* cmd = *simulate ? simulate : compare;
    if (cmd->count("--seed") > 0) sim_options.seed = sim_seed;
    return *simulate ? limiar::cli::RunSimulateCommand(sim_options, std::cout, std::cerr)
                     : limiar::cli::RunCompareCommand(sim_options, std::cout, std::cerr);
  }
  if (*forecast) return limiar::cli::RunForecastCommand(forecast_options, std::cout, std::cerr);
  if (*serve) return limiar::cli::RunServeCommand(serve_options, std::cout, std::cerr);
  if (*push) {
    if (push->count("--total") > 0) push_options.total = push_total;
    return limiar::cli::RunPushCommand(client, push_options, std::cout, std::cerr);
  }
  if (*status)
    return limiar::cli::RunStatusCommand(client, target, status_json, std::cout, std::cerr);
  if (*explain) return limiar::cli::RunExplainCommand(client, target, std::cout, std::cerr);
  if (*watch)
    return limiar::cli::RunWatchCommand(client, target, watch_count, std::cout, std::cerr);
  if (*mode_cmd) return limiar::cli::RunModeCommand(client, target, mode, std::cout, std::cerr);
  if (*reload) return limiar::cli::RunReloadCommand(client, reload_path, std::cout, std::cerr);
  return kUsage;
}
