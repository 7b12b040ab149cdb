#include "src/actuator/kubernetes_actuator.h"

#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/common/bounded_json.h"
#include "src/common/regular_file.h"
#include "src/kube/cluster_access.h"
#include "src/kube/object_cache.h"

namespace limiar::actuator {
namespace {

using nlohmann::json;

// What the watched Deployments keep: the fields Observe reads (and the key's).
json ProjectDeployment(json&& deployment) {
  json kept = {{"metadata", json::object()}};
  for (const char* field : {"name", "namespace", "resourceVersion"}) {
    const json::json_pointer at(std::string("/metadata/") + field);
    if (deployment.contains(at)) kept["metadata"][field] = std::move(deployment[at]);
  }
  for (const char* at : {"/spec/replicas", "/status/readyReplicas"}) {
    const json::json_pointer pointer(at);
    if (deployment.contains(pointer)) kept[pointer] = std::move(deployment[pointer]);
  }
  return kept;
}

// A Deployment is rarely deeper than 20 levels (managedFields included); the size is the
// HTTP client's cap.
constexpr JsonLimits kApiAnswerLimits{.max_bytes = http::kDefaultMaxResponseBytes, .max_depth = 64};

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

bool IsDns1123Name(const std::string& name, bool label) {
  if (name.empty() || name.size() > (label ? 63u : 253u)) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-' && (label || c != '.')) return false;
  }
  return true;
}

absl::StatusOr<kube::ClusterAccess> KubernetesActuatorAccess(const KubernetesOptions& options) {
  kube::ClusterAccess access;
  access.server = options.api_server;
  if (access.server.empty()) {
    absl::StatusOr<std::string> in_cluster = kube::InClusterApiServer(
        std::getenv("KUBERNETES_SERVICE_HOST"), std::getenv("KUBERNETES_SERVICE_PORT"));
    if (!in_cluster.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubernetes actuator: ", in_cluster.status().message(),
                       "; or set kubernetes.api_server"));
    }
    access.server = *std::move(in_cluster);
  }
  while (absl::EndsWith(access.server, "/")) access.server.pop_back();

  access.namespace_name = options.namespace_name;
  if (access.namespace_name.empty()) {
    absl::StatusOr<std::string> text =
        ReadRegularFile(options.namespace_file, kMaxCredentialFileBytes, "namespace file");
    if (!text.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubernetes actuator: no namespace: set kubernetes.namespace, or run in a "
                       "pod with a mounted service account (",
                       text.status().message(), ")"));
    }
    access.namespace_name = std::string(absl::StripAsciiWhitespace(*text));
  }
  if (!IsDns1123Name(access.namespace_name, /*label=*/true)) {
    return absl::InvalidArgumentError(absl::StrCat("kubernetes actuator: \"", access.namespace_name,
                                                   "\" is not a valid namespace"));
  }
  if (!options.ca_file.empty()) {
    if (absl::StatusOr<std::string> ca =
            ReadRegularFile(options.ca_file, kMaxCredentialFileBytes, "CA bundle");
        !ca.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubernetes actuator: ca_file: ", ca.status().message()));
    }
  }
  if (absl::StatusOr<std::string> token = kube::TokenFile(options.token_file).Get(); !token.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("kubernetes actuator: service-account token: ", token.status().message()));
  }
  access.ca_file = options.ca_file;
  access.token_file = options.token_file;
  access.description = "the kubernetes actuator's service account";
  return access;
}

