// What a list+watch knows (client-go's reflector store): the objects of one collection by
// namespace/name, and the resourceVersion to watch from. A list replaces everything (so an
// object deleted while no watch ran is dropped, never kept); each watch event adds, changes
// or removes one object; a BOOKMARK only moves the resourceVersion on. Objects are kept as
// the `project` function makes them (client-go's TransformFunc): a pod keeps the dozen
// fields Limiar reads, not its managedFields. Pure, no I/O; not thread-safe (the informer
// holds it under its lock).
#ifndef LIMIAR_KUBE_OBJECT_CACHE_H_
#define LIMIAR_KUBE_OBJECT_CACHE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "src/kube/api_client.h"

namespace limiar::kube {

// "namespace/name", or "name" for a cluster-scoped object; empty when the object has no
// metadata.name.
std::string ObjectKey(const nlohmann::json& object);
// metadata.FIELD of `object` when it is a string, else "": an answer is the peer's, and
// another type there must not throw.
std::string MetadataString(const nlohmann::json& object, const char* field);

class ObjectCache {
 public:
  using Projection = std::function<nlohmann::json(nlohmann::json&& object)>;

  // `max_objects` bounds the memory one collection may take (the watch is the API server's,
  // but a selector that matches a whole cluster should fail loudly, not swap).
  explicit ObjectCache(Projection project = nullptr, size_t max_objects = 100'000);

  // A list answer ({"metadata": {"resourceVersion"}, "items": [...]}) replaces the objects.
  // Items without a name are skipped. ResourceExhausted past max_objects.
  absl::Status Replace(nlohmann::json&& list);
  // ADDED and MODIFIED store the object, DELETED removes it, BOOKMARK only records its
  // resourceVersion. InvalidArgument for another type or an object without a name.
  absl::Status Apply(WatchEvent&& event);

  const std::map<std::string, nlohmann::json>& objects() const { return objects_; }
  const std::string& resource_version() const { return resource_version_; }
  // Bumped by every change to the objects (not by bookmarks).
  uint64_t generation() const { return generation_; }

 private:
  void NoteVersion(const nlohmann::json& object);

  Projection project_;
  size_t max_objects_;
  std::map<std::string, nlohmann::json> objects_;
  std::string resource_version_;
  uint64_t generation_ = 0;
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_OBJECT_CACHE_H_
