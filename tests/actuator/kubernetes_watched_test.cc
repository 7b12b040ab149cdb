// The kubernetes actuator reads its Deployments from one watch on the namespace, not with
// two GETs per target per tick, against the fake API server: what it reads is what the
// cluster holds, its own PATCH is seen at once (read-your-writes), and without `list` and
// `watch` on deployments it still works, through the GETs.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "src/actuator/kubernetes_actuator.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/support/test_dir.h"

namespace limiar::actuator {
namespace {

constexpr absl::Duration kBound = absl::Seconds(30);  // a bound on waits, never a sleep
constexpr char kWeb[] = "/apis/apps/v1/namespaces/shop/deployments/web";

class KubernetesWatchedTest : public ::testing::Test {
 protected:
  KubernetesWatchedTest() : api_(dir_.path().string()) {
    api_.Put(testing::TestDeployment("web", 2, 2));
    options_.api_server = api_.base_url();
    options_.namespace_name = "shop";
    options_.token_file = dir_.Write("token", api_.token());
    options_.ca_file = api_.ca_file();
  }

  std::unique_ptr<KubernetesActuator> Make() {
    absl::StatusOr<std::unique_ptr<KubernetesActuator>> k8s = KubernetesActuator::Create(options_);
    EXPECT_TRUE(k8s.ok()) << k8s.status();
    return k8s.ok() ? *std::move(k8s) : nullptr;
  }

  // GETs of web and of its /scale so far.
  int Gets() const {
    int n = 0;
    for (const testing::KubeApiRequest& r : api_.Requests()) {
      n += r.method == "GET" && (r.path == kWeb || r.path == std::string(kWeb) + "/scale");
    }
    return n;
  }

  // Observes web until it reads `spec` and `ready` (the watch delivers asynchronously).
  ScaleState ObserveUntil(KubernetesActuator& k8s, int spec, int ready) {
    const absl::Time give_up = absl::Now() + kBound;
    absl::StatusOr<ScaleState> state;
    do {
      state = k8s.Observe("web");
      if (state.ok() && state->spec_replicas == spec && state->ready_replicas == ready) break;
      std::this_thread::yield();
    } while (absl::Now() < give_up);
    EXPECT_TRUE(state.ok()) << state.status();
    return state.ok() ? *state : ScaleState{};
  }

  testing::TestDir dir_;
  testing::FakeKubeApi api_;
  KubernetesOptions options_;
};

TEST_F(KubernetesWatchedTest, ObserveReadsTheWatchedDeploymentWithoutAGet) {
  std::unique_ptr<KubernetesActuator> k8s = Make();
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));  // listed, and watching
  const int gets = Gets();
  ScaleState state = ObserveUntil(*k8s, 2, 2);
  EXPECT_EQ(state.spec_replicas, 2);
  EXPECT_EQ(state.ready_replicas, 2);

  // Someone else scales it and the pods come up: the watch carries it.
  api_.Put(testing::TestDeployment("web", 4, 3));
  state = ObserveUntil(*k8s, 4, 3);
  EXPECT_EQ(state.spec_replicas, 4);
  EXPECT_EQ(state.ready_replicas, 3);
  EXPECT_EQ(Gets(), gets);
}

TEST_F(KubernetesWatchedTest, ItsOwnPatchIsSeenAtOnce) {
  std::unique_ptr<KubernetesActuator> k8s = Make();
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));
  ObserveUntil(*k8s, 2, 2);  // the watched copy holds web
  // The watch lags: what it holds is older than the PATCH, so Observe asks.
  api_.HoldWatches(true);
  for (int replicas : {5, 7, 3}) {
    ASSERT_TRUE(k8s->SetReplicas({"web", replicas, 2, "ScaleUp", "cpu", absl::UnixEpoch()}).ok());
    absl::StatusOr<ScaleState> state = k8s->Observe("web");
    ASSERT_TRUE(state.ok()) << state.status();
    EXPECT_EQ(state->spec_replicas, replicas);
  }
  // Once the watch has caught up it answers again, without a GET, and with the last count.
  api_.HoldWatches(false);
  const absl::Time give_up = absl::Now() + kBound;
  bool asked = true;
  absl::StatusOr<ScaleState> state;
  while (asked && absl::Now() < give_up) {
    const int gets = Gets();
    state = k8s->Observe("web");
    asked = Gets() != gets;
  }
  EXPECT_FALSE(asked) << "the watch never caught up";
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 3);
}

TEST_F(KubernetesWatchedTest, WithoutListAndWatchItAsksForEachDeployment) {
  api_.Deny("list", "apps", "deployments", "shop");
  std::unique_ptr<KubernetesActuator> k8s = Make();
  const int gets = Gets();
  absl::StatusOr<ScaleState> state = k8s->Observe("web");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 2);
  EXPECT_EQ(Gets(), gets + 2);  // /scale and the Deployment
  state = k8s->Observe("missing");
  EXPECT_EQ(state.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace limiar::actuator
