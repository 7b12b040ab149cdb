#include "src/kube/object_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "src/common/excerpt.h"

namespace limiar::kube {
using json = nlohmann::json;

std::string MetadataString(const json& object, const char* field) {
  if (!object.is_object() || !object.contains("metadata")) return "";
  const json& meta = object["metadata"];
  if (!meta.is_object() || !meta.contains(field) || !meta[field].is_string()) return "";
  return meta[field].get<std::string>();
}

std::string ObjectKey(const json& object) {
  const std::string name = MetadataString(object, "name");
  if (name.empty()) return "";
  const std::string ns = MetadataString(object, "namespace");
  return ns.empty() ? name : absl::StrCat(ns, "/", name);
}

ObjectCache::ObjectCache(Projection project, size_t max_objects)
    : project_(std::move(project)), max_objects_(max_objects) {}

void ObjectCache::NoteVersion(const json& object) {
  std::string version = MetadataString(object, "resourceVersion");
  if (!version.empty()) resource_version_ = std::move(version);
}

absl::Status ObjectCache::Replace(json&& list) {
  std::map<std::string, json> fresh;
  if (list.is_object() && list.contains("items") && list["items"].is_array()) {
    json& items = list["items"];
    if (items.size() > max_objects_) {
      return absl::ResourceExhaustedError(absl::StrCat("the list has ", items.size(),
                                                       " objects, more than the ", max_objects_,
                                                       " one watch may keep: narrow the selector"));
    }
    for (json& item : items) {
      std::string key = ObjectKey(item);
      if (key.empty()) continue;
      fresh[std::move(key)] = project_ ? project_(std::move(item)) : std::move(item);
    }
  }
  objects_ = std::move(fresh);
  NoteVersion(list);
  ++generation_;
  return absl::OkStatus();
}

absl::Status ObjectCache::Apply(WatchEvent&& event) {
  if (event.type == "BOOKMARK") {
    NoteVersion(event.object);
    return absl::OkStatus();
  }
  std::string key = ObjectKey(event.object);
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ", Excerpt(event.type, 20), " watch event without metadata.name"));
  }
  NoteVersion(event.object);
  if (event.type == "DELETED") {
    objects_.erase(key);
  } else if (event.type == "ADDED" || event.type == "MODIFIED") {
    if (objects_.size() >= max_objects_ && objects_.find(key) == objects_.end()) {
      return absl::ResourceExhaustedError(
          absl::StrCat("more than ", max_objects_, " objects in one watch: narrow the selector"));
    }
    objects_[std::move(key)] =
        project_ ? project_(std::move(event.object)) : std::move(event.object);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown watch event type \"", Excerpt(event.type, 20), "\""));
  }
  ++generation_;
  return absl::OkStatus();
}

}  // namespace limiar::kube
