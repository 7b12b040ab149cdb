#include "src/metrics/kubernetes/kube_pods.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"
#include "src/kube/quantity.h"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;

// `object[key]` when it is there and of the type `want` holds, else null.
const json* Field(const json& object, const char* key, json::value_t want) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->type() != want) return nullptr;
  return &*it;
}

std::string StringField(const json& object, const char* key) {
  const json* v = Field(object, key, json::value_t::string);
  return v == nullptr ? "" : v->get<std::string>();
}

absl::Time TimeField(const json& object, const char* key) {
  const std::string text = StringField(object, key);
  if (text.empty()) return absl::InfinitePast();
  return config::ParseZonedTime(text).value_or(absl::InfinitePast());
}

// Copies `from[key]` into `to[key]` when present.
void Keep(const json& from, json& to, const char* key) {
  if (from.is_object() && from.contains(key)) to[key] = from[key];
}

const json* ReadyCondition(const json& status) {
  const json* conditions = Field(status, "conditions", json::value_t::array);
  if (conditions == nullptr) return nullptr;
  for (const json& c : *conditions) {
    if (StringField(c, "type") == "Ready") return &c;
  }
  return nullptr;
}

}  // namespace

json ProjectPod(json&& pod) {
  json out = json::object();
  const json empty = json::object();
  const json& metadata = pod.contains("metadata") ? pod["metadata"] : empty;
  json& m = out["metadata"];
  m = json::object();
  for (const char* key :
       {"name", "namespace", "uid", "resourceVersion", "labels", "deletionTimestamp"}) {
    Keep(metadata, m, key);
  }
  if (const json* annotations = Field(metadata, "annotations", json::value_t::object)) {
    json kept = json::object();
    for (const char* key : {kPrometheusPortAnnotation, kPrometheusPathAnnotation}) {
      Keep(*annotations, kept, key);
    }
    if (!kept.empty()) m["annotations"] = std::move(kept);
  }
  const json& spec = pod.contains("spec") ? pod["spec"] : empty;
  if (const json* containers = Field(spec, "containers", json::value_t::array)) {
    json& kept = out["spec"]["containers"];
    kept = json::array();
    for (const json& c : *containers) {
      json k = {{"name", StringField(c, "name")}};
      const json* resources = Field(c, "resources", json::value_t::object);
      const json* requests =
          resources ? Field(*resources, "requests", json::value_t::object) : nullptr;
      if (requests && requests->contains("cpu"))
        k["resources"]["requests"]["cpu"] = (*requests)["cpu"];
      kept.push_back(std::move(k));
    }
  }
  const json& status = pod.contains("status") ? pod["status"] : empty;
  json& s = out["status"];
  s = json::object();
  for (const char* key : {"phase", "podIP", "startTime"}) Keep(status, s, key);
  if (const json* ready = ReadyCondition(status)) s["conditions"] = json::array({*ready});
  return out;
}

