// The JSON config of one target's `kubernetes` metric source: the scale target whose pods
// are the replicas, and where each pod's metric comes from.
//
//   {
//     "kind": "Deployment",           Deployment or StatefulSet (apps/v1); or instead
//     "group": "apps", "resource": "deployments",   any group/resource with /scale
//     "name": "web",                  required: the scale target
//     "namespace": "shop",            required
//     "metric": "pod_metrics_cpu",    pod_metrics_cpu (metrics.k8s.io PodMetrics against
//                                     the pods' cpu requests, as the HPA) or scrape
//     "interval_s": 15,               how often PodMetrics are listed, or the pods
//                                     scraped; >= 1 (default 15, the HPA's sync period)
//     "selector_refresh_s": 60,       how often /scale status.selector is read again
//                                     (also after any failure); >= 1 (default 60)
//     "max_pods": 1000,               pods tracked per target; more fail loudly
//                                     (1 to 100,000, default 1,000)
//     -- scrape only --
//     "port": 9100,                   the pods' metrics port; else each pod's
//                                     prometheus.io/port annotation
//     "path": "/metrics",             else the prometheus.io/path annotation, else /metrics
//     "metrics": [...]                required: mappings as the scrape source spells them
//   }
//
// Unknown keys are errors with a "did you mean" hint (HPA's scaleTargetRef names, such as
// apiVersion, are recognised); every problem is reported at once at its JSON path.
#ifndef LIMIAR_METRICS_KUBERNETES_KUBE_SOURCE_CONFIG_H_
#define LIMIAR_METRICS_KUBERNETES_KUBE_SOURCE_CONFIG_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/config/diagnostics.h"
#include "src/kube/api_client.h"
#include "src/metrics/scrape/scrape_config.h"

namespace limiar::metrics {

enum class KubeMetricKind { kPodMetricsCpu, kScrape };

// "pod_metrics_cpu", "scrape".
absl::string_view KubeMetricKindName(KubeMetricKind kind);

inline constexpr size_t kMaxPodsPerTarget = 100'000;

struct KubeSourceConfig {
  // The workload itself (group, version, resource, namespace, name); its /scale is
  // scale_target with subresource "scale".
  kube::ResourceRef scale_target;
  KubeMetricKind metric = KubeMetricKind::kPodMetricsCpu;
  absl::Duration interval = absl::Seconds(15);
  absl::Duration selector_refresh = absl::Seconds(60);
  size_t max_pods = 1000;
  // Scrape only. Port 0: each pod's prometheus.io/port annotation. Path empty: the
  // pod's prometheus.io/path annotation, else "/metrics".
  int port = 0;
  std::string path;
  std::vector<ScrapeMapping> metrics;

  // The /scale subresource of the target.
  kube::ResourceRef ScaleRef() const;
};

// `config` at `json_path` (e.g. "recursos[3].config.kubernetes"). Errors are
// InvalidArgument, each starting with the JSON path of the offending value.
absl::StatusOr<KubeSourceConfig> ParseKubeSourceConfig(const nlohmann::json& config,
                                                       const std::string& json_path);
// The same, reporting to the file's diagnostics (nullopt after a problem).
std::optional<KubeSourceConfig> ReadKubeSourceConfig(const nlohmann::json& config,
                                                     const std::string& json_path,
                                                     config::Diagnostics& diag);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_KUBE_SOURCE_CONFIG_H_
