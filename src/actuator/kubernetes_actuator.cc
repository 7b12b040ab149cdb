#include "src/actuator/kubernetes_actuator.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/bounded_json.h"
#include "src/common/excerpt.h"
#include "src/common/regular_file.h"

namespace limiar::actuator {
namespace {

using nlohmann::json;

// A Deployment is rarely deeper than 20 levels (managedFields included); the size is the
// HTTP client's cap.
constexpr JsonLimits kApiAnswerLimits{.max_bytes = http::kDefaultMaxResponseBytes, .max_depth = 64};

// The API server explains failures in a v1 Status object; its `message` is the most
// useful line ("deployments.apps \"web\" is forbidden: User ... cannot patch ...").
std::string ServerMessage(const std::string& body) {
  const absl::StatusOr<json> doc = ParseBoundedJson(body, kApiAnswerLimits, "status");
  if (doc.ok() && doc->is_object() && doc->value("kind", "") == "Status" &&
      doc->contains("message") && (*doc)["message"].is_string()) {
    return Excerpt((*doc)["message"].get_ref<const std::string&>(), 300);
  }
  return Excerpt(body);
}

// An int32 count at a JSON pointer; the API server omits zero counts (omitempty), so a
// missing one is 0.
absl::StatusOr<int32_t> CountAt(const json& doc, const char* pointer, const std::string& what) {
  const json::json_pointer at(pointer);
  if (!doc.contains(at)) return 0;
  const json& v = doc.at(at);
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("kubernetes actuator: ", what, ": ", pointer,
                                                   " is ", DescribeJsonValue(v),
                                                   ", not a non-negative int32"));
  }
  return static_cast<int32_t>(v.get<int64_t>());
}

// A 200 answer's object; Internal when it is not one (not JSON, or past the limits).
absl::StatusOr<json> ParseApiObject(const std::string& body, const std::string& url) {
  absl::StatusOr<json> doc = ParseBoundedJson(body, kApiAnswerLimits, "the API server's answer");
  if (doc.ok() && !doc->is_object()) {
    doc = absl::InvalidArgumentError("the API server's answer is not a JSON object");
  }
  if (!doc.ok()) {
    return absl::InternalError(
        absl::StrCat("kubernetes actuator: ", url, ": ", doc.status().message()));
  }
  return doc;
}

}  // namespace

absl::StatusOr<std::string> InClusterApiServer(const char* host, const char* port) {
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    return absl::FailedPreconditionError(
        "kubernetes actuator: not in a cluster: KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT must be set (or set kubernetes.api_server)");
  }
  const std::string h = host;
  // An IPv6 address needs brackets in a URL (Go's net.JoinHostPort does the same).
  if (absl::StrContains(h, ':')) return absl::StrCat("https://[", h, "]:", port);
  return absl::StrCat("https://", h, ":", port);
}

bool IsDns1123Name(const std::string& name, bool label) {
  if (name.empty() || name.size() > (label ? 63u : 253u)) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-' && (label || c != '.')) return false;
  }
  return true;
}

absl::StatusOr<std::unique_ptr<KubernetesActuator>> KubernetesActuator::Create(
    const KubernetesOptions& options) {
  std::string api_server = options.api_server;
  if (api_server.empty()) {
    absl::StatusOr<std::string> in_cluster = InClusterApiServer(
        std::getenv("KUBERNETES_SERVICE_HOST"), std::getenv("KUBERNETES_SERVICE_PORT"));
    if (!in_cluster.ok()) return in_cluster.status();
    api_server = *std::move(in_cluster);
  }
  while (absl::EndsWith(api_server, "/")) api_server.pop_back();

  std::string namespace_name = options.namespace_name;
  if (namespace_name.empty()) {
    absl::StatusOr<std::string> text =
        ReadRegularFile(options.namespace_file, kMaxCredentialFileBytes, "namespace file");
    if (!text.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubernetes actuator: no namespace: set kubernetes.namespace, or run in a "
                       "pod with a mounted service account (",
                       text.status().message(), ")"));
    }
    namespace_name = std::string(absl::StripAsciiWhitespace(*text));
  }
  if (!IsDns1123Name(namespace_name, /*label=*/true)) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubernetes actuator: \"", namespace_name, "\" is not a valid namespace"));
  }
  if (!options.ca_file.empty()) {
    if (absl::StatusOr<std::string> ca =
            ReadRegularFile(options.ca_file, kMaxCredentialFileBytes, "CA bundle");
        !ca.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubernetes actuator: ca_file: ", ca.status().message()));
    }
  }
  auto actuator = std::unique_ptr<KubernetesActuator>(
      new KubernetesActuator(options, std::move(api_server), std::move(namespace_name)));
  if (absl::StatusOr<std::string> token = actuator->token_.Get(); !token.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("kubernetes actuator: service-account token: ", token.status().message()));
  }
  return actuator;
}

KubernetesActuator::KubernetesActuator(const KubernetesOptions& options, std::string api_server,
                                       std::string namespace_name)
    : api_server_(std::move(api_server)),
      namespace_(std::move(namespace_name)),
      ca_file_(options.ca_file),
      deployments_(options.deployments),
      timeout_(options.timeout),
      token_(options.token_file) {}

