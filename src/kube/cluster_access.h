// Where the Kubernetes API server is and how to prove who we are, found as client-go finds
// it: inside a pod from the service account (rest.InClusterConfig), outside from a
// kubeconfig file (clientcmd: the current context, or a named one).
//
//   in-cluster: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the token file
//               (re-read as the kubelet rotates it), ca.crt and namespace of
//               /var/run/secrets/kubernetes.io/serviceaccount
//   kubeconfig: context -> cluster (server, certificate-authority[-data]) and user (token,
//               tokenFile, client-certificate[-data] + client-key[-data], username +
//               password); relative paths are relative to the kubeconfig's folder
//
// What Limiar cannot honour is refused by name rather than half-done: exec and
// auth-provider credential plugins, insecure-skip-tls-verify (verification is never off),
// proxy-url, tls-server-name.
#ifndef LIMIAR_KUBE_CLUSTER_ACCESS_H_
#define LIMIAR_KUBE_CLUSTER_ACCESS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace limiar::kube {

inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

struct ClusterAccess {
  std::string server;  // "https://host:port", no trailing slash
  // The CA to verify the server with: a file, or PEM text (certificate-authority-data);
  // neither: the system's roots.
  std::string ca_file;
  std::string ca_pem;
  // At most one way to authenticate: a token file (read again as it rotates), a token, a
  // client certificate and key (files or PEM text), or basic auth.
  std::string token_file;
  std::string token;
  std::string client_cert_file;
  std::string client_key_file;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string username;
  std::string password;
  // The namespace to use when a target names none ("default" when nothing says).
  std::string namespace_name = "default";
  // For messages and `limiar status`: "in-cluster service account" or
  // "kubeconfig PATH, context NAME".
  std::string description;
};

// Reads an environment variable (std::getenv in production; a map in tests).
using EnvLookup = std::function<const char*(const char*)>;

// "https://HOST:PORT" (IPv6 hosts in brackets, as Go's net.JoinHostPort); FailedPrecondition
// naming the variables when either is unset or empty.
absl::StatusOr<std::string> InClusterApiServer(const char* host, const char* port);

// The pod's service account in `account_dir`: the token and CA must be there (the token is
// read per request, later); the namespace file is optional ("default" without it).
absl::StatusOr<ClusterAccess> InClusterAccess(const EnvLookup& env,
                                              const std::string& account_dir = kServiceAccountDir);

// The kubeconfig at `path`, YAML or JSON, with `context` (empty: its current-context).
// Errors list every problem found, each as `PATH: JSON.PATH: what; what to do`.
absl::StatusOr<ClusterAccess> KubeconfigAccess(const std::string& path,
                                               const std::string& context = "");

// What kubectl would use when nothing is configured: $KUBECONFIG's first file, else
// in-cluster when $KUBERNETES_SERVICE_HOST is set, else ~/.kube/config.
absl::StatusOr<ClusterAccess> DefaultClusterAccess(const EnvLookup& env);

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_CLUSTER_ACCESS_H_
