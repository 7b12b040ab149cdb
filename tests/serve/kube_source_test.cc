// `limiar serve` with a target whose replicas and cpu come from the `kubernetes` source
// (pod_metrics_cpu) and whose `kubernetes` actuator scales the same Deployment, both against
// one fake API server: the whole path a user runs in a cluster, through the real binary.
// The test plays the cluster's other parts: the Deployment controller (pods come and go)
// and metrics-server (PodMetrics, published afresh while the test waits).
#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/serve/kube_serve_fixture.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

// A pod of TestDeployment("web") requesting 500m of cpu, started at `started`, Ready 10 s
// later. One started more than 300 s ago is past HPA's cpu-initialization period; a
// younger one counts as ready once its PodMetrics are newer than its readiness plus their
// window (15 s).
json WebPod(const std::string& name, absl::Time started) {
  return testing::TestWebPod(name, /*ready=*/true, "500m", Rfc3339(started),
                             Rfc3339(started + absl::Seconds(10)));
}

class KubeSourceServeTest : public KubeServeTest {
 protected:
  KubeSourceServeTest() : KubeServeTest(3) {}

  // PodMetrics listed every second, and a 2 s metric window (a pod's cpu is its mean over
  // it), so that a change of usage shows within seconds; a pod whose PodMetrics stop for
  // longer goes missing.
  json Config() const {
    json config = KubeServeConfig();
    config.update({{"store", {{"metric_window_s", 2}}},
                   {"sources",
                    {{"web",
                      {{"kubernetes",
                        {{"kind", "Deployment"},
                         {"name", "web"},
                         {"namespace", "shop"},
                         {"metric", "pod_metrics_cpu"},
                         {"interval_s", 1}}}}}}}});
    return config;
  }

  std::unique_ptr<ServeProcess> Start() {
    return StartServe(dir_, TestData("kube_cpu.json"), Config());
  }

  // The Deployment controller starts a pod; metrics-server reports it using `cpu`.
  void AddPod(const std::string& name, absl::Time started, const std::string& cpu) {
    api_.Put(WebPod(name, started));
    usage_[name] = cpu;
    PublishMetrics();
  }
  void RemovePod(const std::string& name) {
    usage_.erase(name);
    ASSERT_TRUE(api_.Remove(testing::FakeKubeApi::ObjectPath(WebPod(name, absl::Now()))));
    api_.Remove(testing::FakeKubeApi::ObjectPath(testing::TestWebPodMetrics(name, "0")));
  }
  // What metrics-server does on its own every few seconds: each pod's usage, stamped now.
  void PublishMetrics() {
    for (const auto& [pod, cpu] : usage_) {
      json m = testing::TestWebPodMetrics(pod, cpu);
      m["timestamp"] = Rfc3339(absl::Now());
      api_.Put(std::move(m));
    }
  }

  // Waits until `done`, publishing PodMetrics afresh meanwhile, as metrics-server would.
  bool WaitFresh(ServeProcess& serve, const std::function<bool()>& done) {
    const auto fresh = [&] {
      PublishMetrics();
      return done();
    };
    return serve.WaitUntil(fresh, kWait, absl::Milliseconds(100)).ok();
  }
  // Until serve has scaled the Deployment to `replicas`.
  bool WaitForSpecReplicas(ServeProcess& serve, int replicas) {
    return WaitFresh(serve, [&] { return SpecReplicas() == replicas; });
  }
  // Until a decision of web from now on contains `wanted`.
  bool WaitForDecision(ServeProcess& serve, const std::string& wanted) {
    const size_t from = serve.LineCount();
    return WaitFresh(serve, [&] {
      const std::vector<std::string> lines = serve.Lines();
      return std::any_of(lines.begin() + static_cast<std::ptrdiff_t>(from), lines.end(),
                         [&](const std::string& l) {
                           return IsDecision(l, "web") && absl::StrContains(l, wanted);
                         });
    });
  }

  void ExpectRefusedListLogged(const std::string& group);

  std::map<std::string, std::string> usage_;  // pod -> its cpu, as metrics-server has it
};

