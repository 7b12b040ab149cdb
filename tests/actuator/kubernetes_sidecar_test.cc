// Limiar as a sidecar in the application's own pods: the kubernetes actuator scales the
// Deployment that runs its pod, found through the pod's owners, against the fake API server.
#include <gtest/gtest.h>

#include "gmock/gmock.h"
#include "src/actuator/kubernetes_actuator.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/support/test_dir.h"

namespace limiar::actuator {
namespace {

using nlohmann::json;

json Owned(json object, const std::string& kind, const std::string& owner) {
  object["metadata"]["ownerReferences"] = {
      {{"apiVersion", "apps/v1"}, {"kind", kind}, {"name", owner}, {"controller", true}}};
  return object;
}

class KubernetesSidecarTest : public ::testing::Test {
 protected:
  KubernetesSidecarTest() : api_(dir_.path().string()) {
    api_.Put(testing::TestDeployment("shop-web", 2, 2));
    api_.Put(Owned({{"apiVersion", "apps/v1"},
                    {"kind", "ReplicaSet"},
                    {"metadata", {{"name", "shop-web-7c9f"}, {"namespace", "shop"}}}},
                   "Deployment", "shop-web"));
    api_.Put(Owned(testing::TestPod("shop-web-7c9f-x2", {{"app", "shop-web"}}), "ReplicaSet",
                   "shop-web-7c9f"));
    options_.api_server = api_.base_url();
    options_.namespace_name = "shop";
    options_.token_file = dir_.Write("token", api_.token());
    options_.ca_file = api_.ca_file();
    options_.sidecar_target = "storefront";
    options_.pod_name = "shop-web-7c9f-x2";
  }

  testing::TestDir dir_;
  testing::FakeKubeApi api_;
  KubernetesOptions options_;
};

TEST_F(KubernetesSidecarTest, ScalesTheDeploymentThatRunsItsOwnPod) {
  absl::StatusOr<std::unique_ptr<KubernetesActuator>> k8s = KubernetesActuator::Create(options_);
  ASSERT_TRUE(k8s.ok()) << k8s.status();
  ASSERT_TRUE((*k8s)->SetReplicas({"storefront", 5, 2, "ScaleUp", "cpu", absl::UnixEpoch()}).ok());
  EXPECT_EQ(api_.Get("/apis/apps/v1/namespaces/shop/deployments/shop-web")
                ->value("/spec/replicas"_json_pointer, 0),
            5);
  absl::StatusOr<ScaleState> observed = (*k8s)->Observe("storefront");
  ASSERT_TRUE(observed.ok()) << observed.status();
  EXPECT_EQ(observed->spec_replicas, 5);
}

TEST_F(KubernetesSidecarTest, WithoutThePodsNameItSaysHowToGiveIt) {
  options_.pod_name = "";
  ::unsetenv("POD_NAME");
  absl::StatusOr<std::unique_ptr<KubernetesActuator>> k8s = KubernetesActuator::Create(options_);
  EXPECT_EQ(k8s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(k8s.status().message(), ::testing::HasSubstr("POD_NAME from the downward API"));
}

}  // namespace
}  // namespace limiar::actuator
