#include "src/kube/api_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/kube/fake_cluster.h"
#include "tests/support/local_http_server.h"

namespace limiar::kube {
namespace {

using ::limiar::testing::TestPod;
using nlohmann::json;
using ::testing::HasSubstr;

class ApiClientTest : public FakeClusterTest {
 protected:
  static ResourceRef ConfigMaps() { return InShop("configmaps"); }
  static json ConfigMap(const std::string& name, const std::string& value) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", "shop"}}},
            {"data", {{"state", value}}}};
  }
};

// A refusal's body is the server's: a `kind` that is not a string once terminated the
// process (nlohmann's value() throws on a type mismatch; found by the kube_answer fuzz
// target, tests/fuzz/regressions/kube_answer/).
TEST(StatusFromAnswerTest, ABodyOfAnyShapeIsQuotedNeverThrown) {
  ResourceRef ref;
  ref.resource = "pods";
  ref.namespace_name = "shop";
  for (const std::string body :
       {R"({"kind":{"resourceVersion":"17"},"items":[]})", R"({"kind":7,"message":"m"})",
        R"({"kind":"Status","message":{"a":1},"reason":[2]})", "[1,2]", "not json"}) {
    const absl::Status s = StatusFromAnswer(403, body, "list", ref);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << body;
    EXPECT_THAT(s.message(), HasSubstr("grant `list` on `pods`")) << body;
  }
  const absl::Status status = StatusFromAnswer(
      403, R"({"kind":"Status","message":"pods is forbidden: User \"x\""})", "list", ref);
  EXPECT_THAT(status.message(), HasSubstr("the API server said: pods is forbidden"));
}

TEST(ResourceRefTest, PathsAndNamesAsTheApiServerAndRbacSpellThem) {
  ResourceRef pods;
  pods.resource = "pods";
  pods.namespace_name = "shop";
  EXPECT_EQ(pods.Path(), "/api/v1/namespaces/shop/pods");
  EXPECT_EQ(pods.Named("web-1").Path(), "/api/v1/namespaces/shop/pods/web-1");
  ResourceRef scale = pods;
  scale.group = "apps";
  scale.resource = "deployments";
  scale.name = "web";
  scale.subresource = "scale";
  EXPECT_EQ(scale.Path(), "/apis/apps/v1/namespaces/shop/deployments/web/scale");
  EXPECT_EQ(scale.GroupResource(), "deployments.apps/scale");
  ResourceRef metrics;
  metrics.group = "metrics.k8s.io";
  metrics.version = "v1beta1";
  metrics.resource = "pods";
  EXPECT_EQ(metrics.Path(), "/apis/metrics.k8s.io/v1beta1/pods");
}

