// The fake API server over real HTTPS through the project's libcurl client: the shapes a
// client sees (lists, Status errors, watch streams) and the test-side controls.
#include "tests/fakes/fake_kube_api.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/http/http_client.h"
#include "src/common/regular_file.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_dir.h"

namespace limiar::testing {
namespace {

using nlohmann::json;

constexpr absl::Duration kWait = absl::Seconds(20);

std::string Encode(absl::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::vector<std::string> Names(const json& list) {
  std::vector<std::string> names;
  for (const json& item : list["items"]) names.push_back(item["metadata"]["name"]);
  return names;
}

// One watch request on its own thread and client; Finish() returns the stream's events
// once the server has ended it.
class WatchCall {
 public:
  WatchCall(const FakeKubeApi& api, const std::string& path_and_query) {
    http::HttpRequest request;
    request.url = api.base_url() + path_and_query;
    request.ca_file = api.ca_file();
    request.bearer_token = api.token();
    request.timeout = absl::Seconds(60);
    thread_ = std::thread([this, request] {
      http::HttpClient client;
      response_ = client.Send(request);
    });
  }
  ~WatchCall() {
    if (thread_.joinable()) thread_.join();
  }

  std::vector<json> Finish() {
    thread_.join();
    std::vector<json> events;
    EXPECT_TRUE(response_.ok()) << response_.status();
    if (!response_.ok()) return events;
    EXPECT_EQ(response_->status, 200) << response_->body;
    EXPECT_EQ(response_->content_type, "application/json");
    for (absl::string_view line : absl::StrSplit(response_->body, '\n', absl::SkipEmpty())) {
      events.push_back(json::parse(line));
    }
    return events;
  }

 private:
  absl::StatusOr<http::HttpResponse> response_;
  std::thread thread_;
};

std::vector<std::string> Types(const std::vector<json>& events) {
  std::vector<std::string> types;
  for (const json& e : events) types.push_back(e["type"]);
  return types;
}

class FakeKubeApiTest : public ::testing::Test {
 protected:
  http::HttpResponse Call(const std::string& method, const std::string& path,
                          const std::string& body = "",
                          const std::string& content_type = "application/json") {
    http::HttpRequest request;
    request.method = method;
    request.url = api_.base_url() + path;
    request.ca_file = api_.ca_file();
    request.bearer_token = api_.token();
    request.body = body;
    if (!body.empty()) request.headers.emplace_back("Content-Type", content_type);
    absl::StatusOr<http::HttpResponse> response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : http::HttpResponse{};
  }
  json CallJson(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& content_type = "application/json") {
    const http::HttpResponse response = Call(method, path, body, content_type);
    return json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  }

  TestDir dir_;
  FakeKubeApi api_{dir_.path().string()};
  http::HttpClient client_;  // after api_: its connections close before the server stops
};

TEST_F(FakeKubeApiTest, ListsWithLabelAndFieldSelectors) {
  api_.Put(TestPod("web-1", {{"app", "web"}, {"tier", "front"}}));
  api_.Put(TestPod("web-2", {{"app", "web"}, {"tier", "front"}, {"canary", "yes"}}));
  api_.Put(TestPod("db-1", {{"app", "db"}}));
  api_.Put(TestPod("web-9", {{"app", "web"}}, "other"));

  const json all = CallJson("GET", "/api/v1/namespaces/shop/pods");
  EXPECT_EQ(all["kind"], "PodList");
  EXPECT_EQ(all["apiVersion"], "v1");
  EXPECT_EQ(all["metadata"], json({{"resourceVersion", absl::StrCat(api_.ResourceVersion())}}));
  EXPECT_EQ(Names(all), (std::vector<std::string>{"db-1", "web-1", "web-2"}));
  // Items of a typed list carry no kind or apiVersion; their metadata is filled in.
  const json& item = all["items"][0];
  EXPECT_FALSE(item.contains("kind"));
  EXPECT_FALSE(item.contains("apiVersion"));
  EXPECT_FALSE(item["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(item["metadata"]["creationTimestamp"].get<std::string>().empty());

  const auto names = [&](const std::string& query) {
    return Names(CallJson("GET", "/api/v1/namespaces/shop/pods?" + query));
  };
  using List = std::vector<std::string>;
  EXPECT_EQ(names("labelSelector=" + Encode("app=web")), (List{"web-1", "web-2"}));
  EXPECT_EQ(names("labelSelector=" + Encode("app==web,!canary")), (List{"web-1"}));
  EXPECT_EQ(names("labelSelector=" + Encode("app!=web")), (List{"db-1"}));
  EXPECT_EQ(names("labelSelector=" + Encode("canary")), (List{"web-2"}));
  EXPECT_EQ(names("labelSelector=" + Encode("app in (db,web),tier notin (back)")),
            (List{"db-1", "web-1", "web-2"}));  // notin holds where the label is absent
  EXPECT_EQ(names("fieldSelector=" + Encode("metadata.name=web-2")), (List{"web-2"}));
  // All namespaces, in etcd's key order: namespace, then name.
  EXPECT_EQ(Names(CallJson("GET", "/api/v1/pods?labelSelector=app%3Dweb")),
            (List{"web-9", "web-1", "web-2"}));

  const http::HttpResponse bad =
      Call("GET", "/api/v1/namespaces/shop/pods?labelSelector=" + Encode("app in web"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["reason"], "BadRequest");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/shop/pods?fieldSelector=spec.foo%3Dx").status, 400);
}

// `limit` pages a list as the API server does: each page up to the limit, a continue token
// while more may follow, the first page's resourceVersion on every page; selectors apply
// within pages, and across namespaces the order is etcd's.
TEST_F(FakeKubeApiTest, PagesListsWithLimitAndContinue) {
  for (int i = 1; i <= 7; ++i) api_.Put(TestPod(absl::StrCat("web-", i), {{"app", "web"}}));
  api_.Put(TestPod("db-1", {{"app", "db"}}));
  api_.Put(TestPod("web-0", {{"app", "web"}}, "other"));
  const int64_t version = api_.ResourceVersion();
  const auto pages = [&](const std::string& path, const std::string& query) {
    std::vector<std::vector<std::string>> names;
    std::string token;
    for (int page = 0; page < 10; ++page) {
      const json list = CallJson(
          "GET", absl::StrCat(path, "?", query, token.empty() ? "" : "&continue=", Encode(token)));
      EXPECT_EQ(list["metadata"]["resourceVersion"], absl::StrCat(version)) << "page " << page;
      names.push_back(Names(list));
      token = list["metadata"].value("continue", "");
      if (token.empty()) break;
    }
    return names;
  };
  using Pages = std::vector<std::vector<std::string>>;
  EXPECT_EQ(pages("/api/v1/namespaces/shop/pods", "limit=3"),
            (Pages{{"db-1", "web-1", "web-2"}, {"web-3", "web-4", "web-5"}, {"web-6", "web-7"}}));
  EXPECT_EQ(pages("/api/v1/pods", "limit=4&labelSelector=app%3Dweb"),
            (Pages{{"web-0", "web-1", "web-2", "web-3"}, {"web-4", "web-5", "web-6", "web-7"}}));
  EXPECT_EQ(pages("/api/v1/namespaces/shop/pods", "limit=0"),
            (Pages{{"db-1", "web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7"}}));

  const http::HttpResponse forged =
      Call("GET", "/api/v1/namespaces/shop/pods?limit=2&continue=bm90LWEtdG9rZW4");
  EXPECT_EQ(forged.status, 400);
  EXPECT_TRUE(absl::StrContains(json::parse(forged.body)["message"].get<std::string>(),
                                "continue key is not valid"))
      << forged.body;
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/shop/pods?limit=-1").status, 400);
}

TEST_F(FakeKubeApiTest, MissingObjectIsA404StatusAsTheServerWritesIt) {
  const http::HttpResponse response = Call("GET", "/api/v1/namespaces/shop/pods/web-1");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                           R"("message":"pods \"web-1\" not found","reason":"NotFound",)"
                           R"("details":{"name":"web-1","kind":"pods"},"code":404})");
  EXPECT_EQ(
      json::parse(
          Call("GET", "/apis/coordination.k8s.io/v1/namespaces/shop/leases/x").body)["details"],
      json({{"name", "x"}, {"group", "coordination.k8s.io"}, {"kind", "leases"}}));
  const json unknown = CallJson("GET", "/api/v1/namespaces/shop/secrets");
  EXPECT_EQ(unknown["message"], "the server could not find the requested resource");
  EXPECT_EQ(unknown["code"], 404);
}

TEST_F(FakeKubeApiTest, CreateUpdateAndTheirConflicts) {
  const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/shop/leases";
  const std::string lease = R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
      "metadata":{"name":"leader"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15}})";
  const http::HttpResponse created = Call("POST", leases, lease);
  ASSERT_EQ(created.status, 201) << created.body;
  const json first = json::parse(created.body);
  EXPECT_EQ(first["metadata"]["namespace"], "shop");
  EXPECT_EQ(first["metadata"]["resourceVersion"], absl::StrCat(api_.ResourceVersion()));
  EXPECT_EQ(first["kind"], "Lease");

  const http::HttpResponse again = Call("POST", leases, lease);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                        R"("message":"leases.coordination.k8s.io \"leader\" already exists",)"
                        R"("reason":"AlreadyExists","details":{"name":"leader",)"
                        R"("group":"coordination.k8s.io","kind":"leases"},"code":409})");