absl::StatusOr<std::unique_ptr<KubernetesActuator>> KubernetesActuator::Create(
    const KubernetesOptions& options) {
  absl::StatusOr<kube::ClusterAccess> access = KubernetesActuatorAccess(options);
  if (!access.ok()) return access.status();
  kube::ApiClientOptions client_options;
  client_options.timeout = options.timeout;
  client_options.max_body_bytes = kApiAnswerLimits.max_bytes;
  client_options.max_json_depth = kApiAnswerLimits.max_depth;
  absl::StatusOr<std::unique_ptr<kube::ApiClient>> client =
      kube::ApiClient::Create(*std::move(access), client_options);
  if (!client.ok()) {
    return absl::Status(client.status().code(),
                        absl::StrCat("kubernetes actuator: ", client.status().message()));
  }
  auto actuator =
      std::unique_ptr<KubernetesActuator>(new KubernetesActuator(options, *std::move(client)));
  absl::StatusOr<std::unique_ptr<KubernetesDeployments>> deployments =
      KubernetesDeployments::Create(options, actuator->client_.get());
  if (!deployments.ok()) return deployments.status();
  actuator->deployments_ = *std::move(deployments);
  kube::InformerOptions watch;
  watch.project = ProjectDeployment;
  actuator->watched_ =
      std::make_unique<kube::Informer>(actuator->client_.get(), actuator->Deployment(""), watch);
  actuator->watched_->Start();
  return actuator;
}

KubernetesActuator::KubernetesActuator(const KubernetesOptions& options,
                                       std::unique_ptr<kube::ApiClient> client)
    : client_(std::move(client)) {}

const std::string& KubernetesActuator::api_server() const { return client_->access().server; }

const std::string& KubernetesActuator::namespace_name() const {
  return client_->access().namespace_name;
}

kube::ResourceRef KubernetesActuator::Deployment(const std::string& name) const {
  kube::ResourceRef ref;
  ref.group = "apps";
  ref.resource = "deployments";
  ref.namespace_name = namespace_name();
  ref.name = name;
  return ref;
}

absl::StatusOr<std::unique_ptr<KubernetesDeployments>> KubernetesDeployments::Create(
    const KubernetesOptions& options, kube::ApiClient* client) {
  std::unique_ptr<kube::OwningDeployment> own;
  if (!options.sidecar_target.empty()) {
    std::string pod = options.pod_name;
    if (pod.empty()) {
      const char* env = std::getenv("POD_NAME");
      pod = env != nullptr ? env : "";
    }
    if (pod.empty()) {
      return absl::InvalidArgumentError(
          "kubernetes actuator: sidecar_target needs the pod's name: set POD_NAME from the "
          "downward API (env valueFrom fieldRef metadata.name), or kubernetes.pod_name");
    }
    own = std::make_unique<kube::OwningDeployment>(client, client->access().namespace_name, pod);
  }
  return std::unique_ptr<KubernetesDeployments>(new KubernetesDeployments(options, std::move(own)));
}

absl::StatusOr<std::string> KubernetesDeployments::Of(const std::string& target) const {
  if (own_ != nullptr && target == sidecar_target_) {
    absl::StatusOr<std::string> found = own_->Name();
    if (!found.ok()) {
      return absl::Status(found.status().code(),
                          absl::StrCat("kubernetes actuator: the sidecar's own Deployment: ",
                                       found.status().message()));
    }
    return found;
  }
  auto it = deployments_.find(target);
  const std::string& name = it == deployments_.end() ? target : it->second;
  if (!IsDns1123Name(name, /*label=*/false)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kubernetes actuator: \"", name, "\" (target \"", target,
        "\") is not a valid Deployment name; map the target in kubernetes.deployments"));
  }
  return name;
}

absl::Status KubernetesActuator::Explain(const absl::Status& status) {
  std::string todo;
  absl::StatusCode code = status.code();
  switch (status.code()) {
    case absl::StatusCode::kPermissionDenied:
      todo =
          "; the kubernetes actuator needs verbs \"get\" and \"patch\" on \"deployments/scale\" "
          "and \"get\", \"list\" and \"watch\" on \"deployments\" (apiGroup \"apps\")";
      break;
    case absl::StatusCode::kNotFound:
      todo =
          "; check kubernetes.namespace and the target's Deployment name (kubernetes.deployments)";
      break;
    case absl::StatusCode::kAborted:
      // A scale PATCH carries no resourceVersion, so a 409 is not a lost race to retry: some
      // admission or another writer refused it.
      code = absl::StatusCode::kFailedPrecondition;
      todo = "; check for another autoscaler (an HPA, KEDA) writing the same Deployment";
      break;
    default:
      break;
  }
  return absl::Status(code, absl::StrCat("kubernetes actuator: ", status.message(), todo));
}