TEST_F(ApiClientTest, CreatesGetsUpdatesAndDeletesWithOptimisticConcurrency) {
  absl::StatusOr<json> created = client_->Create(ConfigMaps(), ConfigMap("limiar-state", "a"));
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string first_version = (*created)["metadata"]["resourceVersion"];

  absl::StatusOr<json> again = client_->Create(ConfigMaps(), ConfigMap("limiar-state", "b"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists) << again.status();

  const ResourceRef ref = ConfigMaps().Named("limiar-state");
  absl::StatusOr<json> read = client_->Get(ref);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ((*read)["data"]["state"], "a");

  json changed = *read;
  changed["data"]["state"] = "c";
  absl::StatusOr<json> updated = client_->Update(ref, changed);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE((*updated)["metadata"]["resourceVersion"], first_version);

  // The same write again carries the version it read, which is now stale: someone else
  // (here: this client itself) changed the object meanwhile.
  changed["data"]["state"] = "d";
  absl::StatusOr<json> stale = client_->Update(ref, changed);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_THAT(stale.status().message(), HasSubstr("read it again"));

  absl::StatusOr<json> patched = client_->Patch(ref, {{"data", {{"extra", "1"}}}});
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ((*patched)["data"]["state"], "c");
  EXPECT_EQ((*patched)["data"]["extra"], "1");

  ASSERT_TRUE(client_->Delete(ref).ok());
  absl::StatusOr<json> gone = client_->Get(ref);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(gone.status().message(),
              HasSubstr("configmaps \"limiar-state\" not found in namespace shop"));
}

TEST_F(ApiClientTest, AForbiddenCallSaysWhatToGrant) {
  api_.Deny("list", "", "pods", "shop");
  absl::StatusOr<json> listed = client_->List(Pods(), {});
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(listed.status().message(), HasSubstr("grant `list` on `pods` in `shop`"));
  EXPECT_THAT(listed.status().message(), HasSubstr("verbs [\"list\"]"));

  api_.Deny("update", "apps", "deployments/scale", "shop");
  ResourceRef scale = InShop("deployments", "apps", "web");
  scale.subresource = "scale";
  absl::StatusOr<json> put = client_->Update(scale, {{"spec", {{"replicas", 3}}}});
  EXPECT_EQ(put.status().code(), absl::StatusCode::kPermissionDenied) << put.status();
  EXPECT_THAT(put.status().message(), HasSubstr("grant `update` on `deployments/scale` in `shop`"));
  EXPECT_THAT(put.status().message(), HasSubstr("apiGroups [\"apps\"]"));
}

TEST_F(ApiClientTest, ListsBySelectorWithTheCollectionsVersion) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  api_.Put(TestPod("db-1", {{"app", "db"}}));
  ListOptions options;
  options.label_selector = "app=web";
  absl::StatusOr<json> listed = client_->List(Pods(), options);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ((*listed)["items"].size(), 2u);
  EXPECT_EQ((*listed)["metadata"]["resourceVersion"], std::to_string(api_.ResourceVersion()));
}

TEST_F(ApiClientTest, WatchStreamsEventsAsTheyHappenAndStopsWhenAsked) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  absl::StatusOr<json> listed = client_->List(Pods(), {});
  ASSERT_TRUE(listed.ok()) << listed.status();

  std::vector<std::string> seen;  // "TYPE name"
  std::atomic<bool> done = false;
  std::thread watcher([&] {
    WatchOptions options;
    options.resource_version = (*listed)["metadata"]["resourceVersion"];
    const absl::Status ended = client_->Watch(Pods(), options, [&](const WatchEvent& event) {
      seen.push_back(event.type + " " + event.object["metadata"].value("name", ""));
      return seen.size() < 3;
    });
    EXPECT_TRUE(ended.ok()) << ended;
    done = true;
  });
  ASSERT_TRUE(api_.WaitForOpenWatches(1, absl::Seconds(30)));
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  api_.SendBookmarks();
  ASSERT_TRUE(api_.Remove("/api/v1/namespaces/shop/pods/web-1"));
  watcher.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED web-2", "BOOKMARK ", "DELETED web-1"}));
}

TEST_F(ApiClientTest, AWatchFromAnExpiredVersionIsOutOfRange) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  const std::string old_version = std::to_string(api_.ResourceVersion());
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  api_.CompactHistory();
  WatchOptions options;
  options.resource_version = old_version;
  const absl::Status ended = client_->Watch(Pods(), options, [](const WatchEvent&) {
    ADD_FAILURE() << "no event expected before the expiry";
    return true;
  });
  EXPECT_EQ(ended.code(), absl::StatusCode::kOutOfRange) << ended;
  EXPECT_THAT(ended.message(), HasSubstr("list again"));
}

TEST_F(ApiClientTest, KeepGoingEndsAnIdleWatchWithoutAnError) {
  std::atomic<bool> stop = false;
  absl::Status ended;
  std::thread watcher([&] {
    ended = client_->Watch(
        Pods(), {}, [](const WatchEvent&) { return true; }, [&] { return !stop.load(); });
  });
  ASSERT_TRUE(api_.WaitForOpenWatches(1, absl::Seconds(30)));
  stop = true;
  watcher.join();  // within about a second: libcurl asks keep_going while no data flows
  EXPECT_TRUE(ended.ok()) << ended;
}