  json update = first;
  update["spec"]["holderIdentity"] = "b";
  const http::HttpResponse updated = Call("PUT", leases + "/leader", update.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  const json second = json::parse(updated.body);
  EXPECT_EQ(second["spec"]["holderIdentity"], "b");
  EXPECT_EQ(second["metadata"]["uid"], first["metadata"]["uid"]);
  EXPECT_NE(second["metadata"]["resourceVersion"], first["metadata"]["resourceVersion"]);

  // `update` still carries the first resourceVersion: stale.
  update["spec"]["holderIdentity"] = "c";
  const http::HttpResponse stale = Call("PUT", leases + "/leader", update.dump());
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"Operation cannot be fulfilled on leases.coordination.k8s.io \"leader\": )"
            R"(the object has been modified; please apply your changes to the latest version )"
            R"(and try again","reason":"Conflict","details":{"name":"leader",)"
            R"("group":"coordination.k8s.io","kind":"leases"},"code":409})");

  // The name in the body must be the one in the URL (checkName: 400, as the real server).
  const json renamed = CallJson("PUT", leases + "/other", second.dump());
  EXPECT_EQ(renamed["code"], 400);
  EXPECT_EQ(renamed["message"],
            "the name of the object (leader) does not match the name on the URL (other)");
  // No name at all: 422 Invalid with its cause.
  const json nameless = CallJson("POST", leases, R"({"metadata":{},"spec":{}})");
  EXPECT_EQ(nameless["code"], 422);
  EXPECT_EQ(nameless["reason"], "Invalid");
  EXPECT_EQ(nameless["message"],
            "Lease.coordination.k8s.io \"\" is invalid: metadata.name: Required value: name or "
            "generateName is required");
  EXPECT_EQ(nameless["details"]["causes"][0]["field"], "metadata.name");
  // generateName is honoured.
  const json generated = CallJson("POST", leases, R"({"metadata":{"generateName":"leader-"}})");
  EXPECT_TRUE(absl::StartsWith(generated["metadata"]["name"].get<std::string>(), "leader-"));
  EXPECT_EQ(generated["metadata"]["name"].get<std::string>().size(), 12u);
}

