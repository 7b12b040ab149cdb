#include "src/kube/owners.h"

#include "absl/strings/str_cat.h"

namespace limiar::kube {

std::optional<OwnerRef> ControllerOf(const nlohmann::json& object) {
  const nlohmann::json::json_pointer at("/metadata/ownerReferences");
  if (!object.is_object() || !object.contains(at) || !object.at(at).is_array()) return std::nullopt;
  for (const nlohmann::json& owner : object.at(at)) {
    if (!owner.is_object()) continue;
    // Read as a boolean only: value("controller", false) throws on another type.
    const auto controller = owner.find("controller");
    if (controller == owner.end() || !controller->is_boolean() || !controller->get<bool>()) {
      continue;
    }
    const auto text = [&](const char* key) {
      const auto it = owner.find(key);
      return it != owner.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    return OwnerRef{text("apiVersion"), text("kind"), text("name")};
  }
  return std::nullopt;
}

absl::StatusOr<std::string> OwningDeployment::Name() {
  {
    MutexLock lock(&mu_);
    if (!found_.empty()) return found_;
  }
  absl::StatusOr<std::string> name = LookUp();
  if (name.ok()) {
    MutexLock lock(&mu_);
    found_ = *name;
  }
  return name;
}

absl::StatusOr<std::string> OwningDeployment::LookUp() const {
  ResourceRef pod;
  pod.resource = "pods";
  pod.namespace_name = namespace_;
  pod.name = pod_;
  absl::StatusOr<nlohmann::json> read = client_->Get(pod);
  if (!read.ok()) return read.status();
  const std::string where = absl::StrCat("pod ", namespace_, "/", pod_);
  const std::optional<OwnerRef> rs = ControllerOf(*read);
  if (!rs || rs->kind != "ReplicaSet" || rs->name.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, " is not run by a ReplicaSet (its controller owner is ",
                     rs ? absl::StrCat(rs->kind, " ", rs->name) : "none",
                     "): a sidecar can find only a Deployment's pods' Deployment; name it in "
                     "kubernetes.deployments instead"));
  }
  ResourceRef replica_set;
  replica_set.group = "apps";
  replica_set.resource = "replicasets";
  replica_set.namespace_name = namespace_;
  replica_set.name = rs->name;
  read = client_->Get(replica_set);
  if (!read.ok()) return read.status();
  const std::optional<OwnerRef> deployment = ControllerOf(*read);
  if (!deployment || deployment->kind != "Deployment" || deployment->name.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ReplicaSet ", namespace_, "/", rs->name, " (of ", where,
        ") is not run by a Deployment: name the Deployment in kubernetes.deployments"));
  }
  return deployment->name;
}

}  // namespace limiar::kube