TEST_F(ApiClientTest, ServerErrorsKeepTheirRetryableCodes) {
  api_.FailNext("/api/v1/namespaces/shop/pods", 1, 503);
  api_.FailNext("/api/v1/namespaces/shop/pods", 1, 429);
  EXPECT_EQ(client_->List(Pods(), {}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client_->List(Pods(), {}).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(client_->List(Pods(), {}).ok());
}

// The fake API server answers every list whole; paging is checked against a server that
// hands out `continue` tokens as kube-apiserver does with `limit`.
TEST(ApiClientPagingTest, ListFollowsContinueTokensAndKeepsTheFirstPagesVersion) {
  testing::LocalHttpServer server;
  std::vector<std::string> asked;
  server.server().Get(
      "/api/v1/namespaces/shop/pods", [&](const httplib::Request& req, httplib::Response& res) {
        asked.push_back(req.get_param_value("limit") + "|" + req.get_param_value("continue"));
        const std::string token = req.get_param_value("continue");
        json page = {{"kind", "PodList"}, {"metadata", {{"resourceVersion", "7"}}}};
        if (token.empty()) {
          page["items"] = {{{"metadata", {{"name", "a"}}}}, {{"metadata", {{"name", "b"}}}}};
          page["metadata"]["continue"] = "t1";
        } else {
          page["metadata"]["resourceVersion"] = "9";  // later pages' versions are not the list's
          page["items"] = {{{"metadata", {{"name", "c"}}}}};
        }
        res.set_content(page.dump(), "application/json");
      });
  server.Start();
  ClusterAccess access;
  access.server = server.base_url();
  absl::StatusOr<std::unique_ptr<ApiClient>> client = ApiClient::Create(access);
  ASSERT_TRUE(client.ok()) << client.status();
  ListOptions options;
  options.page_size = 2;
  absl::StatusOr<json> listed = (*client)->List(InShop("pods"), options);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ((*listed)["items"].size(), 3u);
  EXPECT_EQ((*listed)["items"][2]["metadata"]["name"], "c");
  EXPECT_EQ((*listed)["metadata"]["resourceVersion"], "7");
  EXPECT_FALSE((*listed)["metadata"].contains("continue"));
  EXPECT_EQ(asked, (std::vector<std::string>{"2|", "2|t1"}));
}

// Calls on several threads run at once, each on a connection of the pool: two GETs are
// answered only once both have reached the server, which one shared connection could
// never do (the first would give up at the server's bound and fail).
TEST(ApiClientPoolTest, CallsOnSeveralThreadsRunAtOnce) {
  std::mutex mu;
  std::condition_variable arrived_cv;
  int arrived = 0;
  testing::LocalHttpServer server;
  server.server().Get(
      "/api/v1/namespaces/shop/pods/.*", [&](const httplib::Request& req, httplib::Response& res) {
        std::unique_lock<std::mutex> lock(mu);
        ++arrived;
        arrived_cv.notify_all();
        const bool both =
            arrived_cv.wait_for(lock, std::chrono::seconds(20), [&] { return arrived >= 2; });
        res.status = both ? 200 : 504;
        res.set_content(json{{"metadata", {{"name", "p"}}}}.dump(), "application/json");
      });
  server.Start();
  ClusterAccess access;
  access.server = server.base_url();
  absl::StatusOr<std::unique_ptr<ApiClient>> client = ApiClient::Create(access, {.connections = 2});
  ASSERT_TRUE(client.ok()) << client.status();
  ResourceRef pod = InShop("pods");
  pod.name = "p";
  absl::Status other;
  std::thread second([&] { other = (*client)->Get(pod).status(); });
  const absl::Status first = (*client)->Get(pod).status();
  second.join();
  EXPECT_TRUE(first.ok()) << first;
  EXPECT_TRUE(other.ok()) << other;
}

}  // namespace
}  // namespace limiar::kube