TEST_F(FakeKubeApiTest, MergeStrategicAndJsonPatches) {
  api_.Put({{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", "state"}, {"namespace", "shop"}}},
            {"data", {{"a", "1"}, {"b", "2"}}}});
  const std::string path = "/api/v1/namespaces/shop/configmaps/state";
  const int64_t before = api_.ResourceVersion();

  json merged =
      CallJson("PATCH", path, R"({"data":{"a":null,"c":"3"}})", "application/merge-patch+json");
  EXPECT_EQ(merged["data"], json({{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(merged["metadata"]["resourceVersion"], absl::StrCat(before + 1));
  merged =
      CallJson("PATCH", path, R"({"data":{"b":"20"}})", "application/strategic-merge-patch+json");
  EXPECT_EQ(merged["data"], json({{"b", "20"}, {"c", "3"}}));

  const json patched = CallJson("PATCH", path,
                                R"([{"op":"test","path":"/data/b","value":"20"},
                                    {"op":"replace","path":"/data/b","value":"21"},
                                    {"op":"add","path":"/data/d","value":"4"},
                                    {"op":"remove","path":"/data/c"}])",
                                "application/json-patch+json");
  EXPECT_EQ(patched["data"], json({{"b", "21"}, {"d", "4"}}));

  const http::HttpResponse failed_test =
      Call("PATCH", path, R"([{"op":"test","path":"/data/b","value":"0"}])",
           "application/json-patch+json");
  EXPECT_EQ(failed_test.status, 422);
  EXPECT_EQ(json::parse(failed_test.body)["message"],
            "the server rejected our request due to an error in our request");
  // A patch that names a stale resourceVersion is a precondition, as on the real server.
  const json stale = CallJson(
      "PATCH", path,
      absl::StrCat(R"({"metadata":{"resourceVersion":")", before, R"("},"data":{"x":"1"}})"),
      "application/merge-patch+json");
  EXPECT_EQ(stale["reason"], "Conflict");
  EXPECT_EQ(Call("PATCH", path, "{}", "application/json").status, 415);
  EXPECT_EQ(api_.Get(path).value()["data"], json({{"b", "21"}, {"d", "4"}}));
}

TEST_F(FakeKubeApiTest, ScaleSubresourceReadsAndPatchesReplicas) {
  api_.Put(TestDeployment("web", 3, 2));
  const std::string scale_path = "/apis/apps/v1/namespaces/shop/deployments/web/scale";
  const json deployment = *api_.Get("/apis/apps/v1/namespaces/shop/deployments/web");
  EXPECT_EQ(deployment["metadata"]["generation"], 1);

  const json scale = CallJson("GET", scale_path);
  EXPECT_EQ(scale, json({{"kind", "Scale"},
                         {"apiVersion", "autoscaling/v1"},
                         {"metadata",
                          {{"name", "web"},
                           {"namespace", "shop"},
                           {"uid", deployment["metadata"]["uid"]},
                           {"resourceVersion", deployment["metadata"]["resourceVersion"]},
                           {"creationTimestamp", deployment["metadata"]["creationTimestamp"]}}},
                         {"spec", {{"replicas", 3}}},
                         {"status", {{"replicas", 2}, {"selector", "app=web,tier=front"}}}}));

  const json patched =
      CallJson("PATCH", scale_path, R"({"spec":{"replicas":5}})", "application/merge-patch+json");
  EXPECT_EQ(patched["kind"], "Scale");
  EXPECT_EQ(patched["spec"]["replicas"], 5);
  EXPECT_EQ(patched["status"]["replicas"], 2);  // status is the controller's business
  const json after = *api_.Get("/apis/apps/v1/namespaces/shop/deployments/web");
  EXPECT_EQ(after["spec"]["replicas"], 5);
  EXPECT_EQ(after["metadata"]["generation"], 2);
  EXPECT_EQ(patched["metadata"]["resourceVersion"], after["metadata"]["resourceVersion"]);

  // PUT of a Scale with a stale resourceVersion conflicts on the deployment.
  const json stale = CallJson("PUT", scale_path, scale.dump());
  EXPECT_EQ(stale["reason"], "Conflict");
  EXPECT_EQ(stale["details"]["kind"], "deployments");
  // Scaling to zero: autoscaling/v1 omits a zero spec.replicas.
  const json zero =
      CallJson("PATCH", scale_path, R"({"spec":{"replicas":0}})", "application/merge-patch+json");
  EXPECT_EQ(zero["spec"], json::object());

  json statefulset = TestDeployment("db", 1, 1);
  statefulset["kind"] = "StatefulSet";
  api_.Put(statefulset);
  EXPECT_EQ(
      CallJson("GET", "/apis/apps/v1/namespaces/shop/statefulsets/db/scale")["status"]["selector"],
      "app=db,tier=front");
  EXPECT_EQ(Call("GET", "/apis/apps/v1/namespaces/shop/deployments/web/status").status, 404);
}

TEST_F(FakeKubeApiTest, WatchSeesAddedModifiedDeletedThenABookmark) {
  api_.Put(TestPod("db-1", {{"app", "db"}}));
  const int64_t from = api_.ResourceVersion();
  WatchCall watch(api_, absl::StrCat("/api/v1/namespaces/shop/pods?watch=1&resourceVersion=", from,
                                     "&allowWatchBookmarks=true&labelSelector=app%3Dweb"));
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kWait));

  api_.Put(TestPod("web-1", {{"app", "web"}}));
  json modified = TestPod("web-1", {{"app", "web"}});
  modified["status"]["phase"] = "Succeeded";
  api_.Put(modified);
  api_.Put(TestPod("db-2", {{"app", "db"}}));  // not selected: no event
  EXPECT_TRUE(api_.Remove("/api/v1/namespaces/shop/pods/web-1"));
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  api_.Put(TestPod("web-2", {{"app", "other"}}));  // leaves the selection: DELETED
  api_.SendBookmarks();
  api_.CloseWatches();

  const std::vector<json> events = watch.Finish();
  ASSERT_EQ(Types(events), (std::vector<std::string>{"ADDED", "MODIFIED", "DELETED", "ADDED",
                                                     "DELETED", "BOOKMARK"}));
  EXPECT_EQ(events[0]["object"]["kind"], "Pod");  // watch objects carry kind and apiVersion
  EXPECT_EQ(events[0]["object"]["apiVersion"], "v1");
  EXPECT_EQ(events[1]["object"]["status"]["phase"], "Succeeded");
  EXPECT_EQ(events[2]["object"]["metadata"]["name"], "web-1");
  EXPECT_EQ(events[4]["object"]["metadata"]["labels"]["app"], "web");  // as it was
  // Events come in resourceVersion order; the bookmark is at the last one.
  int64_t last = from;
  for (const json& e : events) {
    int64_t rv = 0;
    ASSERT_TRUE(
        absl::SimpleAtoi(e["object"]["metadata"]["resourceVersion"].get<std::string>(), &rv));
    if (e["type"] == "BOOKMARK") {
      EXPECT_EQ(rv, last) << e.dump();
    } else {
      EXPECT_GT(rv, last) << e.dump();
    }
    last = rv;
  }
  EXPECT_EQ(
      events.back().dump(),
      absl::StrCat(R"({"object":{"apiVersion":"v1","kind":"Pod","metadata":)",
                   R"({"resourceVersion":")", api_.ResourceVersion(), R"("}},"type":"BOOKMARK"})"));
  EXPECT_EQ(api_.OpenWatchCount(), 0);
}

TEST_F(FakeKubeApiTest, WatchWithoutResourceVersionStartsWithTheState) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  WatchCall watch(api_,
                  "/api/v1/namespaces/shop/pods?watch=true&fieldSelector=metadata.name%3Dweb-2");
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kWait));
  api_.CloseWatches();
  const std::vector<json> events = watch.Finish();
  ASSERT_EQ(Types(events), (std::vector<std::string>{"ADDED"}));
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "web-2");
}

