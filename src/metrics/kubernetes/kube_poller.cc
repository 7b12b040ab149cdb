#include "src/metrics/kubernetes/kube_poller.h"

#include <utility>

#include "src/metrics/kubernetes/kube_scrape.h"

namespace limiar::metrics {

KubePoller::KubePoller(std::unique_ptr<kube::ApiClient> client,
                       std::vector<KubePollerTarget> targets, SampleStore* store, Clock* clock,
                       OnChange on_change, KubeSourceOptions options)
    : client_(std::move(client)), clock_(clock), on_change_(std::move(on_change)) {
  for (KubePollerTarget& t : targets) {
    KubeSourceOptions o = options;
    o.capacity_per_replica = t.cpu_capacity;
    const std::string& ns = t.config.scale_target.namespace_name;
    std::shared_ptr<NamespacePods>& pods = namespaces_[ns];
    if (!pods) pods = std::make_shared<NamespacePods>(client_.get(), ns, options.pods);
    sources_.push_back(std::make_unique<KubePodSource>(std::move(t.target), std::move(t.config),
                                                       client_.get(), store, o, pods));
  }
  MutexLock lock(&mu_);
  last_.resize(sources_.size());
}

KubePoller::~KubePoller() {
  Stop();
  // Every namespace's watch winds down at once; each destructor then only joins.
  for (const auto& [ns, pods] : namespaces_) pods->RequestStop();
}

void KubePoller::PollAll(absl::Time now) {
  MutexLock lock(&mu_);
  std::vector<absl::Status> results(sources_.size());
  // One source at a time per thread: a poll may wait on the API server.
  poll_workers_.ParallelFor(
      sources_.size(), [&](size_t i, size_t) { results[i] = sources_[i]->Poll(now); },
      /*chunk=*/1);
  // Said from this thread, in the sources' order.
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (results[i] == last_[i]) continue;
    last_[i] = results[i];
    if (on_change_) on_change_(sources_[i]->target(), results[i]);
  }
}

void KubePoller::Start() { worker_.Start(); }

void KubePoller::Stop() { worker_.Stop(); }

std::vector<ScrapeTarget> KubePoller::ScrapeTargets() const {
  std::vector<ScrapeTarget> targets;
  for (const std::unique_ptr<KubePodSource>& s : sources_) {
    if (s->config().metric == KubeMetricKind::kScrape) targets.push_back(KubeScrapeTarget(s.get()));
  }
  return targets;
}

}  // namespace limiar::metrics