PodInfo PodFromJson(const json& pod) {
  PodInfo p;
  const json empty = json::object();
  const json* metadata = Field(pod, "metadata", json::value_t::object);
  const json* spec = Field(pod, "spec", json::value_t::object);
  const json* status = Field(pod, "status", json::value_t::object);
  if (metadata == nullptr) metadata = &empty;
  if (spec == nullptr) spec = &empty;
  if (status == nullptr) status = &empty;

  p.name = StringField(*metadata, "name");
  p.uid = StringField(*metadata, "uid");
  p.resource_version = StringField(*metadata, "resourceVersion");
  if (const json* labels = Field(*metadata, "labels", json::value_t::object)) {
    for (const auto& [key, value] : labels->items()) {
      if (value.is_string()) p.labels[key] = value.get<std::string>();
    }
  }
  p.deleting = !StringField(*metadata, "deletionTimestamp").empty();
  if (const json* annotations = Field(*metadata, "annotations", json::value_t::object)) {
    for (const char* key : {kPrometheusPortAnnotation, kPrometheusPathAnnotation}) {
      const std::string value = StringField(*annotations, key);
      if (!value.empty()) p.annotations[key] = value;
    }
  }
  if (const json* containers = Field(*spec, "containers", json::value_t::array)) {
    for (const json& c : *containers) {
      PodContainer container{.name = StringField(c, "name")};
      const json* resources = Field(c, "resources", json::value_t::object);
      const json* requests =
          resources ? Field(*resources, "requests", json::value_t::object) : nullptr;
      const std::string cpu = requests ? StringField(*requests, "cpu") : "";
      if (!cpu.empty()) {
        absl::StatusOr<kube::Quantity> q = kube::ParseQuantity(cpu);
        if (q.ok()) container.cpu_request_milli = q->MilliValue();
      }
      p.containers.push_back(std::move(container));
    }
  }
  p.phase = StringField(*status, "phase");
  p.ip = StringField(*status, "podIP");
  p.start_time = TimeField(*status, "startTime");
  if (const json* ready = ReadyCondition(*status)) {
    p.ready = StringField(*ready, "status") == "True";
    p.ready_transition = TimeField(*ready, "lastTransitionTime");
  }
  return p;
}

bool IsReplica(const PodInfo& pod) { return !pod.deleting && pod.phase != "Failed"; }

std::vector<PodReplica> ReplicasOf(const std::vector<PodInfo>& pods) {
  std::vector<PodReplica> replicas;
  for (const PodInfo& pod : pods) {
    if (!IsReplica(pod)) continue;
    // A pending pod has no Ready condition, or a False one: either way not ready.
    replicas.push_back({.name = pod.name,
                        .ready = pod.ready && pod.phase == "Running",
                        .ready_transition = pod.ready_transition,
                        .start_time = pod.start_time});
  }
  return replicas;
}

PodEndpoints ScrapeEndpointsOf(const std::vector<PodInfo>& pods, const KubeSourceConfig& config) {
  PodEndpoints out;
  for (const PodInfo& pod : pods) {
    if (!IsReplica(pod) || !pod.ready || pod.ip.empty()) continue;
    int port = config.port;
    if (port == 0) {
      const auto it = pod.annotations.find(kPrometheusPortAnnotation);
      if (it == pod.annotations.end()) {
        out.problems.push_back(absl::StrCat("pod ", pod.name,
                                            ": no port: set port in the source or annotate the "
                                            "pod with prometheus.io/port"));
        continue;
      }
      if (!absl::SimpleAtoi(it->second, &port) || port < 1 || port > 65535) {
        out.problems.push_back(absl::StrCat("pod ", pod.name, ": prometheus.io/port \"",
                                            it->second.substr(0, 16),
                                            "\" is not a port from 1 to 65535"));
        continue;
      }
    }
    std::string path = config.path;
    if (path.empty()) {
      const auto it = pod.annotations.find(kPrometheusPathAnnotation);
      path = it == pod.annotations.end() ? "/metrics" : it->second;
      // The annotation is the pod owner's text, not ours: it must still be a path.
      if (!absl::StartsWith(path, "/") || path.size() > 256 ||
          path.find_first_of(" \t\r\n#?") != std::string::npos) {
        out.problems.push_back(absl::StrCat("pod ", pod.name, ": prometheus.io/path \"",
                                            path.substr(0, 64),
                                            "\" is not a path such as /metrics"));
        continue;
      }
    }
    // An IPv6 pod IP needs brackets before the port.
    const std::string host =
        absl::StrContains(pod.ip, ':') ? absl::StrCat("[", pod.ip, "]") : pod.ip;
    absl::StatusOr<ScrapeEndpoint> e =
        MakeScrapeEndpoint(absl::StrCat(host, ":", port), pod.name, path);
    if (!e.ok()) {
      out.problems.push_back(absl::StrCat("pod ", pod.name, ": ", e.status().message()));
      continue;
    }
    out.endpoints.push_back(*std::move(e));
  }
  return out;
}

}  // namespace limiar::metrics