TEST_F(FakeKubeApiTest, ExpiredResourceVersionGetsA410ErrorEvent) {
  api_.Put(TestPod("web-1", {{"app", "web"}}));
  const int64_t old = api_.ResourceVersion();
  api_.Put(TestPod("web-2", {{"app", "web"}}));
  api_.CompactHistory();
  const int64_t now = api_.ResourceVersion();
  // The server ends this stream by itself, after the one event.
  WatchCall watch(api_,
                  absl::StrCat("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=", old));
  const std::vector<json> events = watch.Finish();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0],
            json::parse(absl::StrCat(
                R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",)",
                R"("metadata":{},"status":"Failure","message":"too old resource )", R"(version: )",
                old, " (", now, R"x()","reason":"Expired","code":410}})x")));
  // From the current version the watch is fine.
  WatchCall current(api_,
                    absl::StrCat("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=", now));
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kWait));
  api_.Put(TestPod("web-3", {{"app", "web"}}));
  api_.CloseWatches();
  EXPECT_EQ(Types(current.Finish()), (std::vector<std::string>{"ADDED"}));
}

TEST_F(FakeKubeApiTest, TimeoutSecondsEndsTheStreamServerSide) {
  WatchCall watch(api_,
                  "/api/v1/namespaces/shop/pods?watch=true&timeoutSeconds=1&resourceVersion=1");
  EXPECT_TRUE(watch.Finish().empty());
  EXPECT_EQ(api_.OpenWatchCount(), 0);
}

