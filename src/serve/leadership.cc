#include "src/serve/leadership.h"

#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "src/common/plural.h"
#include "src/controller/takeover_state.h"

namespace limiar::serve {

std::string DefaultIdentity(const kube::EnvLookup& env) {
  if (const char* pod = env("POD_NAME"); pod != nullptr && *pod != '\0') return pod;
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    return absl::StrCat("limiar_", ::getpid());
  }
  return absl::StrCat(host, "_", ::getpid());
}

absl::StatusOr<kube::ClusterAccess> ServeClusterAccess(const KubernetesAccessConfig& config,
                                                       const kube::EnvLookup& env) {
  if (!config.kubeconfig.empty()) return kube::KubeconfigAccess(config.kubeconfig, config.context);
  if (!config.context.empty()) {
    return absl::InvalidArgumentError(
        "kubernetes.context needs kubernetes.kubeconfig: name the file the context is in");
  }
  return kube::DefaultClusterAccess(env);
}

absl::StatusOr<std::unique_ptr<Leadership>> Leadership::Create(
    const KubernetesAccessConfig& access_config, const LeaderElectionConfig& election,
    const kube::EnvLookup& env, Clock* clock) {
  absl::StatusOr<kube::ClusterAccess> access = ServeClusterAccess(access_config, env);
  if (!access.ok()) {
    return absl::Status(access.status().code(),
                        absl::StrCat("leader_election: ", access.status().message()));
  }
  kube::ElectionConfig config;
  config.identity = election.identity.empty() ? DefaultIdentity(env) : election.identity;
  config.lease_duration = election.lease_duration;
  config.renew_deadline = election.renew_deadline;
  config.retry_period = election.retry_period;
  if (absl::Status valid = kube::ValidateElectionConfig(config); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("leader_election: ", valid.message()));
  }
  kube::ResourceRef lease;
  lease.group = "coordination.k8s.io";
  lease.resource = "leases";
  lease.namespace_name =
      election.namespace_name.empty() ? access->namespace_name : election.namespace_name;
  lease.name = election.lease_name;
  kube::ResourceRef state = lease;
  state.group = "";
  state.resource = "configmaps";
  state.name = election.state_configmap.empty() ? absl::StrCat(election.lease_name, "-state")
                                                : election.state_configmap;
  kube::ApiClientOptions options;
  options.user_agent_suffix = config.identity;
  absl::StatusOr<std::unique_ptr<kube::ApiClient>> client =
      kube::ApiClient::Create(*std::move(access), options);
  if (!client.ok()) {
    return absl::Status(client.status().code(),
                        absl::StrCat("leader_election: ", client.status().message()));
  }
  return std::unique_ptr<Leadership>(new Leadership(*std::move(client), std::move(lease),
                                                    std::move(state), std::move(config), clock));
}

Leadership::Leadership(std::unique_ptr<kube::ApiClient> client, kube::ResourceRef lease,
                       kube::ResourceRef state, kube::ElectionConfig config, Clock* clock)
    : client_(std::move(client)),
      identity_(config.identity),
      state_(std::move(state)),
      leader_(client_.get(), std::move(lease), std::move(config), clock) {}

Leadership::~Leadership() { leader_.Stop(); }

controller::ActuationGate Leadership::Gate() const {
  return [this]() -> std::string {
    if (MayActuate()) return "";
    if (leader_.IsLeader()) return "taking over: the previous leader's state is read first";
    const std::string holder = leader_.leader();
    return holder.empty() || holder == identity_ ? "follower: no leader yet"
                                                 : absl::StrCat("follower: ", holder, " leads");
  };
}

std::function<void(limiar::v1::Leadership*)> Leadership::StatusFiller() const {
  return [this](limiar::v1::Leadership* out) {
    out->set_identity(identity_);
    out->set_holder(leader_.leader());
    out->set_leading(leader_.IsLeader());
  };
}

std::string Leadership::Describe() const {
  if (leader_.IsLeader()) return absl::StrCat(identity_, " leading");
  const std::string holder = leader_.leader();
  if (!holder.empty() && holder != identity_) {
    return absl::StrCat(identity_, " following ", holder);
  }
  const absl::Status error = leader_.last_error();
  return error.ok() ? absl::StrCat(identity_, " waiting for the Lease")
                    : absl::StrCat(identity_, " not leading: ", error.message());
}

namespace {

// A ConfigMap holds at most 1 MiB; the JSON around the state takes a little of it.
constexpr size_t kMaxStateBytes = 1'000'000;
constexpr char kStateKey[] = "state.json";
// The previous leader's clock may run a little ahead of this one's: its latest points are
// then dated "after now" here, which the state reader would refuse as corrupt.
constexpr absl::Duration kClockSkew = absl::Minutes(1);

std::map<std::string, policy::Mode> Modes(const std::map<std::string, controller::TargetState>& s) {
  std::map<std::string, policy::Mode> out;
  for (const auto& [target, state] : s) out[target] = state.mode;
  return out;
}

std::string VersionOf(const nlohmann::json& object) {
  const nlohmann::json::json_pointer at("/metadata/resourceVersion");
  return object.contains(at) && object.at(at).is_string() ? object.at(at).get<std::string>() : "";
}

}  // namespace

