#include "src/metrics/kubernetes/namespace_pods.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/kube_test_objects.h"
#include "tests/kube/fake_cluster.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using json = nlohmann::json;

std::shared_ptr<const PodInfo> Pod(const std::string& name,
                                   std::map<std::string, std::string> labels) {
  PodInfo pod;
  pod.name = name;
  pod.labels = std::move(labels);
  return std::make_shared<const PodInfo>(std::move(pod));
}

PodSnapshot Shop() {
  PodSnapshot s;
  s.pods = {Pod("api-1", {{"app", "api"}, {"tier", "back"}}),
            Pod("canary-1", {{"app", "web"}, {"track", "canary"}}),
            Pod("db-1", {{"app", "db"}}),
            Pod("web-1", {{"app", "web"}, {"tier", "front"}}),
            Pod("web-2", {{"app", "web"}, {"tier", "front"}}),
            Pod("worker-1", {})};
  IndexByLabel(&s);
  return s;
}

std::vector<std::string> Selected(const PodSnapshot& snapshot, const std::string& text) {
  absl::StatusOr<kube::LabelSelector> selector = kube::ParseLabelSelector(text);
  EXPECT_TRUE(selector.ok()) << selector.status();
  std::vector<std::string> names;
  if (!selector.ok()) return names;
  for (const auto& pod : SelectPods(snapshot, *selector)) names.push_back(pod->name);
  return names;
}

// Whatever requirement narrows the candidates, the answer is every pod the selector
// matches, by name: the index only saves reading the others.
TEST(SelectPodsTest, PicksWhatTheSelectorMatchesInNameOrder) {
  const PodSnapshot shop = Shop();
  EXPECT_THAT(Selected(shop, "app=web"), ElementsAre("canary-1", "web-1", "web-2"));
  EXPECT_THAT(Selected(shop, "app=web,tier=front"), ElementsAre("web-1", "web-2"));
  EXPECT_THAT(Selected(shop, "app=web,track!=canary"), ElementsAre("web-1", "web-2"));
  EXPECT_THAT(Selected(shop, "app in (db,api)"), ElementsAre("api-1", "db-1"));
  EXPECT_THAT(Selected(shop, "app in (db,api),tier in (back, front)"), ElementsAre("api-1"));
  // Nothing to narrow with: every pod is read.
  EXPECT_THAT(Selected(shop, "!app"), ElementsAre("worker-1"));
  EXPECT_THAT(Selected(shop, "app notin (web,db)"), ElementsAre("api-1", "worker-1"));
  EXPECT_THAT(Selected(shop, "tier"), ElementsAre("api-1", "web-1", "web-2"));
  EXPECT_THAT(Selected(shop, ""),
              ElementsAre("api-1", "canary-1", "db-1", "web-1", "web-2", "worker-1"));
  EXPECT_TRUE(Selected(shop, "app=shop").empty());
  EXPECT_TRUE(Selected(shop, "app=web,app=db").empty());
}

class NamespacePodsTest : public kube::FakeClusterTest {
 protected:
  static constexpr absl::Duration kBound = absl::Seconds(20);

  // Waits until the pods' snapshot satisfies `pred`.
  template <typename Pred>
  void WaitUntil(const NamespacePods& pods, Pred pred) {
    const absl::Time give_up = absl::Now() + kBound;
    uint64_t generation = pods.generation();
    while (!pred(*pods.Snapshot()) && absl::Now() < give_up) {
      generation = pods.WaitForChange(generation, absl::Seconds(1));
    }
    ASSERT_TRUE(pred(*pods.Snapshot())) << "not reached within " << kBound;
  }

  NamespacePodsOptions options_{.initial_backoff = absl::Milliseconds(10),
                                .max_backoff = absl::Milliseconds(100)};
};

// A change reads again only the pod that changed: the others are the same objects, which
// is what lets a target whose pods did not move keep its view.
TEST_F(NamespacePodsTest, AChangeReReadsOnlyThePodThatMoved) {
  api_.Put(testing::TestWebPod("web-1", true));
  api_.Put(testing::TestWebPod("web-2", true));
  json other = testing::TestWebPod("db-1", true);
  other["metadata"]["labels"] = {{"app", "db"}};
  api_.Put(other);
  json elsewhere = testing::TestWebPod("web-9", true);
  elsewhere["metadata"]["namespace"] = "other";
  api_.Put(elsewhere);

  NamespacePods pods(client_.get(), "shop", options_);
  EXPECT_TRUE(pods.Snapshot()->pods.empty());  // not started: nothing listed
  pods.Start();
  WaitUntil(pods, [](const PodSnapshot& s) { return s.pods.size() == 3; });
  const std::shared_ptr<const PodSnapshot> before = pods.Snapshot();
  EXPECT_EQ(before->pods[0]->name, "db-1");  // the namespace's only: web-9 is elsewhere
  EXPECT_EQ(pods.Snapshot(), before);        // nothing moved: the same snapshot

  api_.Put(testing::TestWebPod("web-2", false));  // turns unready
  WaitUntil(pods, [](const PodSnapshot& s) { return !s.pods[2]->ready; });
  const std::shared_ptr<const PodSnapshot> after = pods.Snapshot();
  EXPECT_EQ(after->pods[0], before->pods[0]);
  EXPECT_EQ(after->pods[1], before->pods[1]);
  EXPECT_NE(after->pods[2], before->pods[2]);

  ASSERT_TRUE(api_.Remove(api_.ObjectPath(testing::TestWebPod("web-1", true))));
  WaitUntil(pods, [](const PodSnapshot& s) { return s.pods.size() == 2; });
  absl::StatusOr<kube::LabelSelector> web = kube::ParseLabelSelector("app=web");
  ASSERT_TRUE(web.ok());
  const auto selected = SelectPods(*pods.Snapshot(), *web);
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0], after->pods[2]);  // web-2, still the object read at its change
}

}  // namespace
}  // namespace limiar::metrics