TEST_F(FakeKubeApiTest, DestructionEndsOpenWatches) {
  TestDir dir;
  auto api = std::make_unique<FakeKubeApi>(dir.path().string());
  std::vector<std::unique_ptr<WatchCall>> watches;
  for (int i = 0; i < 3; ++i) {
    watches.push_back(std::make_unique<WatchCall>(*api, "/api/v1/pods?watch=true"));
  }
  ASSERT_TRUE(api->WaitForOpenWatches(3, kWait));
  const absl::Time start = absl::Now();
  api.reset();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  for (auto& watch : watches) watch->Finish();
}

TEST_F(FakeKubeApiTest, DenyIsA403InRbacWords) {
  api_.Deny("list", "", "pods", "shop");
  const http::HttpResponse denied = Call("GET", "/api/v1/namespaces/shop/pods");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"pods is forbidden: User \"system:serviceaccount:limiar:limiar\" cannot )"
            R"(list resource \"pods\" in API group \"\" in the namespace \"shop\"",)"
            R"("reason":"Forbidden","details":{"kind":"pods"},"code":403})");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/other/pods").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/shop/pods/x").status, 404);  // get is allowed

  api_.Deny("patch", "apps", "deployments/scale", "");
  const json scale = CallJson("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale",
                              R"({"spec":{"replicas":1}})", "application/merge-patch+json");
  EXPECT_EQ(scale["message"],
            "deployments.apps \"web\" is forbidden: User \"system:serviceaccount:limiar:limiar\" "
            "cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace "
            "\"shop\"");
  EXPECT_EQ(scale["details"], json({{"name", "web"}, {"group", "apps"}, {"kind", "deployments"}}));
}

