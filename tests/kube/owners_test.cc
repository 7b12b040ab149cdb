#include "src/kube/owners.h"

#include <gtest/gtest.h>

#include "gmock/gmock.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/kube/fake_cluster.h"

namespace limiar::kube {
namespace {

using nlohmann::json;

json OwnedBy(json object, const std::string& api_version, const std::string& kind,
             const std::string& name) {
  object["metadata"]["ownerReferences"] = {{{"apiVersion", api_version},
                                            {"kind", kind},
                                            {"name", name},
                                            {"uid", "0000"},
                                            {"controller", true},
                                            {"blockOwnerDeletion", true}}};
  return object;
}

json ReplicaSet(const std::string& name) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", {{"name", name}, {"namespace", "shop"}}},
          {"spec", {{"selector", {{"matchLabels", {{"app", "web"}}}}}}}};
}

class OwningDeploymentTest : public FakeClusterTest {};

TEST_F(OwningDeploymentTest, PodToReplicaSetToDeploymentOnceThenRemembered) {
  api_.Put(testing::TestDeployment("web", 2, 2));
  api_.Put(OwnedBy(ReplicaSet("web-7c9f"), "apps/v1", "Deployment", "web"));
  api_.Put(OwnedBy(testing::TestPod("web-7c9f-x2", {{"app", "web"}}), "apps/v1", "ReplicaSet",
                   "web-7c9f"));
  OwningDeployment own(client_.get(), "shop", "web-7c9f-x2");
  absl::StatusOr<std::string> name = own.Name();
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(*name, "web");
  const size_t asked = api_.Requests().size();
  EXPECT_EQ(own.Name().value(), "web");
  EXPECT_EQ(api_.Requests().size(), asked);  // a pod does not change owners
}

TEST_F(OwningDeploymentTest, APodNotRunByADeploymentSaysWhatToDoInstead) {
  api_.Put(OwnedBy(testing::TestPod("db-0", {{"app", "db"}}), "apps/v1", "StatefulSet", "db"));
  absl::StatusOr<std::string> name = OwningDeployment(client_.get(), "shop", "db-0").Name();
  EXPECT_EQ(name.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(name.status().message(),
              ::testing::HasSubstr("pod shop/db-0 is not run by a ReplicaSet (its controller "
                                   "owner is StatefulSet db)"));
  EXPECT_THAT(name.status().message(), ::testing::HasSubstr("kubernetes.deployments"));
  name = OwningDeployment(client_.get(), "shop", "gone").Name();
  EXPECT_EQ(name.status().code(), absl::StatusCode::kNotFound);
}

TEST(ControllerOfTest, OnlyTheControllingOwner) {
  EXPECT_FALSE(ControllerOf(json::object()).has_value());
  const json o = {{"metadata",
                   {{"ownerReferences",
                     {{{"kind", "Node"}, {"name", "n1"}},
                      {{"kind", "ReplicaSet"}, {"name", "rs"}, {"controller", true}}}}}}};
  ASSERT_TRUE(ControllerOf(o).has_value());
  EXPECT_EQ(ControllerOf(o)->name, "rs");
  EXPECT_FALSE(ControllerOf({{"metadata", {{"ownerReferences", "x"}}}}).has_value());
  // `controller` of another type than boolean is not true, and throws nothing.
  for (const json& flag : {json("true"), json(1), json::object(), json(nullptr)}) {
    const json odd = {
        {"metadata", {{"ownerReferences", {{{"kind", "ReplicaSet"}, {"controller", flag}}}}}}};
    EXPECT_FALSE(ControllerOf(odd).has_value()) << flag;
  }
}

}  // namespace
}  // namespace limiar::kube
