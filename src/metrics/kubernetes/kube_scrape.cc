#include "src/metrics/kubernetes/kube_scrape.h"

#include <memory>
#include <utility>

namespace limiar::metrics {

ScrapeTarget KubeScrapeTarget(const KubePodSource* source) {
  ScrapeTarget t;
  t.target = source->target();
  const KubeSourceConfig& c = source->config();
  t.config.interval = c.interval;
  t.config.timeout = std::min(absl::Seconds(10), c.interval);
  t.config.metrics = c.metrics;
  if (!c.path.empty()) t.config.path = c.path;
  // The generation last turned into endpoints; the discovery runs on Dispatch's thread
  // only, but the function is copied into the scraper, hence the shared state.
  auto seen = std::make_shared<uint64_t>(0);
  t.discovery = [source, seen]() -> std::optional<EndpointsFileContents> {
    const uint64_t generation = source->PodGeneration();
    if (generation == *seen) return std::nullopt;
    *seen = generation;
    PodEndpoints found = source->Endpoints();
    return EndpointsFileContents{std::move(found.endpoints), std::move(found.problems)};
  };
  return t;
}

}  // namespace limiar::metrics
