// Two copies of `limiar serve` against one (fake) Kubernetes API server, electing a leader
// on a Lease: both ingest and decide, only the holder scales the Deployment, and when the
// holder dies (SIGKILL: no chance to release) the other takes over once the Lease has run
// out, and actuates. A copy stopped with SIGTERM gives the Lease up at once.
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/serve/kube_serve_fixture.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using json = nlohmann::json;

constexpr char kLease[] = "/apis/coordination.k8s.io/v1/namespaces/shop/leases/limiar";
constexpr char kState[] = "/api/v1/namespaces/shop/configmaps/limiar-state";

class LeaderFailoverTest : public KubeServeTest {
 protected:
  LeaderFailoverTest() : KubeServeTest(2) {}

  // A short Lease, so the test takes seconds: 3 s, renewed within 2 s, tried every 0.5 s.
  json Config(const std::string& identity) const {
    json config = KubeServeConfig();
    config.update({{"store", {{"metric_window_s", 2}}},
                   {"leader_election",
                    {{"identity", identity},
                     {"lease_duration_s", 3},
                     {"renew_deadline_s", 2},
                     {"retry_period_s", 0.5}}}});
    return config;
  }

  std::unique_ptr<ServeProcess> Start(const std::string& identity) {
    return StartServe(dir_, TestData("restart.json"), Config(identity),
                      {"--state-file", dir_ / (identity + "-state.json")});
  }

  std::string Holder() const {
    std::optional<json> lease = api_.Get(kLease);
    return lease ? lease->value("/spec/holderIdentity"_json_pointer, "") : "";
  }
  // Whether the state the leader wrote to the cluster has web's last scale-up (its
  // cooldown's start).
  bool ClusterStateHasScaleUp() const {
    std::optional<json> map = api_.Get(kState);
    if (!map) return false;
    const json state = json::parse(map->value("/data/state.json"_json_pointer, "{}"));
    const json::json_pointer at("/targets/web/last_scale_up_ms");
    return state.contains(at) && state.at(at).is_number();
  }
  // SuccessfulRescale Events on web that `identity` created.
  size_t RescaleEventsBy(const std::string& identity) const {
    size_t n = 0;
    for (const testing::KubeApiRequest& r : api_.Requests()) {
      if (r.method != "POST" || r.path != "/apis/events.k8s.io/v1/namespaces/shop/events") continue;
      const json e = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
      n += e.value("reportingInstance", "") == identity &&
           e.value("reason", "") == "SuccessfulRescale" &&
           e.value("/regarding/name"_json_pointer, "") == "web";
    }
    return n;
  }
  size_t ScalePatches() const {
    size_t n = 0;
    for (const testing::KubeApiRequest& r : api_.Requests()) {
      n += r.method == "PATCH" && r.path == std::string(kWebDeployment) + "/scale";
    }
    return n;
  }

  // Pushes `per_replica` requests/s for two replicas to `serve` until a decision of it at or
  // after the push contains `wanted`; returns that decision line.
  std::optional<std::string> PushUntil(ServeProcess& serve, double per_replica,
                                       const std::string& wanted) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const size_t from = serve.LineCount();
      absl::StatusOr<limiar::v1::PushResponse> r =
          Push(serve.grpc_address(), "web", limiar::v1::METRIC_REQUESTS,
               {{"web-0", per_replica}, {"web-1", per_replica}});
      EXPECT_TRUE(r.ok()) << r.status();
      std::optional<std::string> d = serve.WaitForLine(
          [](const std::string& l) { return IsDecisionWithMetrics(l, "web"); }, from);
      if (!d.has_value()) return std::nullopt;
      if (absl::StrContains(*d, wanted)) return d;
    }
    return std::nullopt;
  }
};

