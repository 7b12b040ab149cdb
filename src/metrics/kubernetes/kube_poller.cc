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
    sources_.push_back(std::make_unique<KubePodSource>(std::move(t.target), std::move(t.config),
                                                       client_.get(), store, o));
  }
  MutexLock lock(&mu_);
  last_.resize(sources_.size());
}

KubePoller::~KubePoller() {
  Stop();
  // Every informer winds down at once; each source's destructor then only joins.
  for (const std::unique_ptr<KubePodSource>& s : sources_) s->RequestStop();
}

void KubePoller::PollAll(absl::Time now) {
  MutexLock lock(&mu_);
  for (size_t i = 0; i < sources_.size(); ++i) {
    absl::Status s = sources_[i]->Poll(now);
    if (s == last_[i]) continue;
    last_[i] = s;
    if (on_change_) on_change_(sources_[i]->target(), s);
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
