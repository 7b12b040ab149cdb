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
                             SampleStore* store, KubeSourceOptions options)
    : target_(std::move(target)),
      config_(std::move(config)),
      client_(client),
      store_(store),
      options_(options) {}

KubePodSource::~KubePodSource() {
  std::shared_ptr<kube::Informer> informer = this->informer();
  if (informer) informer->Stop();
}

void KubePodSource::RequestStop() {
  std::shared_ptr<kube::Informer> informer = this->informer();
  if (informer) informer->RequestStop();
}

std::string KubePodSource::Named(absl::string_view what) const {
  const kube::ResourceRef& t = config_.scale_target;
  return absl::StrCat("kubernetes source of ", target_, ": ", what, " of ", t.GroupResource(), " ",
                      t.namespace_name, "/", t.name);
}

std::shared_ptr<kube::Informer> KubePodSource::informer() const {
  MutexLock lock(&mu_);
  return informer_;
}

std::shared_ptr<const KubePodSource::PodView> KubePodSource::View() const {
  uint64_t epoch = 0;
  std::shared_ptr<kube::Informer> informer = this->informer(&epoch);
  if (!informer) return std::make_shared<const PodView>();
  // Read before the objects: a change in between makes the next call build the view again.
  const uint64_t generation = epoch | informer->generation();
  {
    MutexLock lock(&view_mu_);
    if (view_ && view_generation_ == generation) return view_;
  }
  auto view = std::make_shared<PodView>();
  view->pods = PodsFromObjects(informer->Objects());
  view->replicas = ReplicasOf(view->pods);
  MutexLock lock(&view_mu_);
  view_ = view;
  view_generation_ = generation;
  return view;
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
  std::shared_ptr<kube::Informer> stale;  // stopped outside the lock
  std::shared_ptr<kube::Informer> fresh;
  {
    MutexLock lock(&mu_);
    status_.selector_error = error;
    if (!error.ok()) return error;
    status_.selector_read = now;
    if (selector == status_.selector && informer_) return absl::OkStatus();
    kube::ResourceRef pods;
    pods.resource = "pods";
    pods.namespace_name = config_.scale_target.namespace_name;
    kube::InformerOptions options;
    options.label_selector = selector;
    options.project = ProjectPod;
    options.max_objects = config_.max_pods;
    options.initial_backoff = options_.initial_backoff;
    options.max_backoff = options_.max_backoff;
    stale = std::move(informer_);
    informer_ = std::make_shared<kube::Informer>(client_, pods, options);
    ++informer_epoch_;
    fresh = informer_;
    status_.selector = selector;
  }
  if (stale) stale->Stop();
  fresh->Start();
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
    selector_failed = !status_.selector_error.ok() || !informer_;
  }
  if (selector_failed || now >= next_selector_read_) {
    next_selector_read_ = now + config_.selector_refresh;
    absl::Status s = ReadSelector(now);
    if (!s.ok()) return s;
  }
  // Until the (new) informer has listed, its pods are unknown, not gone: dropping the
  // replicas then would empty the target's store at every selector change.
  std::shared_ptr<kube::Informer> informer = this->informer();
  if (!informer) return absl::OkStatus();
  const kube::InformerStatus pods_status = informer->Status();
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

std::vector<PodReplica> KubePodSource::Replicas() const { return View()->replicas; }

PodEndpoints KubePodSource::Endpoints() const { return ScrapeEndpointsOf(View()->pods, config_); }

KubeSourceStatus KubePodSource::Status() const {
  std::shared_ptr<kube::Informer> informer = this->informer();
  KubeSourceStatus status;
  {
    MutexLock lock(&mu_);
    status = status_;
  }
  if (informer) status.pods = informer->Status();
  return status;
}

namespace {
constexpr int kEpochShift = 40;  // an informer's own generation stays far below 2^40
}  // namespace

std::shared_ptr<kube::Informer> KubePodSource::informer(uint64_t* epoch_bits) const {
  MutexLock lock(&mu_);
  *epoch_bits = informer_epoch_ << kEpochShift;
  return informer_;
}

uint64_t KubePodSource::PodGeneration() const {
  uint64_t epoch = 0;
  std::shared_ptr<kube::Informer> informer = this->informer(&epoch);
  return informer ? epoch | informer->generation() : 0;
}

uint64_t KubePodSource::WaitForPodChange(uint64_t after, absl::Duration timeout) const {
  uint64_t epoch = 0;
  std::shared_ptr<kube::Informer> informer = this->informer(&epoch);
  if (!informer) return 0;
  // A count from an earlier informer: the pods have changed since, by definition.
  if (after < epoch) return epoch | informer->generation();
  return epoch | informer->WaitForChange(after - epoch, timeout);
}

}  // namespace limiar::metrics
