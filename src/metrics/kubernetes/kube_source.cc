#include "src/metrics/kubernetes/kube_source.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "src/metrics/kubernetes/pod_cpu.h"

namespace limiar::metrics {
namespace {

// A status with `context` in front of its message, keeping its code.
absl::Status WithContext(const absl::Status& status, absl::string_view context) {
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

}  // namespace

KubePodSource::KubePodSource(std::string target, KubeSourceConfig config, kube::ApiClient* client,
                             SampleStore* store, KubeSourceOptions options,
                             std::shared_ptr<NamespacePods> pods)
    : target_(std::move(target)),
      config_(std::move(config)),
      client_(client),
      store_(store),
      options_(options),
      namespace_pods_(pods ? std::move(pods)
                           : std::make_shared<NamespacePods>(
                                 client, config_.scale_target.namespace_name, options.pods)) {}

std::string KubePodSource::Named(absl::string_view what) const {
  const kube::ResourceRef& t = config_.scale_target;
  return absl::StrCat("kubernetes source of ", target_, ": ", what, " of ", t.GroupResource(), " ",
                      t.namespace_name, "/", t.name);
}

std::shared_ptr<const KubePodSource::PodView> KubePodSource::View() const {
  std::shared_ptr<const kube::LabelSelector> selector;
  uint64_t epoch = 0;
  {
    MutexLock lock(&mu_);
    epoch = selector_epoch_;
  }
  // What every tick meets: neither the selector nor the namespace's pods have moved since
  // the view was built, and the namespace's snapshot need not be asked for.
  const uint64_t pods_generation = namespace_pods_->generation();
  {
    MutexLock lock(&view_mu_);
    if (view_ && epoch == view_epoch_ && pods_generation == view_snapshot_) return view_;
  }
  {
    MutexLock lock(&mu_);
    selector = selector_;
    epoch = selector_epoch_;
  }
  // Read before taking view_mu_: a rebuild of the namespace's pods may take a while.
  const std::shared_ptr<const PodSnapshot> snapshot = namespace_pods_->Snapshot();
  MutexLock lock(&view_mu_);
  if (!selector) {
    if (!view_) view_ = std::make_shared<const PodView>();
    return view_;
  }
  // A caller with an older snapshot or selector than the view's keeps the view.
  if (view_ &&
      (epoch < view_epoch_ || (epoch == view_epoch_ && snapshot->generation <= view_snapshot_))) {
    return view_;
  }
  std::vector<std::shared_ptr<const PodInfo>> members = SelectPods(*snapshot, *selector);
  view_snapshot_ = snapshot->generation;
  const bool same = view_ && epoch == view_epoch_ && view_->members == members;
  view_epoch_ = epoch;
  // Unchanged pods are the same objects in a new snapshot: another pod of the namespace
  // moving leaves this target's view, and its generation, as they were.
  if (same) return view_;
  auto view = std::make_shared<PodView>();
  view->generation = (view_ ? view_->generation : 0) + 1;
  view->members = std::move(members);
  if (view->members.size() <= config_.max_pods) {
    view->pods.reserve(view->members.size());
    for (const std::shared_ptr<const PodInfo>& pod : view->members) view->pods.push_back(*pod);
    view->replicas = ReplicasOf(view->pods);
  }
  view_ = std::move(view);
  return view_;
}

absl::Status KubePodSource::ReadSelector(absl::Time now) {
  absl::StatusOr<nlohmann::json> scale = client_->Get(config_.ScaleRef());
  std::string selector;
  absl::Status error;
  if (!scale.ok()) {
    error = WithContext(scale.status(), Named("reading the scale subresource"));
  } else {
    const nlohmann::json status = scale->value("status", nlohmann::json::object());
    if (status.is_object() && status.contains("selector") && status["selector"].is_string()) {
      selector = status["selector"].get<std::string>();
    }
    if (selector.empty()) {
      error = absl::FailedPreconditionError(
          absl::StrCat(Named("the /scale"),
                       " has no status.selector: its pods cannot be found (the HPA refuses such "
                       "a target too); give the workload a spec.selector"));
    }
  }
  absl::StatusOr<kube::LabelSelector> parsed = kube::LabelSelector();
  if (error.ok()) {
    parsed = kube::ParseLabelSelector(selector);
    if (!parsed.ok()) {
      error = absl::FailedPreconditionError(
          absl::StrCat(Named("the /scale status.selector"), " does not parse (",
                       parsed.status().message(), "): its pods cannot be found"));
    }
  }
  {
    MutexLock lock(&mu_);
    status_.selector_error = error;
    if (!error.ok()) return error;
    status_.selector_read = now;
    if (selector_ && selector == status_.selector) return absl::OkStatus();
    selector_ = std::make_shared<const kube::LabelSelector>(std::move(*parsed));
    ++selector_epoch_;
    status_.selector = selector;
  }
  namespace_pods_->Start();  // no-op once another source of the namespace has started it
  return absl::OkStatus();
}

void KubePodSource::DropGone(const std::vector<PodInfo>& pods) {
  std::set<std::string> now_replicas;
  for (const PodInfo& pod : pods) {
    if (IsReplica(pod)) now_replicas.insert(pod.name);
  }
  for (const std::string& name : written_) {
    if (!now_replicas.contains(name)) store_->RemoveReplica(target_, name);
  }
  written_ = std::move(now_replicas);
}

absl::Status KubePodSource::PollMetrics(absl::Time now, const std::vector<PodInfo>& pods) {
  kube::ResourceRef ref;
  ref.group = "metrics.k8s.io";
  ref.version = "v1beta1";
  ref.resource = "pods";
  ref.namespace_name = config_.scale_target.namespace_name;
  std::string selector;
  {
    MutexLock lock(&mu_);
    selector = status_.selector;
  }
  absl::Status error;
  int64_t written = 0;
  absl::StatusOr<nlohmann::json> list = client_->List(ref, {.label_selector = selector});
  if (!list.ok()) {
    error = WithContext(list.status(), Named("listing PodMetrics for the pods"));
  } else {
    absl::StatusOr<std::vector<PodCpuSample>> samples =
        PodCpuSamples(pods, PodCpuUsages(*list), options_.capacity_per_replica);
    if (!samples.ok()) {
      error = WithContext(samples.status(), Named("cpu utilization"));
    } else {
      std::map<std::string, const PodInfo*> by_name;
      for (const PodInfo& pod : pods) by_name[pod.name] = &pod;
      std::vector<Sample> batch;
      batch.reserve(samples->size());
      for (const PodCpuSample& s : *samples) {
        const PodInfo& pod = *by_name[s.pod];
        batch.push_back({.target = target_,
                         .metric = policy::MetricType::kCpu,
                         .replica_id = s.pod,
                         .value = s.value,
                         // metrics-server's own timestamp: HPA's cpu rules compare it with
                         // the ready transition. A missing one is the poll's time.
                         .time = s.time == absl::InfinitePast() ? now : s.time,
                         .ready = pod.ready && pod.phase == "Running",
                         .start_time = pod.start_time,
                         .ready_transition = pod.ready_transition,
                         .ingest = Ingest::kPodMetrics});
      }
      error = store_->AddAll(batch);
      written = static_cast<int64_t>(batch.size());
    }
  }
  MutexLock lock(&mu_);
  status_.metrics_error = error;
  ++status_.metrics_polls;
  status_.samples += written;
  if (error.ok()) status_.last_metrics = now;
  return error;
}

absl::Status KubePodSource::Poll(absl::Time now) {
  MutexLock poll(&poll_mu_);
  bool selector_failed = false;
  {
    MutexLock lock(&mu_);
    selector_failed = !status_.selector_error.ok() || !selector_;
  }
  if (selector_failed || now >= next_selector_read_) {
    next_selector_read_ = now + config_.selector_refresh;
    absl::Status s = ReadSelector(now);
    if (!s.ok()) return s;
  }
  // Until the namespace's pods have been listed, they are unknown, not gone: dropping the
  // replicas then would empty the target's store.
  const kube::InformerStatus pods_status = namespace_pods_->Status();
  if (!pods_status.synced) {
    // A list that keeps failing (RBAC, too many pods) is this source's failure: returned,
    // so that serve says what to grant, where a wait would leave the target silently
    // without metrics.
    return pods_status.last_error.ok()
               ? absl::OkStatus()
               : WithContext(pods_status.last_error, Named("listing the pods"));
  }
  // A watch refused after the pods were listed leaves them going stale: they are still
  // used (as the HPA's lister cache would be) and the failure is said, after the metrics.
  const absl::Status watch_failure =
      pods_status.failing ? WithContext(pods_status.last_error, Named("following the pods"))
                          : absl::OkStatus();
  const std::shared_ptr<const PodView> view = View();
  {
    MutexLock lock(&mu_);
    status_.matched = static_cast<int64_t>(view->members.size());
  }
  if (view->members.size() > config_.max_pods) {
    // Too many to be one workload's pods (a selector as wide as the namespace): the
    // replicas already written stay, aging out, rather than be taken for gone.
    return absl::ResourceExhaustedError(
        absl::StrCat(Named("the pods"), ": the selector ", status_selector(), " matches ",
                     view->members.size(), " pods, more than max_pods (", config_.max_pods,
                     "); narrow the workload's selector or raise max_pods in the source"));
  }
  const std::vector<PodInfo>& pods = view->pods;
  DropGone(pods);
  {
    MutexLock lock(&mu_);
    status_.replicas = static_cast<int64_t>(written_.size());
  }
  if (config_.metric != KubeMetricKind::kPodMetricsCpu || now < next_metrics_) {
    return watch_failure;
  }
  next_metrics_ = now + config_.interval;
  absl::Status metrics = PollMetrics(now, pods);
  return metrics.ok() ? watch_failure : metrics;
}

std::shared_ptr<const std::vector<PodReplica>> KubePodSource::Replicas() const {
  if (!namespace_pods_->synced()) return nullptr;
  std::shared_ptr<const PodView> view = View();
  const std::vector<PodReplica>* replicas = &view->replicas;
  return {std::move(view), replicas};  // aliasing: keeps the view alive
}

PodEndpoints KubePodSource::Endpoints() const { return ScrapeEndpointsOf(View()->pods, config_); }

KubeSourceStatus KubePodSource::Status() const {
  KubeSourceStatus status;
  {
    MutexLock lock(&mu_);
    status = status_;
  }
  status.pods = namespace_pods_->Status();
  return status;
}

std::string KubePodSource::status_selector() const {
  MutexLock lock(&mu_);
  return status_.selector;
}

uint64_t KubePodSource::PodGeneration() const { return View()->generation; }

uint64_t KubePodSource::WaitForPodChange(uint64_t after, absl::Duration timeout) const {
  // Real time, as the informer's waits: callers are tests and reactions to pod changes.
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const uint64_t namespace_generation = namespace_pods_->generation();
    const uint64_t generation = PodGeneration();
    const absl::Duration left = deadline - absl::Now();
    if (generation > after || left <= absl::ZeroDuration()) return generation;
    namespace_pods_->WaitForChange(namespace_generation, left);
  }
}

}  // namespace limiar::metrics
