// Keeps an ObjectCache of one collection current on a thread of its own, as client-go's
// reflector does:
//
//   list -> watch from the list's resourceVersion -> on the server ending the stream,
//   watch again from the last version seen (bookmarks keep it fresh) -> on 410 Gone
//   (Expired), list again -> on any other failure, wait (800 ms doubling to 30 s, reset
//   after a success) and carry on from where it stood.
//
// Nothing is lost across a dead watch: the next watch starts at the last version seen, and
// a relist replaces the cache, dropping what was deleted meanwhile. Waits are real time
// (Stop must be able to cut them short); nothing here makes a decision.
#ifndef LIMIAR_KUBE_INFORMER_H_
#define LIMIAR_KUBE_INFORMER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/mutex.h"
#include "src/kube/api_client.h"
#include "src/kube/object_cache.h"

namespace limiar::kube {

struct InformerOptions {
  std::string label_selector;
  std::string field_selector;
  ObjectCache::Projection project;
  size_t max_objects = 100'000;
  absl::Duration initial_backoff = absl::Milliseconds(800);
  absl::Duration max_backoff = absl::Seconds(30);
  // Each watch asks the server to end after this (client-go: 5 to 10 minutes).
  absl::Duration watch_timeout = absl::Minutes(5);
};

struct InformerStatus {
  bool synced = false;      // listed at least once
  int64_t lists = 0;        // successful lists (the first, then one per expiry)
  int64_t watches = 0;      // watches opened
  int64_t failures = 0;     // failed lists and watches
  absl::Status last_error;  // the latest failure, kept after a recovery
  // The latest list or watch failed and none has worked since (a watch works once an
  // event or its clean end arrives): the cache may be going stale.
  bool failing = false;
  std::string resource_version;
};

class Informer {
 public:
  // `client` must outlive this.
  Informer(ApiClient* client, ResourceRef collection, InformerOptions options);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Starts the thread; no-op if running. Stop returns once it has ended (an open watch is
  // given up within about a second). Thread-safe.
  void Start();
  void Stop();
  // Tells the thread to end and returns at once; Stop then joins it. Whoever runs many
  // informers asks them all first, so that they wind down together: a thousand watches
  // given up one after another took a second each (bench/kube_scale).
  void RequestStop();

  // A copy of the objects as they stand. Thread-safe.
  std::map<std::string, nlohmann::json> Objects() const;
  // Calls `visit` with each object, under the informer's lock (the watch waits meanwhile:
  // keep it short), and returns the generation that the objects visited are at. For
  // callers that keep their own view of a big collection and rebuild only what changed.
  uint64_t Visit(
      absl::FunctionRef<void(const std::string& key, const nlohmann::json& object)> visit) const;
  // A copy of the one object under `key` (ObjectKey: "namespace/name"), if cached.
  std::optional<nlohmann::json> Get(const std::string& key) const;
  InformerStatus Status() const;
  // Status().synced, without copying the rest: asked for every target of every tick.
  bool synced() const;
  // A count that grows with every change of the objects (ObjectCache::generation) and of
  // Status() (a list, a failure).
  // Waits until the generation passes `after`, up to `timeout`; returns the generation
  // then. For tests and for callers that react to change.
  uint64_t WaitForChange(uint64_t after, absl::Duration timeout) const;
  uint64_t generation() const;

  const ResourceRef& collection() const { return collection_; }

 private:
  void Run();
  // Lists into the cache; false after a failure (recorded).
  bool List();
  // Watches from the cache's version until the stream ends; true when it should be opened
  // again at once, false when a relist is needed (410) and sets `*failed` on a failure.
  bool WatchOnce(bool* failed);
  void Failed(const absl::Status& status);
  void RecordFailure(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits `d` unless Stop comes first; false when stopping.
  bool Pause(absl::Duration d);
  bool stopping() const;

  ApiClient* const client_;
  const ResourceRef collection_;
  const InformerOptions options_;
  mutable Mutex mu_;
  mutable CondVar changed_;
  ObjectCache cache_ ABSL_GUARDED_BY(mu_);
  InformerStatus status_ ABSL_GUARDED_BY(mu_);
  uint64_t status_changes_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_INFORMER_H_
