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
//   "grpc": {                             // the gRPC server's resources (ingest + admin)
//     "max_threads": 64,                  // threads serving calls; every open stream (a
//                                         // push, a watch) holds one, and a call beyond
//                                         // the cap is refused RESOURCE_EXHAUSTED; two
//                                         // of them wait for new calls, on any host
//     "max_watch_streams": 16,            // open `limiar watch` streams; keep it well below
//                                         // max_threads so watchers cannot take them all
//     "max_memory_mb": 128,               // gRPC's buffers; past it, flow control makes
//                                         // senders wait
//     "keepalive_time_s": 60,             // ping a client after this long without traffic
//     "keepalive_timeout_s": 20,          // and close the connection without an answer
//     "max_connection_idle_s": 600,       // close a connection without calls this long
//     "max_connection_age_s": 1800,       // ask a connection to go (GOAWAY) at this age
//     "max_connection_age_grace_s": 600   // then end its calls after this long
//   },
//   "http": {                             // the /metrics, /healthz, /readyz server
//     "header_timeout_s": 5,              // a request's headers must arrive within this
//                                         // (else 408), its answer be read within as long
//     "workers": 4,                       // threads answering complete requests
//     "max_queued_requests": 64,          // complete requests waiting for one (else 503)
//     "max_pending_connections": 256      // connections still sending headers; beyond,
//                                         // the oldest is closed
//   },
//   "ingest": {"max_batch_samples": 10000, "max_message_mb": 16, "max_future_s": 10,
//              "max_past_s": 300, "max_rejections_listed": 100},
//   "store": {"metric_window_s": 60, "max_age_s": 120, "retention_s": 600,
//             "max_series": 1000000, "max_points_per_series": 512,
//             "max_replicas_per_target": 10000},
//   "kubernetes": {"kubeconfig": "~/.kube/config", "context": "prod"},  // how to reach the
//                                         // API server; without it: $KUBECONFIG, else the
//                                         // pod's service account, else ~/.kube/config
//   "leader_election": {                  // several copies: only the Lease holder actuates
//     "lease_name": "limiar", "namespace": "shop",  // default: the access's namespace
//     "identity": "",                     // default: $POD_NAME, else HOSTNAME_PID
//     "lease_duration_s": 15, "renew_deadline_s": 10, "retry_period_s": 2,
//     "state_configmap": ""},             // default: LEASE_NAME-state
//   "sources": {"storefront": {"promql": {"server_address": "http://...", "query": "..."}}}
//   // or, for a target with several metrics: {"promql": {"requests": {...}, "cpu": {...}}}
//   // scraping the replicas: {"scrape": {"endpoints": ["10.0.0.5:9100"], "interval_s": 15,
//   //   "metrics": [{"metric": "cpu", "series": "process_cpu_seconds_total"}]}}
//   // a Kubernetes workload's pods (kube_source_config.h; API access as kubectl finds it):
//   //   {"kubernetes": {"kind": "Deployment", "name": "web", "namespace": "shop",
//   //                   "metric": "pod_metrics_cpu"}}
// }
#ifndef LIMIAR_SERVE_SERVE_CONFIG_H_
#define LIMIAR_SERVE_SERVE_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "src/actuator/actuator_config.h"
#include "src/metrics/kubernetes/kube_source_config.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/promql/promql_poller.h"
#include "src/metrics/push/sample_validation.h"
#include "src/metrics/scrape/scrape_config.h"
#include "src/metrics/scrape/scrape_poller.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/serve/http_gate.h"

namespace limiar::serve {

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
  std::optional<metrics::KubeSourceConfig> kubernetes;
};

// Bounds of the gRPC server: without them each stream took a thread of its own (1,000 watch
// streams made 1,021 threads) and a dead peer's connection lived for ever.
struct GrpcLimits {
  int max_threads = 64;
  int max_watch_streams = 16;
  int max_memory_mb = 128;
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration max_connection_idle = absl::Minutes(10);
  absl::Duration max_connection_age = absl::Minutes(30);
  absl::Duration max_connection_age_grace = absl::Minutes(10);
};

// Where the Kubernetes API server is: a kubeconfig (and a context in it), or nothing for
// what kubectl would use (kube::DefaultClusterAccess).
struct KubernetesAccessConfig {
  std::string kubeconfig;
  std::string context;
};

// A coordination.k8s.io/v1 Lease elects the copy that actuates (kube::LeaseLeader).
struct LeaderElectionConfig {
  std::string lease_name = "limiar";
  std::string namespace_name;  // "": the cluster access's namespace
  std::string identity;        // "": $POD_NAME, else HOSTNAME_PID
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
  // Where the leader keeps what a successor must not forget; "": LEASE_NAME-state.
  std::string state_configmap;
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
  GrpcLimits grpc;
  HttpLimits http;
  actuator::ActuatorConfig actuator;
  metrics::IngestLimits ingest;
  int max_message_bytes = 16 << 20;
  metrics::SampleStoreOptions store;
  std::map<std::string, TargetSources> sources;
  KubernetesAccessConfig kubernetes;
  std::optional<LeaderElectionConfig> leader_election;
};

// Every problem at once, one per line, each naming `source` and the JSON path.
absl::StatusOr<ServeConfig> ParseServeConfig(const std::string& text, const std::string& source);
absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path);

// The flags of `limiar serve` that override the config file; empty or 0 when not given.
struct ServeFlags {
  std::string grpc_listen;
  std::string http_listen;
  std::string state_file;
  std::string admin_token_file;
  double tick_interval_s = 0;
};
// Sets in `config` each flag that was given. A flag is checked as its config key is (the
// tick interval from 0.1 to 3600 s): InvalidArgument naming the flag, `config` unchanged.
absl::Status ApplyServeFlags(const ServeFlags& flags, ServeConfig& config);

// The configured sources checked against the blueprint's targets, as the pollers take them.
struct ResolvedSources {
  std::vector<metrics::PromQlSource> promql;
  std::vector<metrics::ScrapeTarget> scrape;
  // The kubernetes sources; cpu_capacity is the target's cpu capacity_per_replica.
  struct Kubernetes {
    std::string target;
    metrics::KubeSourceConfig config;
    double cpu_capacity = 1.0;
  };
  std::vector<Kubernetes> kubernetes;
  // One pool for every target's scrapes, as large as the largest max_concurrency a target
  // sets, so none gets fewer threads than it asked for (the default when none scrapes).
  metrics::ScraperOptions scraper;
};

// A source must name a managed target and feed a metric that target scales on; an unkeyed
// PromQL query feeds the target's only metric. The first mismatch is the error, naming the
// source's path in the config (and `blueprint_path` when the target is unknown).
absl::StatusOr<ResolvedSources> ResolveSources(const ServeConfig& config,
                                               const std::vector<policy::TargetPolicy>& targets,
                                               const std::string& blueprint_path);

// The blueprint serve runs: loaded, and refused when it has no autoscale resource, since
// there would be nothing to manage.
absl::StatusOr<policy::blueprint::LoadedBlueprint> LoadServedBlueprint(
    const std::string& blueprint_path);

// `limiar serve --check` (as `nginx -t` or `promtool check config`): what serve would refuse
// at start without binding a port or calling a peer: the blueprint (its warnings too) and
// every source against its targets. Token, TLS and state files are not read: they are
// often mounted only where serve runs. Returns what serve would run, one line per part.
absl::StatusOr<std::string> CheckServeSetup(const ServeConfig& config,
                                            const std::string& blueprint_path);

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_SERVE_CONFIG_H_
