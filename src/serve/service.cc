#include "src/serve/service.h"

#include <cstdlib>
#include <random>

#include "absl/strings/str_cat.h"
#include "src/actuator/actuator_factory.h"
#include "src/common/bearer_token.h"
#include "src/common/loopback.h"
#include "src/common/plural.h"
#include "src/common/regular_file.h"
#include "src/common/status_macros.h"
#include "src/controller/state_file.h"
#include "src/kube/cluster_access.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/blueprint/policy_json.h"

namespace limiar::serve {
namespace {

// The synchronous server runs every call on a thread of its own: the quota caps them (a
// call beyond it is answered RESOURCE_EXHAUSTED by gRPC) and gRPC's memory, keepalive finds dead
// peers whose streams would hold a thread for ever, and the age limits recycle every connection.
void ApplyGrpcLimits(const GrpcLimits& limits, grpc::ServerBuilder& builder) {
  grpc::ResourceQuota quota("limiar-grpc-server");
  quota.SetMaxThreads(limits.max_threads);
  // gRPC's own buffers: past this, it shrinks flow-control windows (senders wait) rather
  // than let many fast senders grow the server's memory.
  quota.Resize(static_cast<size_t>(limits.max_memory_mb) << 20);
  builder.SetResourceQuota(quota);
  // gRPC's default is one completion queue per core, each keeping 1-2 polling threads from
  // the same quota: on a 64-core host the pollers alone would take the default 64 threads,
  // and with fewer threads than cores gRPC aborts at start. One queue and two pollers make
  // max_threads mean the same on every host: two pollers, the rest for calls.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  auto millis = [](absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); };
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, millis(limits.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, millis(limits.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, millis(limits.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, millis(limits.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             millis(limits.max_connection_age_grace));
}

}  // namespace

Service::Service(std::string blueprint_path, ServeConfig config, LogFormat log_format)
    : blueprint_path_(std::move(blueprint_path)),
      config_(std::move(config)),
      log_format_(log_format),
      store_(config_.store) {}

Service::~Service() { Stop(); }

absl::StatusOr<std::unique_ptr<controller::ControlLoop>> Service::BuildLoop(
    const Targets& targets) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<controller::ControlLoop> loop,
      controller::ControlLoop::Create(targets, &observed_, actuator_.get(), sinks_.get()));
  if (leadership_) loop->SetActuationGate(leadership_->Gate());
  loop->SetWorkers(&decide_workers_);
  return loop;
}

void Service::InstallTargets(const Targets& targets) {
  const std::map<std::string, policy::MetricTriggers> triggers =
      policy::FastPathTriggers(targets, config_.fast_path_threshold_pct);
  FastThresholds thresholds(triggers.begin(), triggers.end());
  MutexLock lock(&fast_mu_);
  fast_thresholds_ = std::move(thresholds);
}

void Service::OnStored(const std::vector<metrics::Sample>& samples) {
  std::vector<std::string> hot;
  {
    MutexLock lock(&fast_mu_);
    for (const metrics::Sample& s : samples) {
      auto it = fast_thresholds_.find(s.target);
      if (it == fast_thresholds_.end() || s.value < it->second[static_cast<size_t>(s.metric)]) {
        continue;
      }
      if (std::find(hot.begin(), hot.end(), s.target) == hot.end()) hot.push_back(s.target);
    }
  }
  for (const std::string& t : hot) runner_->RequestEvaluation(t);
}

void Service::SaveState(controller::ControlLoop& loop, absl::Time now) {
  if (config_.state_file.empty()) return;
  const absl::Status s = controller::WriteStateFile(config_.state_file, {now, loop.SaveState()});
  if (!s.ok()) state_write_failures_.fetch_add(1);
  switch (state_errors_.Note(s)) {
    case SaidOnChange::Say::kNothing:
      break;
    case SaidOnChange::Say::kError:
      LogEvent(*log_, log_format_, "state",
               absl::StrCat("state file not written: ", state_errors_.error()), spdlog::level::err);
      break;
    case SaidOnChange::Say::kRecovered:
      LogEvent(*log_, log_format_, "state", "state file writable again");
      break;
  }
}

absl::StatusOr<policy::blueprint::LoadedBlueprint> Service::LoadConfiguredBlueprint() const {
  return policy::blueprint::LoadBlueprintFile(blueprint_path_);
}

void Service::LogBlueprintWarnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) {
    LogEvent(*log_, log_format_, "blueprint", absl::StrCat(blueprint_path_, ": ", w),
             spdlog::level::warn);
  }
}

