// The `kubernetes` actuator: scales Deployments through the `scale` subresource, as
// `kubectl scale` and the HPA controller do, with the pod's service-account credentials.
//
//   SetReplicas: PATCH /apis/apps/v1/namespaces/NS/deployments/NAME/scale
//                Content-Type: application/merge-patch+json, body {"spec":{"replicas":N}}
//   Observe:     GET   .../deployments/NAME/scale -> spec.replicas (the count asked for)
//                GET   .../deployments/NAME       -> status.readyReplicas (absent = 0)
//
// The bearer token is read from the token file and read again whenever the file changes
// (tokens rotate); after a 401 the file is re-read and the call made once more if the
// token changed. The server is verified with ca_file. RBAC the service account needs, in
// the target's namespace: apiGroups ["apps"], resources ["deployments/scale"], verbs
// ["get", "patch"]; and resources ["deployments"], verbs ["get"].
#ifndef LIMIAR_ACTUATOR_KUBERNETES_ACTUATOR_H_
#define LIMIAR_ACTUATOR_KUBERNETES_ACTUATOR_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/actuator/actuator.h"
#include "src/common/http/http_client.h"
#include "src/kube/token_file.h"

namespace limiar::actuator {

inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

struct KubernetesOptions {
  // "https://host:port". Empty: in-cluster, from KUBERNETES_SERVICE_HOST and
  // KUBERNETES_SERVICE_PORT as client-go's rest.InClusterConfig does.
  std::string api_server;
  // Empty: the contents of namespace_file (the pod's own namespace).
  std::string namespace_name;
  std::string token_file = std::string(kServiceAccountDir) + "/token";
  std::string ca_file = std::string(kServiceAccountDir) + "/ca.crt";  // empty: system roots
  std::string namespace_file = std::string(kServiceAccountDir) + "/namespace";
  // Target name -> Deployment name; a target not listed scales the Deployment of its own
  // name.
  std::map<std::string, std::string> deployments;
  absl::Duration timeout = absl::Seconds(10);
};

// "https://HOST:PORT" from the two in-cluster variables (IPv6 hosts get brackets);
// FailedPrecondition naming them when either is unset or empty.
absl::StatusOr<std::string> InClusterApiServer(const char* host, const char* port);

// True for a valid Kubernetes object name (DNS-1123 subdomain) or, with `label`, a valid
// namespace name (DNS-1123 label).
bool IsDns1123Name(const std::string& name, bool label);

// Observe's reading of the API server's two answers: `scale_body` (GET .../scale,
// spec.replicas) and `deployment_body` (GET the Deployment, status.readyReplicas); `url`
// is the Deployment's, for errors. Pure, so that the fuzzer reaches it without a server.
absl::StatusOr<ScaleState> ParseKubernetesScaleAnswers(const std::string& scale_body,
                                                       const std::string& deployment_body,
                                                       const std::string& url);

class KubernetesActuator final : public Actuator {
 public:
  // Resolves the API server and the namespace and checks that the token file can be read
  // and the CA file exists; errors name what is missing.
  static absl::StatusOr<std::unique_ptr<KubernetesActuator>> Create(
      const KubernetesOptions& options);

  // Block on the network up to the timeout (per request). Thread-safe.
  absl::StatusOr<ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const ScaleRequest& request) override;

  const std::string& api_server() const { return api_server_; }
  const std::string& namespace_name() const { return namespace_; }

 private:
  KubernetesActuator(const KubernetesOptions& options, std::string api_server,
                     std::string namespace_name);

  absl::StatusOr<std::string> DeploymentName(const std::string& target) const;
  // Sends with the current token; on 401 retries once if the token file changed.
  absl::StatusOr<http::HttpResponse> Call(http::HttpRequest request);
  // Maps a non-2xx answer to a status whose message says what to check.
  absl::Status Explain(const http::HttpResponse& response, const std::string& verb,
                       const std::string& deployment) const;

  const std::string api_server_;
  const std::string namespace_;
  const std::string ca_file_;
  const std::map<std::string, std::string> deployments_;
  const absl::Duration timeout_;
  kube::TokenFile token_;
  http::HttpClient http_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_KUBERNETES_ACTUATOR_H_