// desired = ceil(ready pods * utilization / 50%), utilization = sum(usage) / sum(requests)
// of the pods with PodMetrics, each requesting 500m; 0.1 tolerance; 2..20 replicas; the
// legacy scale-up limit max(2 x current, 4) never binds here; no scale-down window.
TEST_F(KubeSourceServeTest, ScalesTheDeploymentOnItsPodsCpuAsPodsComeAndGo) {
  const absl::Time long_ago = absl::Now() - absl::Minutes(10);
  for (const char* pod : {"web-0", "web-1", "web-2"}) AddPod(pod, long_ago, "400m");
  std::unique_ptr<ServeProcess> serve = Start();
  ASSERT_NE(serve, nullptr);

  // 3 pods at 400m of 500m: 80%, ratio 1.6, ceil(3 x 1.6) = ceil(4.8) = 5.
  ASSERT_TRUE(WaitForSpecReplicas(*serve, 5)) << SpecReplicas() << serve->Log();
  std::optional<std::string> up = serve->WaitForLine("decision web: 3 -> 5", 0);
  ASSERT_TRUE(up.has_value()) << serve->Log();
  EXPECT_THAT(*up, HasSubstr("cpu at 80% of 50% target"));
  EXPECT_THAT(*up, HasSubstr("[actuated]"));
  // Steady: the same pods ask for the count they have now. (Waits are for a holding
  // decision, not for a scale line: a tick may fall between two pod events and take a
  // step on the way.)
  ASSERT_TRUE(WaitForDecision(*serve, "cpu at 80% of 50% target: holding 5")) << serve->Log();
  EXPECT_THAT(RunLimiar({"status", "--server", serve->grpc_address()}).output,
              HasSubstr("cpu at 80% of 50% target"));

  // Two more pods start (a minute ago, as the Deployment controller would) and take as
  // much load: 5 pods at 80%, ceil(5 x 1.6) = 8. Had they not counted, it would stay 5.
  const absl::Time a_minute_ago = absl::Now() - absl::Minutes(1);
  AddPod("web-3", a_minute_ago, "400m");
  AddPod("web-4", a_minute_ago, "400m");
  ASSERT_TRUE(WaitForSpecReplicas(*serve, 8)) << SpecReplicas() << serve->Log();
  ASSERT_TRUE(WaitForDecision(*serve, "cpu at 80% of 50% target: holding 8")) << serve->Log();

  // Those two are deleted: 3 pods at 80% again, 5. Had they lingered (in the store, or as
  // pods without metrics, which a scale-down counts at 100%), 8 would be held.
  RemovePod("web-3");
  RemovePod("web-4");
  ASSERT_TRUE(WaitForSpecReplicas(*serve, 5)) << SpecReplicas() << serve->Log();
  ASSERT_TRUE(WaitForDecision(*serve, "cpu at 80% of 50% target: holding 5")) << serve->Log();

  // The load falls to 100m a pod: 20%, ceil(3 x 0.4) = 2, the minimum. (On the way the
  // 2 s mean mixes the old usage with the new, so the count may step down through 4 and 3.)
  for (const char* pod : {"web-0", "web-1", "web-2"}) usage_[pod] = "100m";
  ASSERT_TRUE(WaitForSpecReplicas(*serve, 2)) << SpecReplicas() << serve->Log();
  EXPECT_TRUE(WaitForDecision(*serve, "cpu at 20% of 50% target: holding 2")) << serve->Log();
}

// A service account that may not list the pods of `group` ("" for the informer's pods,
// metrics.k8s.io for PodMetrics) gets the rule to grant in serve's log, and serve keeps
// running: it decides on (holding, without metrics) and answers on its endpoints.
void KubeSourceServeTest::ExpectRefusedListLogged(const std::string& group) {
  AddPod("web-0", absl::Now() - absl::Minutes(10), "400m");
  api_.Deny("list", group, "pods", "shop");
  std::unique_ptr<ServeProcess> serve = Start();
  ASSERT_NE(serve, nullptr);
  std::optional<std::string> said = serve->WaitForLine("grant `list` on `pods` in `shop`", 0);
  ASSERT_TRUE(said.has_value()) << serve->Log();
  EXPECT_THAT(*said, HasSubstr("kubernetes source of web"));
  EXPECT_THAT(*said, HasSubstr(absl::StrCat("apiGroups [\"", group, "\"]")));
  ASSERT_TRUE(serve->WaitForLine("decision web: 3 -> 3", serve->LineCount())) << serve->Log();
  EXPECT_EQ(HttpGet(serve->http_port(), "/metrics").status, 200);
  EXPECT_EQ(SpecReplicas(), 3);
}

TEST_F(KubeSourceServeTest, PodsListRefusedIsLoggedWithTheGrant) { ExpectRefusedListLogged(""); }

TEST_F(KubeSourceServeTest, PodMetricsListRefusedIsLoggedWithTheGrant) {
  ExpectRefusedListLogged("metrics.k8s.io");
}

}  // namespace
}  // namespace limiar::serve_test