absl::StatusOr<controller::AdminService::ReloadOutcome> Service::Reload() {
  MutexLock lock(&reload_mu_);
  ASSIGN_OR_RETURN(policy::blueprint::LoadedBlueprint loaded, LoadConfiguredBlueprint());
  ASSIGN_OR_RETURN(std::unique_ptr<controller::ControlLoop> loop, BuildLoop(loaded.targets));
  // Before the new loop runs: a target the reload added must be observable at once.
  actuator_->AddTargets(controller::TargetStarts(loaded.targets, saved_at_start_));
  // The new loop inherits the history and last decision of every target it keeps.
  runner_->ReplaceLoop(std::move(loop));
  push_->SetIndex(std::make_shared<metrics::ResourceIndex>(loaded.targets));
  InstallTargets(loaded.targets);
  // A reload may have turned a forecast on: its history is read as at start.
  if (warm_start_) warm_start_->Add(WarmStartSources(loaded.targets, promql_sources_));
  controller::AdminService::ReloadOutcome out;
  for (const policy::TargetPolicy& t : loaded.targets) out.targets.push_back(t.target);
  out.warnings = blueprint_warnings_.Unsaid(loaded.warnings);
  LogBlueprintWarnings(out.warnings);
  LogEvent(*log_, log_format_, "reload",
           absl::StrCat("blueprint ", blueprint_path_,
                        " loaded: ", Counted(out.targets.size(), "target")));
  return out;
}

