// The configuration of `limiar serve` beyond the blueprint: where to listen, how to
// actuate, where each target's metrics come from besides push, and the service's limits.
// A JSON file (`--config`), every key optional; flags override the file.
//
// {
//   "grpc_listen": "127.0.0.1:7070",      // ingest + admin gRPC
//   "http_listen": "127.0.0.1:9464",      // /metrics, /healthz, /readyz
//   "tick_interval_s": 15,                // HPA's sync period
//   "fast_path_threshold_pct": 200,       // a sample at 2x the target utilization is
//                                         // evaluated at once; 0 turns the fast path off
//   "state_file": "/var/lib/limiar/state.json",
//   "admin_token_file": "/etc/limiar/token",   // admin calls need this bearer token
//   "ingest_token_file": "/etc/limiar/push-token",  // pushes need this one
//   "tls": {"cert_file": "...", "key_file": "...", "client_ca_file": "..."},  // CA: mTLS
//   "actuator": {"kind": "webhook", "webhook": {"url": "http://..."}},  // see actuator_config.h
//   "ingest": {"max_batch_samples": 10000, "max_message_mb": 16, "max_future_s": 10,
//              "max_past_s": 300, "max_rejections_listed": 100},
//   "store": {"metric_window_s": 60, "max_age_s": 120, "retention_s": 600,
//             "max_series": 1000000, "max_points_per_series": 512,
//             "max_replicas_per_target": 10000},
//   "sources": {"storefront": {"promql": {"server_address": "http://...", "query": "..."}}}
//   // or, for a target with several metrics: {"promql": {"requests": {...}, "cpu": {...}}}
//   // scraping the replicas: {"scrape": {"endpoints": ["10.0.0.5:9100"], "interval_s": 15,
//   //   "metrics": [{"metric": "cpu", "series": "process_cpu_seconds_total"}]}}
// }
#ifndef LIMIAR_CLI_SERVE_CONFIG_H_
#define LIMIAR_CLI_SERVE_CONFIG_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "src/actuator/actuator_config.h"
#include "src/metrics/promql_client.h"
#include "src/metrics/sample_store.h"
#include "src/metrics/sample_validation.h"
#include "src/metrics/scrape_config.h"

namespace limiar::cli {

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // set: clients must present a certificate it signed
};

struct TargetSources {
  // Per metric name ("cpu", "requests", "connections"); the key "" stands for the target's
  // only metric (a `promql` object with a `query` key).
  std::map<std::string, metrics::PromQlQuery> promql;
  std::optional<metrics::ScrapeConfig> scrape;
};

struct ServeConfig {
  std::string grpc_listen = "127.0.0.1:7070";
  std::string http_listen = "127.0.0.1:9464";
  absl::Duration tick_interval = absl::Seconds(15);
  double fast_path_threshold_pct = 200;
  std::string state_file;
  std::string admin_token_file;
  std::string ingest_token_file;
  std::optional<TlsFiles> tls;
  actuator::ActuatorConfig actuator;
  metrics::IngestLimits ingest;
  int max_message_bytes = 16 << 20;
  metrics::SampleStoreOptions store;
  std::map<std::string, TargetSources> sources;
};

// Every problem at once, one per line, each naming `source` and the JSON path.
absl::StatusOr<ServeConfig> ParseServeConfig(const std::string& text, const std::string& source);
absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_SERVE_CONFIG_H_
