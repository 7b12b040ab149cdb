#include "src/metrics/kubernetes/kube_source_config.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/field_reader.h"
#include "src/common/config/known_keys.h"

namespace limiar::metrics {
namespace {

using config::FieldReader;

// Names other systems use for our keys: the HPA's scaleTargetRef and KEDA's
// scaleTargetRef, and the scrape source's own aliases.
const config::KnownKeys& SourceKeys() {
  static const auto* known = new config::KnownKeys{
      .keys = {"kind", "group", "resource", "name", "namespace", "metric", "interval_s",
               "selector_refresh_s", "max_pods", "port", "path", "metrics"},
      .aliases = {{"apiVersion", "group"},
                  {"api_version", "group"},
                  {"scaleTargetRef", "name"},
                  {"scale_target", "name"},
                  {"target", "name"},
                  {"ns", "namespace"},
                  {"source", "metric"},
                  {"mode", "metric"},
                  {"interval", "interval_s"},
                  {"metrics_path", "path"},
                  {"mappings", "metrics"},
                  {"max_replicas", "max_pods"}},
      .alias_notes = {{"apiVersion", " (the API group alone, e.g. \"apps\")"},
                      {"api_version", " (the API group alone, e.g. \"apps\")"},
                      {"interval", " (in seconds)"}}};
  return *known;
}

// A DNS-1123 subdomain (object names, API groups) or label (namespaces): lower-case
// letters, digits and '-' ('.' too in a subdomain), starting and ending alphanumeric.
bool IsDnsName(absl::string_view s, bool subdomain) {
  const size_t max = subdomain ? 253 : 63;
  if (s.empty() || s.size() > max) return false;
  if (!absl::ascii_isalnum(s.front()) || !absl::ascii_isalnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || (subdomain && c == '.');
  });
}

// Reads a name-like key and checks it is a DNS name; `what` names it in the error.
void ReadDnsName(const FieldReader& r, absl::string_view key, bool subdomain, std::string* out) {
  if (!r.NonEmptyString(key, out, FieldReader::Need::kRequired)) return;
  if (!IsDnsName(*out, subdomain)) {
    r.Error(key, absl::StrCat("must be a Kubernetes name (lower-case letters, digits, '-'",
                              subdomain ? ", '.'" : "", "), not \"", *out, "\""));
  }
}

// kind, or group + resource, into `ref`.
void ReadScaleTarget(const FieldReader& r, const std::set<std::string>& suggested,
                     kube::ResourceRef* ref) {
  ref->version = "v1";
  std::string kind;
  if (r.Has("kind")) {
    if (r.Has("group") || r.Has("resource")) {
      r.Error("kind", "set kind, or group and resource, not both");
      return;
    }
    if (!r.NonEmptyString("kind", &kind)) return;
    ref->group = "apps";
    if (kind == "Deployment") {
      ref->resource = "deployments";
    } else if (kind == "StatefulSet") {
      ref->resource = "statefulsets";
    } else {
      r.Error("kind",
              absl::StrCat("must be Deployment or StatefulSet, not \"", kind,
                           "\"; for another kind with a /scale subresource set group and "
                           "resource (e.g. \"group\": \"apps\", \"resource\": \"replicasets\")"));
    }
    return;
  }
  if (!r.Has("resource") && !suggested.contains("resource") && !suggested.contains("group")) {
    r.Error("kind", "required (Deployment or StatefulSet), or group and resource");
    return;
  }
  // The core group ("") has no /scale of a workload but replicationcontrollers: allow "".
  if (r.String("group", &ref->group) && !ref->group.empty() && !IsDnsName(ref->group, true)) {
    r.Error("group", absl::StrCat("must be an API group such as \"apps\" (no version), not \"",
                                  ref->group, "\""));
  }
  if (r.NonEmptyString("resource", &ref->resource, FieldReader::Need::kRequired) &&
      !IsDnsName(ref->resource, false)) {
    r.Error("resource", absl::StrCat("must be the plural lower-case resource name, such as "
                                     "\"deployments\", not \"",
                                     ref->resource, "\""));
  }
}

}  // namespace

absl::string_view KubeMetricKindName(KubeMetricKind kind) {
  return kind == KubeMetricKind::kScrape ? "scrape" : "pod_metrics_cpu";
}

kube::ResourceRef KubeSourceConfig::ScaleRef() const {
  kube::ResourceRef ref = scale_target;
  ref.subresource = "scale";
  return ref;
}

std::optional<KubeSourceConfig> ReadKubeSourceConfig(const nlohmann::json& config,
                                                     const std::string& json_path,
                                                     config::Diagnostics& diag) {
  const config::ErrorsSince failed(diag);
  const FieldReader r(config, json_path, diag);
  if (!r.ok()) return std::nullopt;
  const std::set<std::string> suggested = r.RejectUnknownKeys(SourceKeys());
  KubeSourceConfig c;
  ReadScaleTarget(r, suggested, &c.scale_target);
  ReadDnsName(r, "name", true, &c.scale_target.name);
  ReadDnsName(r, "namespace", false, &c.scale_target.namespace_name);

  std::string metric;
  if (r.NonEmptyString("metric", &metric, FieldReader::Need::kRequired)) {
    if (metric == "scrape") {
      c.metric = KubeMetricKind::kScrape;
    } else if (metric != "pod_metrics_cpu") {
      r.Error("metric",
              absl::StrCat("must be pod_metrics_cpu or scrape, not \"", metric, "\"",
                           metric == "cpu" ? " (cpu from PodMetrics: pod_metrics_cpu)" : ""));
    }
  }
  r.Seconds("interval_s", {.min = 1, .max = 86400}, &c.interval);
  r.Seconds("selector_refresh_s", {.min = 1, .max = 86400}, &c.selector_refresh);
  r.Integer("max_pods", {.min = 1, .max = kMaxPodsPerTarget}, &c.max_pods);

  const bool scrape = c.metric == KubeMetricKind::kScrape;
  for (const absl::string_view key : {"port", "path", "metrics"}) {
    if (!scrape && r.Has(key)) {
      r.Error(key, "is for metric \"scrape\" only; pod_metrics_cpu reads PodMetrics");
    }
  }
  if (scrape) {
    r.Integer("port", {.min = 1, .max = 65535}, &c.port);
    if (r.NonEmptyString("path", &c.path) &&
        (!absl::StartsWith(c.path, "/") || c.path.find_first_of(" \t\r\n#") != std::string::npos)) {
      r.Error("path",
              absl::StrCat("must start with / and hold no whitespace or #, not \"", c.path, "\""));
    }
    if (!r.Has("metrics") && !suggested.contains("metrics")) {
      r.Error("metrics", "required for metric \"scrape\": which series become which metric");
    }
    c.metrics = ReadScrapeMappings(r);
  }
  if (failed.any()) return std::nullopt;
  return c;
}

absl::StatusOr<KubeSourceConfig> ParseKubeSourceConfig(const nlohmann::json& config,
                                                       const std::string& json_path) {
  return config::ReadAsStatus<KubeSourceConfig>(
      [&](config::Diagnostics& diag) { return ReadKubeSourceConfig(config, json_path, diag); });
}

}  // namespace limiar::metrics
