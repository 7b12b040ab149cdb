// The `kubernetes` actuator: scales Deployments through the `scale` subresource, as
// `kubectl scale` and the HPA controller do, with the pod's service-account credentials.
//
//   SetReplicas: PATCH /apis/apps/v1/namespaces/NS/deployments/NAME/scale
//                Content-Type: application/merge-patch+json, body {"spec":{"replicas":N}}
//   Observe:     spec.replicas (the count asked for) and status.readyReplicas (absent = 0)
//                of the Deployment as one list+watch of .../namespaces/NS/deployments
//                follows them; until that has listed, when list or watch is refused, for
//                a Deployment it does not hold, or one older than this actuator's last
//                PATCH of it (read-your-writes), asked for:
//                GET   .../deployments/NAME/scale -> spec.replicas
//                GET   .../deployments/NAME       -> status.readyReplicas
//
// The calls go through the one Kubernetes API client (src/kube): the bearer token is read
// from the token file and read again whenever the file changes (tokens rotate); after a 401
// the file is re-read and the call made once more if the token changed. The server is verified with
// ca_file. RBAC the service account needs, in the target's namespace: apiGroups ["apps"],
// resources ["deployments/scale"], verbs ["get", "patch"]; and resources ["deployments"],
// verbs ["get", "list", "watch"] (without list and watch, every Observe asks).
#ifndef LIMIAR_ACTUATOR_KUBERNETES_ACTUATOR_H_
#define LIMIAR_ACTUATOR_KUBERNETES_ACTUATOR_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/actuator/actuator.h"
#include "src/common/mutex.h"
#include "src/kube/api_client.h"
#include "src/kube/cluster_access.h"
#include "src/kube/informer.h"
#include "src/kube/owners.h"

namespace limiar::actuator {

struct KubernetesOptions {
  // "https://host:port". Empty: in-cluster, from KUBERNETES_SERVICE_HOST and
  // KUBERNETES_SERVICE_PORT as client-go's rest.InClusterConfig does.
  std::string api_server;
  // Empty: the contents of namespace_file (the pod's own namespace).
  std::string namespace_name;
  std::string token_file = std::string(kube::kServiceAccountDir) + "/token";
  std::string ca_file = std::string(kube::kServiceAccountDir) + "/ca.crt";  // empty: system roots
  std::string namespace_file = std::string(kube::kServiceAccountDir) + "/namespace";
  // Target name -> Deployment name; a target not listed scales the Deployment of its own
  // name.
  std::map<std::string, std::string> deployments;
  // Limiar as a sidecar: this target scales the Deployment that runs Limiar's own pod,
  // found through the pod's owners (pod -> ReplicaSet -> Deployment).
  std::string sidecar_target;
  // The pod's name for that; empty: $POD_NAME (downward API: fieldRef metadata.name).
  std::string pod_name;
  absl::Duration timeout = absl::Seconds(10);
};

// True for a valid Kubernetes object name (DNS-1123 subdomain) or, with `label`, a valid
// namespace name (DNS-1123 label).
bool IsDns1123Name(const std::string& name, bool label);

// Observe's reading of the API server's two answers: `scale_body` (GET .../scale,
// spec.replicas) and `deployment_body` (GET the Deployment, status.readyReplicas); `url`
// is the Deployment's, for errors. Pure, so that the fuzzer reaches it without a server.
absl::StatusOr<ScaleState> ParseKubernetesScaleAnswers(const std::string& scale_body,
                                                       const std::string& deployment_body,
                                                       const std::string& url);
// The same from the two answers parsed (`path` is the Deployment's, for errors).
absl::StatusOr<ScaleState> ScaleStateFromObjects(const nlohmann::json& scale,
                                                 const nlohmann::json& deployment,
                                                 const std::string& path);

// Where the API server is and how to reach it, from the actuator's options (in-cluster
// defaults, the namespace file, the token and CA files checked); errors name what is
// missing. The actuator and the scale Events on its Deployments share it.
absl::StatusOr<kube::ClusterAccess> KubernetesActuatorAccess(const KubernetesOptions& options);

// The Deployment each target scales: its entry in `deployments`, the Deployment of
// Limiar's own pod for the sidecar target, else the target's own name; checked as a
// Deployment name. Thread-safe. The actuator and the Events on its Deployments share it.
class KubernetesDeployments {
 public:
  // `client` must outlive this. InvalidArgument when the sidecar target has no pod name.
  static absl::StatusOr<std::unique_ptr<KubernetesDeployments>> Create(
      const KubernetesOptions& options, kube::ApiClient* client);
  absl::StatusOr<std::string> Of(const std::string& target) const;

 private:
  KubernetesDeployments(const KubernetesOptions& options,
                        std::unique_ptr<kube::OwningDeployment> own)
      : deployments_(options.deployments),
        sidecar_target_(options.sidecar_target),
        own_(std::move(own)) {}

  const std::map<std::string, std::string> deployments_;
  const std::string sidecar_target_;
  const std::unique_ptr<kube::OwningDeployment> own_;
};

class KubernetesActuator final : public Actuator {
 public:
  // Resolves the API server and the namespace and checks that the token file can be read
  // and the CA file exists; errors name what is missing.
  static absl::StatusOr<std::unique_ptr<KubernetesActuator>> Create(
      const KubernetesOptions& options);

  // Block on the network up to the timeout (per request). Thread-safe.
  absl::StatusOr<ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const ScaleRequest& request) override;

  const std::string& api_server() const;
  const std::string& namespace_name() const;

 private:
  KubernetesActuator(const KubernetesOptions& options, std::unique_ptr<kube::ApiClient> client);

  kube::ResourceRef Deployment(const std::string& name) const;
  // The API client's error with what to check in the actuator's own config; a 409 (Aborted)
  // becomes FailedPrecondition: not a race a retry would win.
  static absl::Status Explain(const absl::Status& status);

  // Observe from the watched Deployments; nullopt when they cannot answer for `name` (not
  // listed yet, RBAC refuses list or watch, not cached, or older than this actuator's
  // last PATCH of it), and Observe asks the API server.
  std::optional<ScaleState> ObserveWatched(const std::string& name) const;

  const std::unique_ptr<kube::ApiClient> client_;
  std::unique_ptr<KubernetesDeployments> deployments_;
  // The namespace's Deployments, followed by one watch, so that a tick over many targets
  // does not make two GETs for each (20 s a tick over 1,000 targets, bench/kube_scale).
  std::unique_ptr<kube::Informer> watched_;
  mutable Mutex mu_;
  // The resourceVersion each PATCH answered with: the watched copy must have caught up
  // with it before Observe trusts it (read-your-writes).
  std::map<std::string, int64_t> patched_version_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_KUBERNETES_ACTUATOR_H_