std::shared_ptr<grpc::ServerCredentials> Service::Credentials(absl::Status* error) const {
  if (!config_.tls) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  absl::StatusOr<std::string> cert =
      ReadRegularFile(config_.tls->cert_file, kMaxCredentialFileBytes, "tls.cert_file");
  absl::StatusOr<std::string> key =
      ReadRegularFile(config_.tls->key_file, kMaxCredentialFileBytes, "tls.key_file");
  if (!cert.ok() || !key.ok()) {
    *error = !cert.ok() ? cert.status() : key.status();
    return nullptr;
  }
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!config_.tls->client_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadRegularFile(config_.tls->client_ca_file, kMaxCredentialFileBytes, "tls.client_ca_file");
    if (!ca.ok()) {
      *error = ca.status();
      return nullptr;
    }
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

void Service::LogEventFailures() {
  switch (event_errors_.Note(scale_events_->stats().last_outcome)) {
    case SaidOnChange::Say::kNothing:
      break;
    case SaidOnChange::Say::kError:
      LogEvent(*log_, log_format_, "events",
               absl::StrCat("Kubernetes Events not recorded: ", event_errors_.error()),
               spdlog::level::warn);
      break;
    case SaidOnChange::Say::kRecovered:
      LogEvent(*log_, log_format_, "events", "Kubernetes Events recorded again");
      break;
  }
}

void Service::LogLeadershipChange() {
  if (!leadership_) return;
  std::string now = leadership_->Describe();
  if (now == leadership_logged_) return;
  LogEvent(*log_, log_format_, "leader", now);
  leadership_logged_ = std::move(now);
}

absl::Status Service::StartPollers(const Targets& targets) {
  ASSIGN_OR_RETURN(ResolvedSources sources, ResolveSources(config_, targets, blueprint_path_));
  std::vector<metrics::PromQlSource>& promql = sources.promql;
  std::vector<metrics::ScrapeTarget>& scrape = sources.scrape;
  if (!sources.kubernetes.empty()) {
    ASSIGN_OR_RETURN(kube::ClusterAccess access,
                     ServeClusterAccess(config_.kubernetes, std::getenv));
    ASSIGN_OR_RETURN(std::unique_ptr<kube::ApiClient> client,
                     kube::ApiClient::Create(std::move(access)));
    std::vector<metrics::KubePollerTarget> targets;
    for (ResolvedSources::Kubernetes& k : sources.kubernetes) {
      targets.push_back({std::move(k.target), std::move(k.config), k.cpu_capacity});
    }
    kube_poller_ = std::make_unique<metrics::KubePoller>(
        std::move(client), std::move(targets), &store_, &clock_,
        [this](const std::string& target, const absl::Status& s) {
          LogEvent(*log_, log_format_, "kubernetes",
                   s.ok() ? "source of " + target + " recovered" : s.ToString(),
                   s.ok() ? spdlog::level::info : spdlog::level::warn);
        });
    for (metrics::ScrapeTarget& t : kube_poller_->ScrapeTargets()) scrape.push_back(std::move(t));
    std::vector<const metrics::KubePodSource*> pods;
    for (const auto& s : kube_poller_->sources()) pods.push_back(s.get());
    observed_.SetSources(pods);
    kube_poller_->Start();
  }
  if (!scrape.empty()) {
    scraper_ =
        std::make_unique<metrics::Scraper>(std::move(scrape), &store_, &clock_, sources.scraper);
    scraper_->Start();
  }
  {
    MutexLock lock(&reload_mu_);  // a reload may already read them
    promql_sources_ = promql;
  }
  if (!promql.empty()) {
    promql_poller_ = std::make_unique<metrics::PromQlPoller>(
        promql, &promql_client_, &store_, &clock_, [this](const metrics::PromQlHealthChange& c) {
          LogEvent(*log_, log_format_, "promql", metrics::DescribeHealthChange(c),
                   c.error.ok() ? spdlog::level::info : spdlog::level::warn);
        });
    promql_poller_->Start();
  }
  return absl::OkStatus();
}

absl::Status Service::Start() {
  log_ = MakeLogger(log_format_);
  ASSIGN_OR_RETURN(policy::blueprint::LoadedBlueprint loaded, LoadServedBlueprint(blueprint_path_));
  LogBlueprintWarnings(blueprint_warnings_.Unsaid(loaded.warnings));

  ASSIGN_OR_RETURN(const std::string token,
                   ReadBearerTokenFile(config_.admin_token_file, "admin token file"));
  ASSIGN_OR_RETURN(const std::string ingest_token,
                   ReadBearerTokenFile(config_.ingest_token_file, "ingest token file"));

  // The saved state is read before the actuator exists: actuators that cannot observe the
  // platform start from the count the target was left at.
  std::optional<controller::SavedState> saved;
  if (!config_.state_file.empty()) {
    controller::StartState start =
        controller::ReadStateFileAtStart(config_.state_file, clock_.Now());
    saved = std::move(start.saved);
    if (!start.error.ok()) {
      LogEvent(*log_, log_format_, "state",
               absl::StrCat(start.error.ToString(), "; moved to ", start.set_aside_to,
                            ", starting with a fresh history"),
               spdlog::level::err);
    } else if (!saved) {
      LogEvent(*log_, log_format_, "state",
               absl::StrCat("no state file at ", config_.state_file,
                            " yet: starting with a fresh history"));
    }
  }

  if (saved) saved_at_start_ = saved->targets;
  actuator::ActuatorEnvironment env;
  for (const auto& [target, start] : controller::TargetStarts(loaded.targets, saved_at_start_)) {
    env.initial_replicas[target] = start.replicas;
    env.resources[target] = start.resource;
  }
  env.stats = &actuator_stats_;
  env.jitter_seed = std::random_device{}();
  ASSIGN_OR_RETURN(actuator_, actuator::CreateActuator(config_.actuator, &clock_, env));
  if (config_.leader_election) {
    ASSIGN_OR_RETURN(leadership_, Leadership::Create(config_.kubernetes, *config_.leader_election,
                                                     std::getenv, &clock_));
  }

  decision_log_ = std::make_unique<DecisionLog>(log_, log_format_);
  std::vector<controller::DecisionSink*> sinks{decision_log_.get(), &self_metrics_, &broadcaster_};
  if (config_.actuator.kind == actuator::ActuatorKind::kKubernetes) {
    std::function<bool()> may_record;
    if (leadership_) may_record = [l = leadership_.get()] { return l->MayActuate(); };
    ASSIGN_OR_RETURN(scale_events_, ScaleEvents::Create(config_.actuator.kubernetes,
                                                        leadership_ ? leadership_->identity()
                                                                    : DefaultIdentity(std::getenv),
                                                        std::move(may_record)));
    sinks.push_back(scale_events_.get());
  }
  sinks_ = std::make_unique<controller::FanoutSink>(std::move(sinks));
  ASSIGN_OR_RETURN(std::unique_ptr<controller::ControlLoop> loop, BuildLoop(loaded.targets));
  if (saved) {
    const std::vector<std::string> restored = loop->RestoreState(saved->targets);
    LogEvent(*log_, log_format_, "state",
             absl::StrCat("restored ", Counted(restored.size(), "target"), " from ",
                          config_.state_file, " (saved ",
                          absl::FormatTime(absl::RFC3339_sec, saved->saved_at, absl::UTCTimeZone()),
                          ")"));
  }

  runner_ = std::make_unique<controller::Runner>(
      std::move(loop), &clock_, controller::RunnerOptions{config_.tick_interval},
      [this](absl::Duration took, const absl::Status& status) {
        self_metrics_.ObserveTick(took, status.ok());
        first_pass_done_.store(true);
        LogLeadershipChange();
      });
  runner_->SetAfterPass([this](controller::ControlLoop& l, absl::Time now) {
    if (leadership_) {
      if (std::string said = leadership_->AfterPass(l, now); !said.empty()) {
        LogEvent(*log_, log_format_, "leader", said);
      }
    }
    SaveState(l, now);
    store_.CompactIfDue(now);
    if (scale_events_) LogEventFailures();
    log_->flush();  // the pass's decision lines, in one write (DecisionLog)
  });
  // Before the admin service exists: a reload queues sources to it.
  warm_start_ = std::make_unique<HistoryWarmStart>(
      &history_client_, runner_.get(), &clock_, [this](const std::string& line, bool failed) {
        LogEvent(*log_, log_format_, "forecast", line,
                 failed ? spdlog::level::warn : spdlog::level::info);
      });
  InstallTargets(loaded.targets);

  push_ = std::make_unique<metrics::PushService>(
      &store_, std::make_shared<metrics::ResourceIndex>(loaded.targets), &clock_, config_.ingest,
      ingest_token, [this](const std::vector<metrics::Sample>& s) { OnStored(s); });
  push_->SetBatchTimer([this](absl::Duration took) { self_metrics_.ObserveIngestBatch(took); });
  admin_ = std::make_unique<controller::AdminService>(
      runner_.get(), &broadcaster_,
      controller::AdminOptions{token, blueprint_path_, config_.grpc.max_watch_streams,
                               leadership_ ? leadership_->StatusFiller() : nullptr},
      [this] { return Reload(); },
      [](const policy::TargetPolicy& t) {
        return policy::blueprint::ResolvedPolicyToJson(t).dump(1);
      });

  absl::Status cred_error;
  std::shared_ptr<grpc::ServerCredentials> creds = Credentials(&cred_error);
  RETURN_IF_ERROR(cred_error);
  for (const std::string& w : actuator::ActuatorSecurityWarnings(config_.actuator)) {
    LogEvent(*log_, log_format_, "security", w, spdlog::level::warn);
  }
  if (!config_.tls && !IsLoopbackHost(HostOfHostPort(config_.grpc_listen))) {
    LogEvent(*log_, log_format_, "security",
             absl::StrCat("gRPC listens on ", config_.grpc_listen,
                          " without TLS: configure tls to protect ingest and admin"),
             spdlog::level::warn);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.grpc_listen, creds, &grpc_port_);
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  ApplyGrpcLimits(config_.grpc, builder);
  // gRPC turns SO_REUSEPORT on by default: a second server on the same port would start
  // too, and the kernel would split pushes and admin calls between two autoscalers.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(push_.get());
  builder.RegisterService(admin_.get());
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for gRPC on ", config_.grpc_listen,
                                               " (in use, or not an address of this host?)"));
  }

  // The pollers exist before the HTTP server's threads do, and /metrics reads them
  // through pointers taken here: it once read the members while they were being assigned.
  RETURN_IF_ERROR(StartPollers(loaded.targets));
  self_metrics_.SetTotalsSource([this, promql = promql_poller_.get(), scraper = scraper_.get()] {
    SelfMetrics::Totals t;
    t.ingest_accepted = push_->accepted_total();
    t.ingest_rejected = push_->rejected_total();
    const actuator::ActuatorStatsSnapshot a = actuator_stats_.Snapshot();
    t.actuator_successes = a.successes;
    t.actuator_failures = a.failures;
    t.actuator_retries = a.retries;
    t.query_failures = promql != nullptr ? promql->total_errors() : 0;
    t.scrape_failures = scraper != nullptr ? scraper->totals().failures : 0;
    t.state_write_failures = state_write_failures_.load();
    t.leader = leadership_ == nullptr || leadership_->MayActuate();
    return t;
  });
  http_ = std::make_unique<HttpEndpoints>(
      [this] { return self_metrics_.Render(); },
      [this] { return first_pass_done_.load() && !stopping_.load(); }, config_.http);
  ASSIGN_OR_RETURN(auto http_address, SplitListenAddress(config_.http_listen, "http_listen"));
  ASSIGN_OR_RETURN(http_port_, http_->Start(http_address.first, http_address.second));

  // Elected before the first pass, so that a copy that wins at once actuates at once.
  if (leadership_) {
    leadership_->Start();
    LogLeadershipChange();
  }
  runner_->Start();
  {
    MutexLock lock(&reload_mu_);
    warm_start_->Add(WarmStartSources(loaded.targets, promql_sources_));
  }
  started_ = true;
  const size_t colon = config_.grpc_listen.rfind(':');
  LogEvent(*log_, log_format_, "serving",
           absl::StrCat(
               "blueprint ", blueprint_path_, ": ", Counted(loaded.targets.size(), "target"),
               "; grpc on ", config_.grpc_listen.substr(0, colon), ":", grpc_port_, ", http on ",
               http_address.first, ":", http_port_, "; actuator ",
               actuator::ActuatorKindName(config_.actuator.kind),
               leadership_ ? absl::StrCat("; leader election as ", leadership_->identity()) : ""));
  return absl::OkStatus();
}

void Service::Stop() {
  if (stopping_.exchange(true)) return;
  // Stop accepting first, so that nothing new arrives while the last pass finishes.
  broadcaster_.Close();
  if (grpc_server_)
    grpc_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (warm_start_) warm_start_->Stop();
  if (promql_poller_) promql_poller_->Stop();
  if (scraper_) scraper_->Stop();
  if (kube_poller_) kube_poller_->Stop();
  if (runner_) {
    runner_->Stop();
    runner_->WithLoop([this](controller::ControlLoop& l) { SaveState(l, clock_.Now()); });
  }
  // The last decisions' Events, if the API server answers soon.
  if (scale_events_) scale_events_->Flush(absl::Seconds(2));
  // After the last pass: give the Lease up so that another copy takes over at once.
  if (leadership_) leadership_->Stop();
  if (http_) http_->Stop();
  if (started_ && log_) LogEvent(*log_, log_format_, "stopped", "state flushed, bye");
}

}  // namespace limiar::serve
