// Runs every target's kubernetes source: one ApiClient for all, one pod list+watch per
// namespace that all its targets share (NamespacePods, on a thread each), a thread that
// polls every source about once a second with up to kPollThreads at a time (each step is
// due on its own interval: the selector every selector_refresh, PodMetrics every interval;
// a thousand PodMetrics lists one after another outlast a 15 s interval against a real API
// server), and the scrape-mode targets to hand to the one Scraper. A source whose Poll
// result changes (fails, fails otherwise, recovers) is reported once through `on_change`,
// not once a second. Thread-safe; the clock is read only by the polling thread.
#ifndef LIMIAR_METRICS_KUBERNETES_KUBE_POLLER_H_
#define LIMIAR_METRICS_KUBERNETES_KUBE_POLLER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/common/periodic_worker.h"
#include "src/common/worker_pool.h"
#include "src/kube/api_client.h"
#include "src/metrics/kubernetes/kube_source.h"
#include "src/metrics/scrape/scrape_poller.h"

namespace limiar::metrics {

struct KubePollerTarget {
  std::string target;
  KubeSourceConfig config;
  double cpu_capacity = 1.0;  // the target's cpu capacity_per_replica
};

class KubePoller {
 public:
  // Sources polled at once: PodMetrics lists wait on the API server, not on a core.
  static constexpr size_t kPollThreads = 4;

  // Called from the polling thread with the target and its Poll's new result.
  using OnChange = std::function<void(const std::string& target, const absl::Status& status)>;

  // `store` and `clock` must outlive this.
  KubePoller(std::unique_ptr<kube::ApiClient> client, std::vector<KubePollerTarget> targets,
             SampleStore* store, Clock* clock, OnChange on_change = nullptr,
             KubeSourceOptions options = {});
  ~KubePoller();
  KubePoller(const KubePoller&) = delete;
  KubePoller& operator=(const KubePoller&) = delete;

  // Polls every source once at `now` (what the thread does each second).
  void PollAll(absl::Time now);
  void Start();
  void Stop();

  // The scrape-mode targets (KubeScrapeTarget); this must outlive the Scraper they feed.
  std::vector<ScrapeTarget> ScrapeTargets() const;
  const std::vector<std::unique_ptr<KubePodSource>>& sources() const { return sources_; }

 private:
  std::unique_ptr<kube::ApiClient> client_;
  std::map<std::string, std::shared_ptr<NamespacePods>> namespaces_;  // by namespace
  std::vector<std::unique_ptr<KubePodSource>> sources_;
  Clock* const clock_;
  const OnChange on_change_;
  Mutex mu_;                                             // serialises PollAll
  std::vector<absl::Status> last_ ABSL_GUARDED_BY(mu_);  // per source
  WorkerPool poll_workers_{kPollThreads};
  PeriodicWorker worker_{absl::Seconds(1), [this] { PollAll(clock_->Now()); }};
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_KUBE_POLLER_H_
