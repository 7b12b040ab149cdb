// A fake API server (tests/fakes) and an ApiClient that reaches it the way a user would
// configure Limiar outside a cluster: through a kubeconfig file (token, CA, namespace shop).
#ifndef LIMIAR_TESTS_KUBE_FAKE_CLUSTER_H_
#define LIMIAR_TESTS_KUBE_FAKE_CLUSTER_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "src/kube/api_client.h"
#include "src/kube/cluster_access.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/support/test_dir.h"

namespace limiar::kube {

// `resource` of API group `group` in namespace shop, the collection or one object.
inline ResourceRef InShop(const std::string& resource, const std::string& group = "",
                          const std::string& name = "") {
  ResourceRef ref;
  ref.group = group;
  ref.resource = resource;
  ref.namespace_name = "shop";
  ref.name = name;
  return ref;
}

class FakeClusterTest : public ::testing::Test {
 protected:
  FakeClusterTest() : api_(dir_.path().string()) {
    api_.WriteKubeconfig(dir_ / "kubeconfig", "shop");
    client_ = NewClient();
  }

  // Another client of the same cluster (a second Limiar copy).
  std::unique_ptr<ApiClient> NewClient() {
    absl::StatusOr<ClusterAccess> access = KubeconfigAccess(dir_ / "kubeconfig");
    EXPECT_TRUE(access.ok()) << access.status();
    if (!access.ok()) std::abort();
    absl::StatusOr<std::unique_ptr<ApiClient>> client = ApiClient::Create(*access);
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) std::abort();
    return *std::move(client);
  }

  static ResourceRef Pods() { return InShop("pods"); }

  testing::TestDir dir_;
  testing::FakeKubeApi api_;
  std::unique_ptr<ApiClient> client_;
};

}  // namespace limiar::kube

#endif  // LIMIAR_TESTS_KUBE_FAKE_CLUSTER_H_
