// `limiar serve` assembled: the composition root of the live service. Constructs every
// component by injection, starts them in dependency order and stops them in reverse.
#ifndef LIMIAR_SERVE_SERVICE_H_
#define LIMIAR_SERVE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "src/actuator/actuator.h"
#include "src/actuator/actuator_stats.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/common/said_once.h"
#include "src/common/worker_pool.h"
#include "src/controller/admin_service.h"
#include "src/controller/decision_broadcaster.h"
#include "src/controller/runner.h"
#include "src/metrics/kubernetes/kube_poller.h"
#include "src/metrics/kubernetes/kube_replicas.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/promql/promql_poller.h"
#include "src/metrics/push/push_service.h"
#include "src/metrics/scrape/scrape_poller.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/fast_path.h"
#include "src/serve/decision_log.h"
#include "src/serve/history_warm_start.h"
#include "src/serve/http_endpoints.h"
#include "src/serve/leadership.h"
#include "src/serve/scale_events.h"
#include "src/serve/self_metrics.h"
#include "src/serve/serve_config.h"

namespace limiar::serve {

class Service {
 public:
  Service(std::string blueprint_path, ServeConfig config, LogFormat log_format);
  ~Service();

  // Loads the blueprint and the saved state, binds the ports and starts every thread.
  // On error nothing keeps running.
  absl::Status Start();
  // Graceful stop: stop accepting, finish the pass in progress, write the state file.
  void Stop();

  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }

 private:
  using Targets = std::vector<policy::TargetPolicy>;
  absl::StatusOr<std::unique_ptr<controller::ControlLoop>> BuildLoop(const Targets& targets);
  // The configured blueprint file (a regular file of at most kMaxBlueprintBytes).
  absl::StatusOr<policy::blueprint::LoadedBlueprint> LoadConfiguredBlueprint() const;
  absl::StatusOr<controller::AdminService::ReloadOutcome> Reload();
  void LogBlueprintWarnings(const std::vector<std::string>& warnings);
  void InstallTargets(const Targets& targets);
  void OnStored(const std::vector<metrics::Sample>& samples);
  void SaveState(controller::ControlLoop& loop, absl::Time now);
  absl::Status StartPollers(const Targets& targets);
  // Logs a failure to record Events once per distinct error, and the recovery.
  void LogEventFailures();
  // Logs who leads when it changed since the last call.
  void LogLeadershipChange();
  std::shared_ptr<grpc::ServerCredentials> Credentials(absl::Status* error) const;

  const std::string blueprint_path_;
  const ServeConfig config_;
  const LogFormat log_format_;
  std::shared_ptr<spdlog::logger> log_;

  RealClock clock_;
  metrics::SampleStore store_;
  // What the loop observes: the store, with each kubernetes target's pods merged in (a pod
  // without a sample is a missing replica, as the HPA counts it).
  metrics::KubeReplicaSource observed_{&store_};
  actuator::ActuatorStats actuator_stats_;
  std::unique_ptr<actuator::Actuator> actuator_;
  // With the kubernetes actuator: Events on the Deployments it scales.
  std::unique_ptr<ScaleEvents> scale_events_;
  SelfMetrics self_metrics_;
  std::unique_ptr<DecisionLog> decision_log_;
  controller::DecisionBroadcaster broadcaster_;
  std::unique_ptr<controller::FanoutSink> sinks_;
  // The loop decides its targets on these threads (one per core, up to 4): 10,000 targets
  // one after another took 104 ms of a one-second tick. Declared before the loop's runner,
  // which must go first.
  WorkerPool decide_workers_{WorkerPool::SizeForMachine(4)};
  std::unique_ptr<controller::Runner> runner_;
  std::unique_ptr<metrics::PushService> push_;
  std::unique_ptr<controller::AdminService> admin_;
  std::unique_ptr<grpc::Server> grpc_server_;
  metrics::PromQlClient promql_client_;
  std::unique_ptr<metrics::PromQlPoller> promql_poller_;
  // The PromQL sources as configured, and the forecast history's warm start from them;
  // after runner_, which it uses, so that it goes first. Its own client: the client
  // serialises requests, and a warm start's range queries must not hold up the poller's.
  std::vector<metrics::PromQlSource> promql_sources_ ABSL_GUARDED_BY(reload_mu_);
  metrics::PromQlClient history_client_;
  std::unique_ptr<HistoryWarmStart> warm_start_;
  // Before scraper_: the scraper reads its kubernetes targets' pods, so it goes first.
  std::unique_ptr<metrics::KubePoller> kube_poller_;
  std::unique_ptr<metrics::Scraper> scraper_;
  std::unique_ptr<HttpEndpoints> http_;
  // Set when leader_election is configured: only the Lease holder actuates.
  std::unique_ptr<Leadership> leadership_;
  // Leadership as last logged (by the runner's thread only): a change is logged once.
  std::string leadership_logged_;

  // Fast path: per target, per metric (indexed by MetricType), the per-replica value that
  // asks for an evaluation at once; infinity where none does. A hash lookup per sample:
  // this runs on every ingested sample.
  using FastThresholds = absl::flat_hash_map<std::string, policy::MetricTriggers>;
  Mutex fast_mu_;
  FastThresholds fast_thresholds_ ABSL_GUARDED_BY(fast_mu_);
  Mutex reload_mu_;  // one reload at a time
  // The blueprint warnings said so far (at start, then under reload_mu_): a reload says only
  // those its edit brought.
  SaidOnce blueprint_warnings_;
  // The state file as read at start: a target a reload adds starts at the count saved for
  // it, as it would have at start. Written only before the threads start.
  std::map<std::string, controller::TargetState> saved_at_start_;

  std::atomic<bool> first_pass_done_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> state_write_failures_{0};
  // State file writes: each distinct error is logged once, and the recovery.
  SaidOnChange state_errors_;
  // Events the API server refused: each distinct error is logged once, and the recovery.
  SaidOnChange event_errors_;
  int grpc_port_ = 0;
  int http_port_ = 0;
  bool started_ = false;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_SERVICE_H_
