#include "src/serve/leadership.h"

#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"

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
  kube::ApiClientOptions options;
  options.user_agent_suffix = config.identity;
  absl::StatusOr<std::unique_ptr<kube::ApiClient>> client =
      kube::ApiClient::Create(*std::move(access), options);
  if (!client.ok()) {
    return absl::Status(client.status().code(),
                        absl::StrCat("leader_election: ", client.status().message()));
  }
  return std::unique_ptr<Leadership>(
      new Leadership(*std::move(client), std::move(lease), std::move(config), clock));
}

Leadership::Leadership(std::unique_ptr<kube::ApiClient> client, kube::ResourceRef lease,
                       kube::ElectionConfig config, Clock* clock)
    : client_(std::move(client)),
      identity_(config.identity),
      leader_(client_.get(), std::move(lease), std::move(config), clock) {}

Leadership::~Leadership() { leader_.Stop(); }

controller::ActuationGate Leadership::Gate() const {
  return [this]() -> std::string {
    if (leader_.IsLeader()) return "";
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

}  // namespace limiar::serve
