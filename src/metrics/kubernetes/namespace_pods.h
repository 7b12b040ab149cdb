// The pods of one namespace, followed by one list+watch that the Kubernetes sources of every
// target in that namespace share, as the HPA's shared pod informer does: each source picks
// its own pods with its /scale selector (SelectPods). One watch per namespace instead of
// one per target: a thousand targets had a thousand watch threads and connections
// (bench/kube_scale), for pods that mostly sit in a few namespaces.
//
// Snapshot() reads the pods as PodInfo once per change of the namespace, reusing every pod
// whose resourceVersion has not moved, and indexes them by label so that a selector with an
// equality or `in` requirement reads only its candidates. Thread-safe.
#ifndef LIMIAR_METRICS_KUBERNETES_NAMESPACE_PODS_H_
#define LIMIAR_METRICS_KUBERNETES_NAMESPACE_PODS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/mutex.h"
#include "src/kube/api_client.h"
#include "src/kube/informer.h"
#include "src/kube/label_selector.h"
#include "src/metrics/kubernetes/kube_pods.h"

namespace limiar::metrics {

struct NamespacePodsOptions {
  // Pods kept for the namespace (about 1 kB each, ProjectPod); past it the list fails
  // loudly, naming the cap, rather than take the controller's memory.
  size_t max_pods = 100'000;
  // The informer's retry waits (real time; tests shorten them).
  absl::Duration initial_backoff = absl::Milliseconds(800);
  absl::Duration max_backoff = absl::Seconds(30);
};

struct PodSnapshot {
  uint64_t generation = 0;                           // the informer's generation these pods are at
  std::vector<std::shared_ptr<const PodInfo>> pods;  // by name
  // (label key, value) -> indexes into `pods`, ascending. The views point into the pods.
  absl::flat_hash_map<std::pair<absl::string_view, absl::string_view>, std::vector<uint32_t>>
      by_label;
};

// Fills snapshot->by_label from snapshot->pods.
void IndexByLabel(PodSnapshot* snapshot);

// The pods of `snapshot` that `selector` matches, by name. An equality or `in` requirement
// narrows the candidates through the index; a selector of only negative or existence
// requirements reads every pod.
std::vector<std::shared_ptr<const PodInfo>> SelectPods(const PodSnapshot& snapshot,
                                                       const kube::LabelSelector& selector);

class NamespacePods {
 public:
  // `client` must outlive this.
  NamespacePods(kube::ApiClient* client, std::string namespace_name,
                NamespacePodsOptions options = {});
  ~NamespacePods();  // stops the informer
  NamespacePods(const NamespacePods&) = delete;
  NamespacePods& operator=(const NamespacePods&) = delete;

  // Starts the list+watch; no-op when it runs. RequestStop: as Informer::RequestStop.
  void Start();
  void RequestStop();

  // The pods as they stand (empty before the first list).
  std::shared_ptr<const PodSnapshot> Snapshot() const;
  kube::InformerStatus Status() const;
  bool synced() const;  // listed at least once
  uint64_t generation() const;
  uint64_t WaitForChange(uint64_t after, absl::Duration timeout) const;

  const std::string& namespace_name() const { return namespace_name_; }

 private:
  const std::string namespace_name_;
  kube::Informer informer_;
  mutable Mutex build_mu_;  // one rebuild at a time; taken before mu_
  mutable Mutex mu_;
  mutable std::shared_ptr<const PodSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_NAMESPACE_PODS_H_