TEST_F(FakeKubeApiTest, RequestsWithoutTheTokenAre401) {
  const std::string expected =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"("message":"Unauthorized","reason":"Unauthorized","code":401})";
  http::HttpRequest request;
  request.url = api_.base_url() + "/api/v1/namespaces/shop/pods";
  request.ca_file = api_.ca_file();
  absl::StatusOr<http::HttpResponse> none = client_.Send(request);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->body, expected);
  request.bearer_token = "wrong";
  absl::StatusOr<http::HttpResponse> wrong = client_.Send(request);
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(wrong->status, 401);
}

TEST_F(FakeKubeApiTest, FailNextInjectsTransientErrors) {
  api_.FailNext("/api/v1/namespaces/shop/pods", 2, 503);
  api_.FailNext("/apis/apps", 1, 429);
  EXPECT_EQ(CallJson("GET", "/api/v1/namespaces/shop/pods")["reason"], "ServiceUnavailable");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/shop/pods").status, 503);
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/shop/pods").status, 200);
  const json throttled = CallJson("GET", "/apis/apps/v1/namespaces/shop/deployments");
  EXPECT_EQ(throttled["code"], 429);
  EXPECT_EQ(throttled["details"]["retryAfterSeconds"], 1);
  EXPECT_EQ(Call("GET", "/apis/apps/v1/namespaces/shop/deployments").status, 200);
}