absl::StatusOr<std::string> KubernetesActuator::DeploymentName(const std::string& target) const {
  auto it = deployments_.find(target);
  const std::string& name = it == deployments_.end() ? target : it->second;
  if (!IsDns1123Name(name, /*label=*/false)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kubernetes actuator: \"", name, "\" (target \"", target,
        "\") is not a valid Deployment name; map the target in kubernetes.deployments"));
  }
  return name;
}

absl::StatusOr<http::HttpResponse> KubernetesActuator::Call(http::HttpRequest request) {
  request.timeout = timeout_;
  request.ca_file = ca_file_;
  request.headers.emplace_back("Accept", "application/json");
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<std::string> token = token_.Get();
    if (!token.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubernetes actuator: service-account token: ", token.status().message()));
    }
    request.bearer_token = *token;
    absl::StatusOr<http::HttpResponse> response = http_.Send(request);
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat("kubernetes actuator: ", response.status().message()));
    }
    if (response->status != 401 || attempt > 0) return response;
    // The token may have rotated since the last stat; retry once if it did.
    token_.Invalidate();
    absl::StatusOr<std::string> fresh = token_.Get();
    if (!fresh.ok() || *fresh == *token) return response;
  }
}

absl::Status KubernetesActuator::Explain(const http::HttpResponse& response,
                                         const std::string& verb,
                                         const std::string& deployment) const {
  const std::string object = absl::StrCat("deployment ", namespace_, "/", deployment);
  const std::string said = ServerMessage(response.body);
  std::string message;
  switch (response.status) {
    case 401:
      message =
          absl::StrCat("the API server rejected the service-account token from ", token_.path(),
                       " (HTTP 401 Unauthorized): check that the token is mounted, current "
                       "and issued for this cluster: ",
                       said);
      break;
    case 403:
      message = absl::StrCat(
          verb, " ", object,
          " is forbidden (HTTP 403): the service account needs RBAC verbs "
          "\"get\" and \"patch\" on \"deployments/scale\" and \"get\" on \"deployments\" "
          "(apiGroup \"apps\") in namespace ",
          namespace_, ": ", said);
      break;
    case 404:
      message = absl::StrCat(object,
                             " not found (HTTP 404): check kubernetes.namespace and the "
                             "target's Deployment name (kubernetes.deployments): ",
                             said);
      break;
    case 409:
      message = absl::StrCat(verb, " ", object,
                             " conflicted with another change (HTTP 409 Conflict): check for "
                             "another autoscaler (an HPA, KEDA) writing the same Deployment: ",
                             said);
      break;
    default:
      message = absl::StrCat(verb, " ", object, " answered HTTP ", response.status, ": ", said);
      break;
  }
  return http::HttpStatusToStatus(response.status, absl::StrCat("kubernetes actuator: ", message));
}

absl::StatusOr<ScaleState> ParseKubernetesScaleAnswers(const std::string& scale_body,
                                                       const std::string& deployment_body,
                                                       const std::string& url) {
  absl::StatusOr<json> scale_doc = ParseApiObject(scale_body, url + "/scale");
  if (!scale_doc.ok()) return scale_doc.status();
  absl::StatusOr<json> deployment_doc = ParseApiObject(deployment_body, url);
  if (!deployment_doc.ok()) return deployment_doc.status();
  ScaleState state;
  absl::StatusOr<int32_t> spec = CountAt(*scale_doc, "/spec/replicas", url + "/scale");
  if (!spec.ok()) return spec.status();
  absl::StatusOr<int32_t> ready = CountAt(*deployment_doc, "/status/readyReplicas", url);
  if (!ready.ok()) return ready.status();
  state.spec_replicas = *spec;
  state.ready_replicas = *ready;
  return state;
}

absl::StatusOr<ScaleState> KubernetesActuator::Observe(const std::string& target) {
  absl::StatusOr<std::string> name = DeploymentName(target);
  if (!name.ok()) return name.status();
  const std::string url =
      absl::StrCat(api_server_, "/apis/apps/v1/namespaces/", namespace_, "/deployments/", *name);
  http::HttpRequest get_scale;
  get_scale.url = url + "/scale";
  absl::StatusOr<http::HttpResponse> scale = Call(get_scale);
  if (!scale.ok()) return scale.status();
  if (scale->status != 200) return Explain(*scale, "get scale of", *name);

  http::HttpRequest get_deployment;
  get_deployment.url = url;
  absl::StatusOr<http::HttpResponse> deployment = Call(get_deployment);
  if (!deployment.ok()) return deployment.status();
  if (deployment->status != 200) return Explain(*deployment, "get", *name);

  return ParseKubernetesScaleAnswers(scale->body, deployment->body, url);
}

absl::Status KubernetesActuator::SetReplicas(const ScaleRequest& request) {
  if (request.replicas < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubernetes actuator: negative replicas ", request.replicas));
  }
  absl::StatusOr<std::string> name = DeploymentName(request.target);
  if (!name.ok()) return name.status();
  http::HttpRequest patch;
  patch.method = "PATCH";
  patch.url = absl::StrCat(api_server_, "/apis/apps/v1/namespaces/", namespace_, "/deployments/",
                           *name, "/scale");
  patch.headers.emplace_back("Content-Type", "application/merge-patch+json");
  patch.body = json{{"spec", {{"replicas", request.replicas}}}}.dump();
  absl::StatusOr<http::HttpResponse> response = Call(patch);
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status >= 300) {
    return Explain(*response, "patch scale of", *name);
  }
  return absl::OkStatus();
}

}  // namespace limiar::actuator