TEST_F(LeaderFailoverTest, OnlyTheLeaderActuatesAndAFollowerTakesOverWhenItDies) {
  std::unique_ptr<ServeProcess> a = Start("limiar-a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->WaitForLine("limiar-a leading", 0)) << a->Log();
  std::unique_ptr<ServeProcess> b = Start("limiar-b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->WaitForLine("limiar-b following limiar-a", 0)) << b->Log();
  EXPECT_EQ(Holder(), "limiar-a");

  // Both see the load and decide the same; only the leader scales. The follower is pushed
  // first: once the leader has scaled, the follower sees 6 of 6 and has nothing to hold back.
  ASSERT_TRUE(PushUntil(*b, 150, "[follower: limiar-a leads]")) << b->Log();
  EXPECT_EQ(SpecReplicas(), 2);
  ASSERT_TRUE(PushUntil(*a, 150, "[actuated]")) << a->Log();
  const int scaled_by_a = SpecReplicas();
  EXPECT_GT(scaled_by_a, 2);
  const size_t patches_by_a = ScalePatches();
  // What a successor needs is in the cluster: a's scale event, written after the pass.
  ASSERT_TRUE(a->WaitUntil([&] { return RescaleEventsBy("limiar-a") > 0; }).ok()) << a->Log();
  ASSERT_TRUE(a->WaitUntil([&] { return ClusterStateHasScaleUp(); }).ok())
      << api_.Get(kState).value_or(nullptr).dump() << a->Log();
  EXPECT_THAT(RunLimiar({"status", "--server", a->grpc_address()}).output,
              ::testing::HasSubstr("leader: limiar-a (this copy)"));
  EXPECT_THAT(RunLimiar({"status", "--server", b->grpc_address()}).output,
              ::testing::HasSubstr("leader: limiar-a; limiar-b (this copy) follows"));
  EXPECT_THAT(HttpGet(a->http_port(), "/metrics").body, ::testing::HasSubstr("limiar_leader 1"));
  EXPECT_THAT(HttpGet(b->http_port(), "/metrics").body, ::testing::HasSubstr("limiar_leader 0"));

  // The leader dies without a word; b takes the Lease once it has run out, then actuates.
  const absl::Time killed = absl::Now();
  a->Stop(SIGKILL);
  ASSERT_TRUE(b->WaitForLine("limiar-b leading", 0)) << b->Log();
  ASSERT_TRUE(b->WaitForLine("took over the state of 1 target from ConfigMap shop/limiar-state", 0))
      << b->Log();
  std::cout << "takeover after " << absl::FormatDuration(absl::Now() - killed)
            << " (Lease 3 s, retry 0.5 s)\n";
  EXPECT_EQ(Holder(), "limiar-b");
  ASSERT_TRUE(PushUntil(*b, 250, "[actuated]")) << b->Log();
  EXPECT_GT(SpecReplicas(), scaled_by_a);
  EXPECT_GT(ScalePatches(), patches_by_a);
  EXPECT_TRUE(b->WaitUntil([&] { return RescaleEventsBy("limiar-b") > 0; }).ok()) << b->Log();

  // A copy stopped for good gives the Lease up: nobody holds it afterwards.
  b->Stop(SIGTERM);
  EXPECT_EQ(Holder(), "");
}

// Events the service account may not create do not stop scaling, and say once what to grant.
TEST_F(LeaderFailoverTest, EventsRefusedByRbacAreLoggedWithTheGrant) {
  api_.Deny("create", "events.k8s.io", "events", "shop");
  std::unique_ptr<ServeProcess> a = Start("limiar-a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(PushUntil(*a, 150, "[actuated]")) << a->Log();
  ASSERT_TRUE(a->WaitForLine("Kubernetes Events not recorded", 0)) << a->Log();
  EXPECT_THAT(a->Log(), ::testing::HasSubstr("grant `create` on `events` in `shop`"));
}

// A scale-down the old leader's stabilization window holds stays held by its successor,
// which only ever saw the low load: it seeded its own window with the count it found (as
// the HPA does) and merges in the old leader's history from the ConfigMap, so the takeover
// changes nothing.
TEST_F(LeaderFailoverTest, AHeldScaleDownIsStillHeldAfterATakeover) {
  std::unique_ptr<ServeProcess> a = Start("limiar-a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->WaitForLine("limiar-a leading", 0)) << a->Log();
  ASSERT_TRUE(PushUntil(*a, 150, "[actuated]")) << a->Log();
  ASSERT_TRUE(a->WaitUntil([&] { return ClusterStateHasScaleUp(); }).ok()) << a->Log();

  // The load falls; a holds (stabilization). b starts now: it never sees the high load.
  ASSERT_TRUE(PushUntil(*a, 5, "held at")) << a->Log();
  const int high = SpecReplicas();
  ASSERT_GT(high, 2);
  std::unique_ptr<ServeProcess> b = Start("limiar-b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->WaitForLine("limiar-b following limiar-a", 0)) << b->Log();
  ASSERT_TRUE(PushUntil(*b, 5, "held at")) << b->Log();

  a->Stop(SIGKILL);
  size_t took_over = 0;
  ASSERT_TRUE(b->WaitForLine("took over the state of 1 target", 0, kWait, &took_over)) << b->Log();
  // Several of b's own decisions on the low load, as leader: none scales down.
  for (int i = 0; i < 3; ++i) {
    const size_t from = b->LineCount();
    ASSERT_TRUE(
        Push(b->grpc_address(), "web", limiar::v1::METRIC_REQUESTS, {{"web-0", 5}, {"web-1", 5}})
            .ok());
    std::optional<std::string> d =
        b->WaitForLine([](const std::string& l) { return IsDecisionWithMetrics(l, "web"); }, from);
    ASSERT_TRUE(d.has_value()) << b->Log();
    EXPECT_THAT(*d, ::testing::HasSubstr(absl::StrCat("held at ", high))) << *d;
    EXPECT_THAT(*d, ::testing::Not(::testing::HasSubstr("[actuated]"))) << *d;
  }
  EXPECT_EQ(SpecReplicas(), high);
}

}  // namespace
}  // namespace limiar::serve_test
