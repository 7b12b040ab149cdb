// The `actuator` section of Limiar's configuration: which kind carries decisions to the
// platform, its settings, and the retry policy. Parsed once, at the edge, into typed
// structs with defaults resolved; every error names its JSON path.
//
// JSON keys (durations are seconds, as numbers; unknown keys are errors that name the
// nearest key; only the section of the chosen kind may appear):
//
//   "actuator": {
//     "kind": "log" | "exec" | "webhook" | "grpc" | "kubernetes",        (required)
//     "retry": {                          optional; applies to SetReplicas of every kind
//       "max_attempts": 3,                tries, the first included (1..100; 1 = no retry)
//       "initial_backoff_seconds": 0.2,   cap of the first wait (> 0)
//       "max_backoff_seconds": 5          cap of any wait (>= initial_backoff_seconds)
//     },
//     "exec": {                           required for kind exec
//       "command": "kubectl scale deployment/{target} --replicas={replicas}",  (required)
//       "observe_command": "...",         optional; prints "SPEC READY" or JSON
//       "timeout_seconds": 30
//     },
//     "webhook": {                        required for kind webhook
//       "url": "https://...",             (required) http:// or https://
//       "observe_url": "https://.../{target}",  optional
//       "bearer_token": "...",            optional (warned about over http:// to a host
//                                         that is not loopback); or:
//       "bearer_token_file": "/path",     optional, re-read on every call
//       "headers": {"X-Name": "value"},   optional extra headers
//       "ca_file": "/path/ca.pem",        optional PEM roots for https
//       "timeout_seconds": 10
//     },
//     "grpc": {                           required for kind grpc
//       "address": "host:port",           (required) any gRPC target string
//       "tls": true,                      default; false is plaintext, warned about for
//                                         a target that is not loopback
//       "root_certs_file": "/path/ca.pem",  optional, needs tls
//       "tls_server_name": "name",        optional, needs tls
//       "timeout_seconds": 5              deadline of each call
//     },
//     "kubernetes": {                     optional for kind kubernetes: in-cluster defaults
//       "api_server": "https://host:port",  default from KUBERNETES_SERVICE_HOST/PORT
//       "namespace": "shop",              default: the pod's namespace (namespace_file)
//       "token_file": "...",              default /var/run/secrets/kubernetes.io/
//       "ca_file": "...",                   serviceaccount/{token,ca.crt,namespace}
//       "namespace_file": "...",
//       "deployments": {"target": "deployment-name"},  default: the target's own name
//       "sidecar_target": "target",       Limiar runs in this target's own pods: its
//                                         Deployment is found through the pod's owners
//       "pod_name": "...",                default $POD_NAME (downward API)
//       "timeout_seconds": 10
//     }
//   }
#ifndef LIMIAR_ACTUATOR_ACTUATOR_CONFIG_H_
#define LIMIAR_ACTUATOR_ACTUATOR_CONFIG_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "src/actuator/exec_actuator.h"
#include "src/actuator/grpc_actuator.h"
#include "src/actuator/kubernetes_actuator.h"
#include "src/actuator/retrying_actuator.h"
#include "src/actuator/webhook_actuator.h"
#include "src/common/config/diagnostics.h"

namespace limiar::actuator {

enum class ActuatorKind { kLog, kExec, kWebhook, kGrpc, kKubernetes };

// "log", "exec", ... as spelt in the configuration.
const char* ActuatorKindName(ActuatorKind kind);

struct ActuatorConfig {
  ActuatorKind kind = ActuatorKind::kLog;
  RetryPolicy retry;
  // Only the member of `kind` is meaningful.
  ExecOptions exec;
  WebhookOptions webhook;
  GrpcOptions grpc;
  KubernetesOptions kubernetes;
};

// Parses the object at `path` (used as the prefix of every error). All problems are
// reported at once, one per line, in one InvalidArgument.
absl::StatusOr<ActuatorConfig> ParseActuatorConfig(const nlohmann::json& value,
                                                   const std::string& path = "actuator");
// The same, reporting to the diagnostics of the file the section is in (nullopt after a
// problem).
std::optional<ActuatorConfig> ReadActuatorConfig(const nlohmann::json& value,
                                                 const std::string& path,
                                                 config::Diagnostics& diag);

// What a valid config sends in clear text over a network: a webhook bearer token over
// http:// to a host that is not loopback, a grpc actuator with "tls": false to a target
// that is not. One `PATH.key: what; what to do` line each, for the start-up log.
std::vector<std::string> ActuatorSecurityWarnings(const ActuatorConfig& config,
                                                  const std::string& path = "actuator");

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_ACTUATOR_CONFIG_H_
