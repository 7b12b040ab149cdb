// The Deployment that runs a pod, found as `kubectl` users find it by hand: the pod's
// controller owner is a ReplicaSet, whose controller owner is the Deployment. For Limiar as
// a sidecar, scaling the Deployment of its own pod (the pod's name and namespace from the
// downward API).
#ifndef LIMIAR_KUBE_OWNERS_H_
#define LIMIAR_KUBE_OWNERS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "src/common/mutex.h"
#include "src/kube/api_client.h"

namespace limiar::kube {

// The controller owner of `object` (metadata.ownerReferences[] with controller: true), as
// {kind, name}; nullopt when it has none.
struct OwnerRef {
  std::string api_version;
  std::string kind;
  std::string name;
};
std::optional<OwnerRef> ControllerOf(const nlohmann::json& object);

// Looks the Deployment up once it is first asked for, and keeps a success (a pod does not
// change owners); a failure is asked again next time. Thread-safe.
class OwningDeployment {
 public:
  // `client` must outlive this.
  OwningDeployment(ApiClient* client, std::string namespace_name, std::string pod_name)
      : client_(client), namespace_(std::move(namespace_name)), pod_(std::move(pod_name)) {}

  absl::StatusOr<std::string> Name();

 private:
  absl::StatusOr<std::string> LookUp() const;

  ApiClient* const client_;
  const std::string namespace_;
  const std::string pod_;
  Mutex mu_;
  std::string found_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_OWNERS_H_
