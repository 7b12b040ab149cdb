#include "src/kube/informer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/kube/fake_cluster.h"

namespace limiar::kube {
namespace {

using ::limiar::testing::TestPod;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::Duration kBound = absl::Seconds(30);  // a bound on waits, never a sleep

class InformerTest : public FakeClusterTest {
 protected:
  InformerOptions WebPods() {
    InformerOptions options;
    options.label_selector = "app=web";
    options.initial_backoff = absl::Milliseconds(10);  // real time: keep the tests quick
    options.max_backoff = absl::Milliseconds(100);
    return options;
  }

  // The names in the cache once `pred` holds of the informer (waits on its changes).
  template <typename Pred>
  std::vector<std::string> NamesWhen(Informer& informer, Pred pred) {
    const absl::Time give_up = absl::Now() + kBound;
    uint64_t generation = informer.generation();
    while (!pred(informer) && absl::Now() < give_up) {
      generation = informer.WaitForChange(generation, absl::Seconds(1));
    }
    EXPECT_TRUE(pred(informer)) << "not reached within " << kBound;
    return Names(informer);
  }

  static std::vector<std::string> Names(const Informer& informer) {
    std::vector<std::string> names;
    for (const auto& [key, object] : informer.Objects()) {
      names.push_back(object["metadata"].value("name", ""));
    }
    return names;
  }

  static auto Has(std::vector<std::string> want) {
    return [want](const Informer& informer) { return Names(informer) == want; };
  }
};

TEST_F(InformerTest, ListsThenFollowsAddsChangesAndDeletes) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  api_.Put(TestPod("db-1", {{"app", "db"}}));
  Informer informer(client_.get(), Pods(), WebPods());
  informer.Start();
  EXPECT_THAT(NamesWhen(informer, Has({"web-1"})), ElementsAre("web-1"));
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));

  api_.Put(TestPod("web-2", {{"app", "web"}}));
  EXPECT_THAT(NamesWhen(informer, Has({"web-1", "web-2"})), ElementsAre("web-1", "web-2"));
  ASSERT_TRUE(api_.Remove("/api/v1/namespaces/shop/pods/web-1"));
  EXPECT_THAT(NamesWhen(informer, Has({"web-2"})), ElementsAre("web-2"));

  const InformerStatus status = informer.Status();
  EXPECT_TRUE(status.synced);
  EXPECT_EQ(status.lists, 1);
  EXPECT_EQ(status.failures, 0);
  informer.Stop();
}

TEST_F(InformerTest, AWatchThatDiesLosesNoPod) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  Informer informer(client_.get(), Pods(), WebPods());
  informer.Start();
  NamesWhen(informer, Has({"web-1"}));
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));

  // The connection drops; pods come and go before (or while) the informer watches again.
  api_.CloseWatches();
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  ASSERT_TRUE(api_.Remove("/api/v1/namespaces/shop/pods/web-1"));
  api_.Put(TestPod("web-3", {{"app", "web"}}));
  EXPECT_THAT(NamesWhen(informer, Has({"web-2", "web-3"})), ElementsAre("web-2", "web-3"));
  // Resumed from the last version seen: no second list was needed.
  EXPECT_EQ(informer.Status().lists, 1);
  EXPECT_GE(informer.Status().watches, 2);
}

TEST_F(InformerTest, AnExpiredVersionMeansAFreshList) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  Informer informer(client_.get(), Pods(), WebPods());
  informer.Start();
  NamesWhen(informer, Has({"web-1"}));
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));

  // Changes the informer's selector does not see move the version on; then the server's
  // history is compacted past the informer's version and its watch ends: the next watch
  // gets 410 Gone, and only a list can catch up.
  api_.Put(TestPod("db-1", {{"app", "db"}}));
  api_.Put(TestPod("db-2", {{"app", "db"}}));
  api_.CompactHistory();
  api_.CloseWatches();
  NamesWhen(informer, [](const Informer& i) { return i.Status().lists >= 2; });
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  EXPECT_THAT(NamesWhen(informer, Has({"web-1", "web-2"})), ElementsAre("web-1", "web-2"));
  EXPECT_EQ(informer.Status().failures, 0);  // an expiry is routine, not a failure
}

TEST_F(InformerTest, RecordsWhyItCannotListAndRecoversWhenItCan) {
  api_.FailNext("/api/v1/namespaces/shop/pods", 2, 503);
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  Informer informer(client_.get(), Pods(), WebPods());
  informer.Start();
  NamesWhen(informer, Has({"web-1"}));
  const InformerStatus status = informer.Status();
  EXPECT_TRUE(status.synced);
  EXPECT_EQ(status.failures, 2);
  EXPECT_EQ(status.last_error.code(), absl::StatusCode::kUnavailable);  // kept after recovery
}

TEST_F(InformerTest, AForbiddenListIsReportedWithTheGrant) {
  api_.Deny("list", "", "pods", "shop");
  Informer informer(client_.get(), Pods(), WebPods());
  informer.Start();
  NamesWhen(informer, [](const Informer& i) { return i.Status().failures >= 1; });
  const InformerStatus status = informer.Status();
  EXPECT_FALSE(status.synced);
  EXPECT_EQ(status.last_error.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.last_error.message(), HasSubstr("grant `list` on `pods` in `shop`"));
  informer.Stop();  // returns although the informer is backing off
}

TEST_F(InformerTest, AWatchRefusedAfterTheListIsFailingAndKeepsThePods) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  Informer informer(client_.get(), Pods(), WebPods());
  informer.Start();
  NamesWhen(informer, Has({"web-1"}));
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));
  EXPECT_FALSE(informer.Status().failing);

  // The grant is taken away and the open watch ends: the next one is refused.
  api_.Deny("watch", "", "pods", "shop");
  api_.CloseWatches();
  NamesWhen(informer, [](const Informer& i) { return i.Status().failing; });
  const InformerStatus status = informer.Status();
  EXPECT_TRUE(status.synced);
  EXPECT_THAT(status.last_error.message(), HasSubstr("grant `watch` on `pods` in `shop`"));
  EXPECT_THAT(Names(informer), ElementsAre("web-1"));  // stale, but not forgotten
  informer.Stop();
}

}  // namespace
}  // namespace limiar::kube
