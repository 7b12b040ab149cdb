#include "src/kube/informer.h"

#include <algorithm>
#include <utility>

namespace limiar::kube {

Informer::Informer(ApiClient* client, ResourceRef collection, InformerOptions options)
    : client_(client),
      collection_(std::move(collection)),
      options_(std::move(options)),
      cache_(options_.project, options_.max_objects) {}

Informer::~Informer() { Stop(); }

void Informer::Start() {
  MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Informer::RequestStop() {
  MutexLock lock(&mu_);
  stop_ = true;
  changed_.SignalAll();
}

void Informer::Stop() {
  std::thread thread;
  {
    MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

bool Informer::stopping() const {
  MutexLock lock(&mu_);
  return stop_;
}

std::map<std::string, nlohmann::json> Informer::Objects() const {
  MutexLock lock(&mu_);
  return cache_.objects();
}

uint64_t Informer::Visit(
    absl::FunctionRef<void(const std::string& key, const nlohmann::json& object)> visit) const {
  MutexLock lock(&mu_);
  for (const auto& [key, object] : cache_.objects()) visit(key, object);
  return cache_.generation() + status_changes_;
}

std::optional<nlohmann::json> Informer::Get(const std::string& key) const {
  MutexLock lock(&mu_);
  const auto it = cache_.objects().find(key);
  if (it == cache_.objects().end()) return std::nullopt;
  return it->second;
}

InformerStatus Informer::Status() const {
  MutexLock lock(&mu_);
  InformerStatus status = status_;
  status.resource_version = cache_.resource_version();
  return status;
}

bool Informer::synced() const {
  MutexLock lock(&mu_);
  return status_.synced;
}

uint64_t Informer::generation() const {
  MutexLock lock(&mu_);
  return cache_.generation() + status_changes_;
}

uint64_t Informer::WaitForChange(uint64_t after, absl::Duration timeout) const {
  const CondVar::Deadline deadline = CondVar::After(timeout);
  MutexLock lock(&mu_);
  while (cache_.generation() + status_changes_ <= after) {
    if (changed_.WaitUntil(&mu_, deadline)) break;
  }
  return cache_.generation() + status_changes_;
}

void Informer::Failed(const absl::Status& status) {
  MutexLock lock(&mu_);
  RecordFailure(status);
}

void Informer::RecordFailure(const absl::Status& status) {
  ++status_.failures;
  status_.last_error = status;
  status_.failing = true;
  ++status_changes_;
  changed_.SignalAll();
}

bool Informer::Pause(absl::Duration d) {
  const CondVar::Deadline deadline = CondVar::After(d);
  MutexLock lock(&mu_);
  while (!stop_) {
    if (changed_.WaitUntil(&mu_, deadline)) break;
  }
  return !stop_;
}

bool Informer::List() {
  ListOptions list;
  list.label_selector = options_.label_selector;
  list.field_selector = options_.field_selector;
  absl::StatusOr<nlohmann::json> answer = client_->List(collection_, list);
  if (!answer.ok()) {
    Failed(answer.status());
    return false;
  }
  MutexLock lock(&mu_);
  const absl::Status replaced = cache_.Replace(*std::move(answer));
  if (!replaced.ok()) {
    RecordFailure(replaced);
    return false;
  }
  status_.synced = true;
  status_.failing = false;
  ++status_.lists;
  ++status_changes_;
  changed_.SignalAll();
  return true;
}

bool Informer::WatchOnce(bool* failed) {
  WatchOptions watch;
  watch.label_selector = options_.label_selector;
  watch.field_selector = options_.field_selector;
  watch.server_timeout = options_.watch_timeout;
  {
    MutexLock lock(&mu_);
    watch.resource_version = cache_.resource_version();
    ++status_.watches;
  }
  absl::Status applied;
  int64_t events = 0;
  const absl::Status ended = client_->Watch(
      collection_, watch,
      [&](const WatchEvent& event) {
        ++events;
        WatchEvent copy = event;
        MutexLock lock(&mu_);
        applied = cache_.Apply(std::move(copy));
        if (applied.ok() && status_.failing) {
          status_.failing = false;
          ++status_changes_;
        }
        changed_.SignalAll();
        return applied.ok() && !stop_;
      },
      [this] { return !stopping(); });
  if (!applied.ok()) {
    Failed(applied);
    *failed = true;
    return false;  // list again: the cache may have missed what the bad event said
  }
  if (absl::IsOutOfRange(ended)) return false;  // 410 Gone: the version expired; relist
  if (!ended.ok()) {
    Failed(ended);
    *failed = true;
  } else if (events == 0) {
    // Ended at once with nothing said: a server (or proxy) that drops watches. Pause as
    // after a failure, so that Limiar never spins on it.
    *failed = true;
  }
  return true;
}

void Informer::Run() {
  absl::Duration backoff = options_.initial_backoff;
  bool need_list = true;
  while (!stopping()) {
    bool failed = false;
    if (need_list) {
      failed = !List();
      need_list = failed;
    } else {
      need_list = !WatchOnce(&failed);
    }
    if (!failed) {
      backoff = options_.initial_backoff;
      continue;
    }
    if (!Pause(backoff)) break;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace limiar::kube