std::string Leadership::AfterPass(controller::ControlLoop& loop, absl::Time now) {
  if (!leader_.IsLeader()) {
    // Leadership lost (or never had): the next win takes over afresh.
    taken_over_.store(false);
    written_scale_events_ = -1;
    return "";
  }
  if (!taken_over_.load()) return TakeOver(loop, now);
  std::map<std::string, controller::TargetState> targets = loop.SaveState();
  // Forecast histories (weeks of minutes) would not fit a ConfigMap, and need not: every
  // copy keeps ingesting and evaluating, so a new leader's own history is as long.
  for (auto& [target, state] : targets) state.policy.load_history.clear();
  std::map<std::string, policy::Mode> modes = Modes(targets);
  if (loop.stats().scale_events == written_scale_events_ && modes == written_modes_) return "";
  const absl::Status written = WriteState({now, std::move(targets)});
  if (!written.ok()) {
    return absl::StrCat("state not written to ConfigMap ", state_.namespace_name, "/", state_.name,
                        ": ", written.message());
  }
  written_scale_events_ = loop.stats().scale_events;
  written_modes_ = std::move(modes);
  return "";
}

std::string Leadership::TakeOver(controller::ControlLoop& loop, absl::Time now) {
  const std::string where = absl::StrCat("ConfigMap ", state_.namespace_name, "/", state_.name);
  // Whatever happens below, this copy now actuates: a state it cannot read must not keep
  // the target unmanaged.
  taken_over_.store(true);
  written_scale_events_ = -1;  // write at the end of the next pass
  absl::StatusOr<nlohmann::json> map = client_->Get(state_);
  if (absl::IsNotFound(map.status())) {
    state_version_.clear();
    return absl::StrCat("leading with this copy's own history: no ", where, " yet");
  }
  if (!map.ok()) {
    return absl::StrCat("leading with this copy's own history: ", map.status().message());
  }
  state_version_ = VersionOf(*map);
  const nlohmann::json::json_pointer at(std::string("/data/") + kStateKey);
  if (!map->contains(at) || !map->at(at).is_string()) {
    return absl::StrCat("leading with this copy's own history: ", where, " has no ", kStateKey);
  }
  absl::StatusOr<controller::SavedState> saved =
      controller::StateFromJson(map->at(at).get<std::string>(), where, now + kClockSkew);
  if (!saved.ok()) {
    return absl::StrCat("leading with this copy's own history: ", saved.status().message());
  }
  const std::vector<std::string> restored =
      loop.RestoreState(controller::MergeTakeoverState(loop.SaveState(), saved->targets));
  return absl::StrCat(
      "took over the state of ", Counted(restored.size(), "target"), " from ", where, " (written ",
      absl::FormatTime(absl::RFC3339_sec, saved->saved_at, absl::UTCTimeZone()), ")");
}

absl::Status Leadership::WriteState(const controller::SavedState& state) {
  const std::string text = controller::StateToJson(state);
  if (text.size() > kMaxStateBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the state of ", Counted(state.targets.size(), "target"), " takes ", text.size(),
        " bytes, more than a ConfigMap holds (1 MiB): split the "
        "targets between Limiar instance groups"));
  }
  nlohmann::json object = {{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata",
                            {{"name", state_.name},
                             {"namespace", state_.namespace_name},
                             {"labels", {{"app.kubernetes.io/managed-by", "limiar"}}}}},
                           {"data", {{kStateKey, text}}}};
  kube::ResourceRef collection = state_;
  collection.name.clear();
  // Two rounds: a version gone stale (the previous leader's last write) is read again.
  for (int round = 0; round < 2; ++round) {
    if (state_version_.empty()) {
      absl::StatusOr<nlohmann::json> created = client_->Create(collection, object);
      if (created.ok()) {
        state_version_ = VersionOf(*created);
        return absl::OkStatus();
      }
      if (!absl::IsAlreadyExists(created.status())) return created.status();
      absl::StatusOr<nlohmann::json> current = client_->Get(state_);
      if (!current.ok()) return current.status();
      state_version_ = VersionOf(*current);
    }
    object["metadata"]["resourceVersion"] = state_version_;
    absl::StatusOr<nlohmann::json> updated = client_->Update(state_, object);
    if (updated.ok()) {
      state_version_ = VersionOf(*updated);
      return absl::OkStatus();
    }
    state_version_.clear();
    if (!absl::IsAborted(updated.status())) return updated.status();
  }
  return absl::AbortedError("another writer kept changing it");
}

}  // namespace limiar::serve
