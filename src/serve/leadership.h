// Leader election for `limiar serve`: the API client and the Lease, built from the serve
// config, and what the rest of the service asks of them: may this copy actuate (the
// control loop's gate), who leads (self-metrics, logs). Several copies of Limiar may run;
// all ingest and evaluate, only the Lease holder actuates.
//
// What a successor must not forget (scale events, cooldowns, modes: what only the copy
// that actuated knows) the leader writes to a ConfigMap after every pass that actuated or
// changed a mode. A copy that wins the Lease reads it and merges it into its own history
// (controller::MergeTakeoverState) before its first actuation, so it decides as the old
// leader would have.
#ifndef LIMIAR_SERVE_LEADERSHIP_H_
#define LIMIAR_SERVE_LEADERSHIP_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "limiar/v1/admin.pb.h"
#include "src/common/clock.h"
#include "src/controller/control_loop.h"
#include "src/controller/state_file.h"
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
  // Leading, and the predecessor's state taken over.
  bool MayActuate() const { return leader_.IsLeader() && taken_over_.load(); }
  // After each pass of the control loop, on the runner's thread: on becoming leader, takes
  // over the predecessor's state; while leading, writes the state when it changed in what
  // a successor needs. Returns a line to log, "" when there is nothing to say.
  std::string AfterPass(controller::ControlLoop& loop, absl::Time now);
  // The holder as last seen ("" when none), and this copy's identity.
  std::string holder() const { return leader_.leader(); }
  const std::string& identity() const { return identity_; }
  absl::Status last_error() const { return leader_.last_error(); }
  // For ControlLoop::SetActuationGate: "" while it may actuate, else why not ("follower:
  // HOLDER leads", "taking over").
  controller::ActuationGate Gate() const;
  // For `limiar status` (AdminOptions::leadership).
  std::function<void(limiar::v1::Leadership*)> StatusFiller() const;
  // "leading", "following HOLDER", "no leader yet: ERROR", for logs when it changes.
  std::string Describe() const;

 private:
  Leadership(std::unique_ptr<kube::ApiClient> client, kube::ResourceRef lease,
             kube::ResourceRef state, kube::ElectionConfig config, Clock* clock);

  // Reads the ConfigMap and merges it into the loop's state; what to log.
  std::string TakeOver(controller::ControlLoop& loop, absl::Time now);
  absl::Status WriteState(const controller::SavedState& state);

  const std::unique_ptr<kube::ApiClient> client_;
  const std::string identity_;
  const kube::ResourceRef state_;  // the ConfigMap
  kube::LeaseLeader leader_;
  std::atomic<bool> taken_over_{false};
  // Used on the runner's thread only: what was last written, and the ConfigMap's version.
  int64_t written_scale_events_ = -1;
  std::map<std::string, policy::Mode> written_modes_;
  std::string state_version_;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_LEADERSHIP_H_