TEST_F(FakeKubeApiTest, RecordsRequests) {
  Call("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale?fieldManager=limiar",
       R"({"spec":{"replicas":2}})", "application/merge-patch+json");
  const std::vector<KubeApiRequest> requests = api_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].path, "/apis/apps/v1/namespaces/shop/deployments/web/scale");
  EXPECT_EQ(requests[0].params, (std::map<std::string, std::string>{{"fieldManager", "limiar"}}));
  EXPECT_EQ(requests[0].content_type, "application/merge-patch+json");
  EXPECT_EQ(requests[0].body, R"({"spec":{"replicas":2}})");
}

TEST_F(FakeKubeApiTest, PodMetricsAsMetricsServerServesThem) {
  api_.Put(TestPodMetrics("web-1", "250m"));
  const json list =
      CallJson("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb");
  EXPECT_EQ(list["kind"], "PodMetricsList");
  EXPECT_EQ(list["apiVersion"], "metrics.k8s.io/v1beta1");
  EXPECT_EQ(list["metadata"], json::object());
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["containers"][0]["usage"]["cpu"], "250m");
  EXPECT_FALSE(list["items"][0]["metadata"].contains("resourceVersion"));
  EXPECT_EQ(CallJson("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1")["kind"],
            "PodMetrics");
  const json watch =
      CallJson("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?watch=true");
  EXPECT_EQ(watch["code"], 405);
  EXPECT_EQ(watch["message"],
            "watch is not supported on resources of kind \"pods.metrics.k8s.io\"");
}

TEST_F(FakeKubeApiTest, BodiesAreBounded) {
  const std::string configmaps = "/api/v1/namespaces/shop/configmaps";
  const json big = CallJson("POST", configmaps, std::string(3 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(big["code"], 413);
  EXPECT_EQ(big["reason"], "RequestEntityTooLarge");
  const json deep = CallJson("POST", configmaps, std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(deep["code"], 400);
}

TEST_F(FakeKubeApiTest, DeleteAnswersAndTellsWatches) {
  api_.Put({{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", "state"}, {"namespace", "shop"}}}});
  const std::string path = "/api/v1/namespaces/shop/configmaps/state";
  const json stale = CallJson("DELETE", path, R"({"preconditions":{"resourceVersion":"1"}})");
  EXPECT_EQ(stale["reason"], "Conflict");
  const json deleted = CallJson("DELETE", path);
  EXPECT_EQ(deleted["status"], "Success");
  EXPECT_EQ(deleted["details"]["name"], "state");
  EXPECT_EQ(CallJson("DELETE", path)["code"], 404);
  EXPECT_FALSE(api_.Get(path).has_value());
}

TEST_F(FakeKubeApiTest, WritesAKubeconfig) {
  const std::string path = dir_ / "kubeconfig";
  api_.WriteKubeconfig(path, "shop");
  const json config = json::parse(ReadRegularFile(path, 1 << 20, "the kubeconfig").value());
  EXPECT_EQ(config["current-context"], "fake");
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"], api_.base_url());
  EXPECT_EQ(config["clusters"][0]["cluster"]["certificate-authority"], api_.ca_file());
  EXPECT_EQ(config["users"][0]["user"]["token"], api_.token());
  EXPECT_EQ(config["contexts"][0]["context"]["namespace"], "shop");
}

}  // namespace
}  // namespace limiar::testing
