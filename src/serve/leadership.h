// Leader election for `limiar serve`: the API client and the Lease, built from the serve
// config, and what the rest of the service asks of them: may this copy actuate (the
// control loop's gate), who leads (self-metrics, logs). Several copies of Limiar may run;
// all ingest and evaluate, only the Lease holder actuates.
#ifndef LIMIAR_SERVE_LEADERSHIP_H_
#define LIMIAR_SERVE_LEADERSHIP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "limiar/v1/admin.pb.h"
#include "src/common/clock.h"
#include "src/controller/control_loop.h"
#include "src/kube/api_client.h"
#include "src/kube/cluster_access.h"
#include "src/kube/leader_election.h"
#include "src/serve/serve_config.h"

namespace limiar::serve {

// The copy's identity when the config names none: the pod's name (downward API, $POD_NAME),
// else HOSTNAME_PID, unique per process as client-go's hostname_UUID is.
std::string DefaultIdentity(const kube::EnvLookup& env);

// How serve reaches the API server: the configured kubeconfig, or what kubectl would use.
absl::StatusOr<kube::ClusterAccess> ServeClusterAccess(const KubernetesAccessConfig& config,
                                                       const kube::EnvLookup& env);

class Leadership {
 public:
  // Checks the configuration and the credentials; calls nothing yet. `clock` must outlive
  // this.
  static absl::StatusOr<std::unique_ptr<Leadership>> Create(const KubernetesAccessConfig& access,
                                                            const LeaderElectionConfig& election,
                                                            const kube::EnvLookup& env,
                                                            Clock* clock);
  ~Leadership();

  void Start() { leader_.Start(); }
  // Releases the Lease when holding it, so another copy takes over at once.
  void Stop() { leader_.Stop(); }

  bool IsLeader() const { return leader_.IsLeader(); }
  // The holder as last seen ("" when none), and this copy's identity.
  std::string holder() const { return leader_.leader(); }
  const std::string& identity() const { return identity_; }
  absl::Status last_error() const { return leader_.last_error(); }
  // For ControlLoop::SetActuationGate: "" while leading, else "follower: HOLDER leads".
  controller::ActuationGate Gate() const;
  // For `limiar status` (AdminOptions::leadership).
  std::function<void(limiar::v1::Leadership*)> StatusFiller() const;
  // "leading", "following HOLDER", "no leader yet: ERROR", for logs when it changes.
  std::string Describe() const;

 private:
  Leadership(std::unique_ptr<kube::ApiClient> client, kube::ResourceRef lease,
             kube::ElectionConfig config, Clock* clock);

  const std::unique_ptr<kube::ApiClient> client_;
  const std::string identity_;
  kube::LeaseLeader leader_;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_LEADERSHIP_H_
