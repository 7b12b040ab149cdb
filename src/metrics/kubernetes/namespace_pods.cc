#include "src/metrics/kubernetes/namespace_pods.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "src/kube/object_cache.h"

namespace limiar::metrics {
namespace {

kube::ResourceRef PodsIn(const std::string& namespace_name) {
  kube::ResourceRef pods;
  pods.resource = "pods";
  pods.namespace_name = namespace_name;
  return pods;
}

kube::InformerOptions InformerOptionsOf(const NamespacePodsOptions& options) {
  kube::InformerOptions o;
  o.project = ProjectPod;
  o.max_objects = options.max_pods;
  o.initial_backoff = options.initial_backoff;
  o.max_backoff = options.max_backoff;
  return o;
}

using Op = kube::LabelRequirement::Op;

// The candidates an equality or `in` requirement allows, ascending; nullopt for a
// requirement that narrows nothing (negative, existence).
std::optional<std::vector<uint32_t>> CandidatesOf(const PodSnapshot& snapshot,
                                                  const kube::LabelRequirement& r) {
  if (r.op != Op::kEquals && r.op != Op::kIn) return std::nullopt;
  std::vector<uint32_t> out;
  for (const std::string& value : r.values) {
    const auto it =
        snapshot.by_label.find(std::make_pair(absl::string_view(r.key), absl::string_view(value)));
    if (it != snapshot.by_label.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  if (r.values.size() > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return out;
}

}  // namespace

void IndexByLabel(PodSnapshot* snapshot) {
  snapshot->by_label.clear();
  for (uint32_t i = 0; i < snapshot->pods.size(); ++i) {
    for (const auto& [key, value] : snapshot->pods[i]->labels) {
      snapshot->by_label[std::make_pair(absl::string_view(key), absl::string_view(value))]
          .push_back(i);
    }
  }
}

std::vector<std::shared_ptr<const PodInfo>> SelectPods(const PodSnapshot& snapshot,
                                                       const kube::LabelSelector& selector) {
  std::optional<std::vector<uint32_t>> fewest;
  for (const kube::LabelRequirement& r : selector) {
    std::optional<std::vector<uint32_t>> candidates = CandidatesOf(snapshot, r);
    if (candidates && (!fewest || candidates->size() < fewest->size())) {
      fewest = std::move(candidates);
    }
  }
  std::vector<std::shared_ptr<const PodInfo>> out;
  auto consider = [&](const std::shared_ptr<const PodInfo>& pod) {
    if (kube::LabelsMatch(selector, pod->labels)) out.push_back(pod);
  };
  if (fewest) {
    for (uint32_t i : *fewest) consider(snapshot.pods[i]);
  } else {
    for (const std::shared_ptr<const PodInfo>& pod : snapshot.pods) consider(pod);
  }
  return out;
}

NamespacePods::NamespacePods(kube::ApiClient* client, std::string namespace_name,
                             NamespacePodsOptions options)
    : namespace_name_(std::move(namespace_name)),
      informer_(client, PodsIn(namespace_name_), InformerOptionsOf(options)),
      snapshot_(std::make_shared<const PodSnapshot>()) {}

NamespacePods::~NamespacePods() { informer_.Stop(); }

void NamespacePods::Start() { informer_.Start(); }

void NamespacePods::RequestStop() { informer_.RequestStop(); }

std::shared_ptr<const PodSnapshot> NamespacePods::Snapshot() const {
  const uint64_t generation = informer_.generation();
  {
    MutexLock lock(&mu_);
    if (snapshot_->generation == generation) return snapshot_;
  }
  MutexLock build(&build_mu_);
  std::shared_ptr<const PodSnapshot> previous;
  {
    MutexLock lock(&mu_);
    // Another caller may have built it meanwhile.
    if (snapshot_->generation >= generation) return snapshot_;
    previous = snapshot_;
  }
  auto next = std::make_shared<PodSnapshot>();
  next->pods.reserve(previous->pods.size());
  // The cache's keys are "namespace/name" within one namespace: in name order, as the
  // previous snapshot's pods are, so one walk finds each pod's previous reading.
  size_t j = 0;
  next->generation = informer_.Visit([&](const std::string&, const nlohmann::json& object) {
    const std::string name = kube::MetadataString(object, "name");
    const std::string version = kube::MetadataString(object, "resourceVersion");
    while (j < previous->pods.size() && previous->pods[j]->name < name) ++j;
    if (j < previous->pods.size() && previous->pods[j]->name == name && !version.empty() &&
        previous->pods[j]->resource_version == version) {
      next->pods.push_back(previous->pods[j]);
    } else {
      next->pods.push_back(std::make_shared<const PodInfo>(PodFromJson(object)));
    }
  });
  IndexByLabel(next.get());
  MutexLock lock(&mu_);
  snapshot_ = std::move(next);
  return snapshot_;
}

kube::InformerStatus NamespacePods::Status() const { return informer_.Status(); }

bool NamespacePods::synced() const { return informer_.synced(); }

uint64_t NamespacePods::generation() const { return informer_.generation(); }

uint64_t NamespacePods::WaitForChange(uint64_t after, absl::Duration timeout) const {
  return informer_.WaitForChange(after, timeout);
}

}  // namespace limiar::metrics
