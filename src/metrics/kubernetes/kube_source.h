// One target's `kubernetes` metric source: the scale target's pods, picked by its selector
// from the namespace's shared pod list+watch, and their cpu from metrics.k8s.io PodMetrics
// (or, in scrape mode, the endpoints a Scraper should fetch).
//
//   selector: GET .../RESOURCE/NAME/scale -> status.selector, as the HPA reads it; read
//             again every selector_refresh, and at the next Poll after any failure.
//   pods:     the namespace's NamespacePods (shared by every source there, started by the
//             first selector read), filtered by the selector; more than max_pods matched
//             is this source's failure, said loudly.
//   cpu:      every interval, list metrics.k8s.io/v1beta1 pods with the selector and write
//             one point per replica with PodMetrics (PodCpuSamples) into the store, with
//             the pod's readiness, ready transition and start time; replica id = pod name.
//   gone:     a pod that is deleted, being deleted or failed is removed from the store at
//             the next Poll (RemoveReplica), so it stops counting at once.
//
// Poll blocks on the network (bounded by the client's timeout): a poller thread calls it,
// never the control loop. `now` is the poll's time, never read here. Thread-safe: Poll
// calls are serialised; Replicas, Endpoints and Status may be called from any thread.
#ifndef LIMIAR_METRICS_KUBERNETES_KUBE_SOURCE_H_
#define LIMIAR_METRICS_KUBERNETES_KUBE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/common/mutex.h"
#include "src/kube/api_client.h"
#include "src/kube/label_selector.h"
#include "src/metrics/kubernetes/kube_pods.h"
#include "src/metrics/kubernetes/kube_source_config.h"
#include "src/metrics/kubernetes/namespace_pods.h"
#include "src/metrics/store/sample_store.h"

namespace limiar::metrics {

struct KubeSourceOptions {
  // The policy's capacity_per_replica for cpu (see pod_cpu.h).
  double capacity_per_replica = 1.0;
  // For a source that follows its namespace's pods alone (no `pods` given): the pod
  // informer's cap and retry waits.
  NamespacePodsOptions pods;
};

struct KubeSourceStatus {
  std::string selector;  // the selector in use; empty until resolved
  absl::Time selector_read = absl::InfinitePast();
  // The last failure of each step, OK once that step succeeds again.
  absl::Status selector_error;
  absl::Status metrics_error;
  kube::InformerStatus pods;  // the namespace's pod list+watch
  int64_t matched = 0;        // pods the selector matches
  int64_t replicas = 0;
  int64_t metrics_polls = 0;
  int64_t samples = 0;  // points written in all
  absl::Time last_metrics = absl::InfinitePast();
};

class KubePodSource {
 public:
  // `client` and `store` must outlive this. `target` is the store's target name. `pods`
  // is the namespace's shared pod list+watch (KubePoller gives every source in a namespace
  // the same); without it the source follows the namespace's pods on its own.
  KubePodSource(std::string target, KubeSourceConfig config, kube::ApiClient* client,
                SampleStore* store, KubeSourceOptions options = {},
                std::shared_ptr<NamespacePods> pods = nullptr);
  KubePodSource(const KubePodSource&) = delete;
  KubePodSource& operator=(const KubePodSource&) = delete;

  // Reads the selector when due (starting or restarting the pod informer), drops replicas
  // that left, and in pod_metrics_cpu mode lists PodMetrics when the interval is due. The
  // first failing step's Status (with the target named), a pod list that has failed and
  // not listed since and more than max_pods matched among them; the status keeps each.
  absl::Status Poll(absl::Time now);

  // The target's replicas, in name order; null until the namespace's pods have been listed
  // (they are unknown then, not absent). Shared with the source's view: no copy per tick.
  std::shared_ptr<const std::vector<PodReplica>> Replicas() const;
  // Scrape mode: one endpoint per ready pod (ScrapeEndpointsOf).
  PodEndpoints Endpoints() const;
  KubeSourceStatus Status() const;
  // A count that grows with every change of this target's pods (a pod elsewhere in the
  // namespace changing leaves it alone) and with a selector change; 0 before the selector
  // is known. And a wait on it, for callers that react to pod changes and tests.
  uint64_t PodGeneration() const;
  uint64_t WaitForPodChange(uint64_t after, absl::Duration timeout) const;

  const std::string& target() const { return target_; }
  const KubeSourceConfig& config() const { return config_; }

 private:
  absl::Status ReadSelector(absl::Time now);
  absl::Status PollMetrics(absl::Time now, const std::vector<PodInfo>& pods);
  // Removes from the store the replicas that were written before and are no replica now.
  void DropGone(const std::vector<PodInfo>& pods) ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  // This target's pods and replicas, picked again only when the namespace's pods or the
  // selector have moved: the control loop asks every tick, and reading every pod's JSON
  // each time was most of a tick over 1,000 targets (bench/kube_scale).
  struct PodView {
    std::vector<std::shared_ptr<const PodInfo>> members;  // what SelectPods gave
    std::vector<PodInfo> pods;                            // empty past max_pods
    std::vector<PodReplica> replicas;
    uint64_t generation = 0;  // PodGeneration
  };
  std::shared_ptr<const PodView> View() const;
  std::string Named(absl::string_view what) const;
  std::string status_selector() const;  // status_.selector, read under mu_

  const std::string target_;
  const KubeSourceConfig config_;
  kube::ApiClient* const client_;
  SampleStore* const store_;
  const KubeSourceOptions options_;
  const std::shared_ptr<NamespacePods> namespace_pods_;

  Mutex poll_mu_;  // serialises Poll
  absl::Time next_selector_read_ ABSL_GUARDED_BY(poll_mu_) = absl::InfinitePast();
  absl::Time next_metrics_ ABSL_GUARDED_BY(poll_mu_) = absl::InfinitePast();
  std::set<std::string> written_ ABSL_GUARDED_BY(poll_mu_);  // replicas in the store

  mutable Mutex mu_;
  // The parsed status.selector; null until read. Each change bumps selector_epoch_. Shared,
  // not copied: View reads it for every target on every tick.
  std::shared_ptr<const kube::LabelSelector> selector_ ABSL_GUARDED_BY(mu_);
  uint64_t selector_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  KubeSourceStatus status_ ABSL_GUARDED_BY(mu_);

  mutable Mutex view_mu_;  // never held with mu_
  mutable std::shared_ptr<const PodView> view_ ABSL_GUARDED_BY(view_mu_);
  mutable uint64_t view_snapshot_ ABSL_GUARDED_BY(view_mu_) = 0;  // its snapshot's generation
  mutable uint64_t view_epoch_ ABSL_GUARDED_BY(view_mu_) = 0;     // its selector_epoch_
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_KUBE_SOURCE_H_