absl::StatusOr<ScaleState> ScaleStateFromObjects(const json& scale, const json& deployment,
                                                 const std::string& path) {
  ScaleState state;
  absl::StatusOr<int32_t> spec = CountAt(scale, "/spec/replicas", path + "/scale");
  if (!spec.ok()) return spec.status();
  absl::StatusOr<int32_t> ready = CountAt(deployment, "/status/readyReplicas", path);
  if (!ready.ok()) return ready.status();
  state.spec_replicas = *spec;
  state.ready_replicas = *ready;
  return state;
}

absl::StatusOr<ScaleState> ParseKubernetesScaleAnswers(const std::string& scale_body,
                                                       const std::string& deployment_body,
                                                       const std::string& url) {
  absl::StatusOr<json> scale_doc = ParseApiObject(scale_body, url + "/scale");
  if (!scale_doc.ok()) return scale_doc.status();
  absl::StatusOr<json> deployment_doc = ParseApiObject(deployment_body, url);
  if (!deployment_doc.ok()) return deployment_doc.status();
  return ScaleStateFromObjects(*scale_doc, *deployment_doc, url);
}

std::optional<ScaleState> KubernetesActuator::ObserveWatched(const std::string& name) const {
  const kube::InformerStatus status = watched_->Status();
  if (!status.synced || status.failing) return std::nullopt;
  // Absent: the GETs say what is missing, in their words.
  const std::optional<json> deployment = watched_->Get(namespace_name() + "/" + name);
  if (!deployment) return std::nullopt;
  {
    MutexLock lock(&mu_);
    const auto patched = patched_version_.find(name);
    int64_t version = 0;
    if (patched != patched_version_.end() &&
        (!absl::SimpleAtoi(kube::MetadataString(*deployment, "resourceVersion"), &version) ||
         version < patched->second)) {
      return std::nullopt;
    }
  }
  // A Deployment's spec.replicas is its /scale's.
  absl::StatusOr<ScaleState> state =
      ScaleStateFromObjects(*deployment, *deployment, Deployment(name).Path());
  if (!state.ok()) return std::nullopt;
  return *state;
}

absl::StatusOr<ScaleState> KubernetesActuator::Observe(const std::string& target) {
  absl::StatusOr<std::string> name = deployments_->Of(target);
  if (!name.ok()) return name.status();
  if (std::optional<ScaleState> watched = ObserveWatched(*name)) return *watched;
  kube::ResourceRef scale_ref = Deployment(*name);
  scale_ref.subresource = "scale";
  absl::StatusOr<json> scale = client_->Get(scale_ref);
  if (!scale.ok()) return Explain(scale.status());
  absl::StatusOr<json> deployment = client_->Get(Deployment(*name));
  if (!deployment.ok()) return Explain(deployment.status());
  return ScaleStateFromObjects(*scale, *deployment, Deployment(*name).Path());
}

absl::Status KubernetesActuator::SetReplicas(const ScaleRequest& request) {
  if (request.replicas < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubernetes actuator: negative replicas ", request.replicas));
  }
  absl::StatusOr<std::string> name = deployments_->Of(request.target);
  if (!name.ok()) return name.status();
  kube::ResourceRef scale_ref = Deployment(*name);
  scale_ref.subresource = "scale";
  absl::StatusOr<json> patched =
      client_->Patch(scale_ref, json{{"spec", {{"replicas", request.replicas}}}});
  if (!patched.ok()) return Explain(patched.status());
  int64_t version = 0;
  if (!absl::SimpleAtoi(kube::MetadataString(*patched, "resourceVersion"), &version)) {
    version = std::numeric_limits<int64_t>::max();  // not comparable: always ask
  }
  MutexLock lock(&mu_);
  patched_version_[*name] = version;
  return absl::OkStatus();
}

}  // namespace limiar::actuator
