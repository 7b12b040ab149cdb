// The kubernetes source against the fake API server: the selector from /scale, pods
// appearing, turning ready, being deleted mid-watch, a watch expiring; PodMetrics into the
// store; 404, 403 and a missing request named. Waits are on the informer's generation,
// bounded, never sleeps.
#include "src/metrics/kubernetes/kube_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/metrics/kubernetes/kube_poller.h"
#include "src/metrics/kubernetes/kube_replicas.h"
#include "src/metrics/kubernetes/kube_scrape.h"
#include "src/metrics/prometheus/prometheus_selector.h"
#include "src/policy/hpa/hpa_policy.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/kube/fake_cluster.h"
#include "tests/support/local_http_server.h"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;
using ::limiar::testing::TestDeployment;
using ::limiar::testing::TestWebPod;
using ::limiar::testing::TestWebPodMetrics;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::Duration kBound = absl::Seconds(30);  // a bound on waits, never a sleep
// The PodMetrics' timestamp; the polls happen a little after it.
const absl::Time kT = absl::FromUnixSeconds(1714557600);  // 2024-05-01T10:00:00Z

std::string PodPath(const std::string& name) { return "/api/v1/namespaces/shop/pods/" + name; }

const NamespacePodsOptions kQuickRetries = {.initial_backoff = absl::Milliseconds(10),
                                            .max_backoff = absl::Milliseconds(100)};

class KubeSourceTest : public kube::FakeClusterTest {
 protected:
  KubeSourceTest() { api_.Put(TestDeployment("web", 3, 3)); }

  std::unique_ptr<KubePodSource> Source(const std::string& name = "web") {
    KubeSourceConfig config;
    config.scale_target.group = "apps";
    config.scale_target.resource = "deployments";
    config.scale_target.namespace_name = "shop";
    config.scale_target.name = name;
    config.max_pods = 10;
    return std::make_unique<KubePodSource>(
        "web", config, client_.get(), &store_,
        KubeSourceOptions{.capacity_per_replica = 0.5, .pods = kQuickRetries});
  }

  static std::vector<std::string> Names(const KubePodSource& source, bool ready_only = false) {
    std::vector<std::string> names;
    const std::shared_ptr<const std::vector<PodReplica>> replicas = source.Replicas();
    if (replicas == nullptr) return names;  // not listed yet
    for (const PodReplica& r : *replicas) {
      if (!ready_only || r.ready) names.push_back(r.name);
    }
    return names;
  }

  // Waits on the pod informer until `pred` holds.
  template <typename Pred>
  void WaitUntil(const KubePodSource& source, Pred pred) {
    const absl::Time give_up = absl::Now() + kBound;
    uint64_t generation = source.PodGeneration();
    while (!pred() && absl::Now() < give_up) {
      generation = source.WaitForPodChange(generation, absl::Seconds(1));
    }
    ASSERT_TRUE(pred()) << "not reached within " << kBound;
  }

  // Polls at kT, waits until the pod informer holds `pods` pods, and polls again at
  // kT + 15 s (the PodMetrics interval), so that the metrics of those pods are in.
  void PollWhenListed(KubePodSource& source, size_t pods) {
    ASSERT_TRUE(source.Poll(kT).ok());
    WaitUntil(source, [&] { return Names(source).size() == pods; });
    ASSERT_TRUE(source.Poll(kT + absl::Seconds(15)).ok()) << source.Status().metrics_error;
  }

  // The store's cpu replicas of "web" at `now`: id -> value (nullopt: missing).
  std::map<std::string, std::optional<double>> Observed(absl::Time now) {
    policy::TargetPolicy target;
    target.target = "web";
    target.metrics.push_back({.metric = policy::MetricType::kCpu, .capacity_per_replica = 0.5});
    std::vector<policy::MetricObservation> out;
    EXPECT_TRUE(store_.Observe(target, now, &out).ok());
    std::map<std::string, std::optional<double>> values;
    if (out.empty()) return values;
    for (const policy::ReplicaSample& r : out[0].replicas) values[r.replica_id] = r.value;
    return values;
  }

  SampleStore store_;
};

TEST_F(KubeSourceTest, SelectorFromScaleThenPodsAppearTurnReadyAndGo) {
  api_.Put(TestWebPod("web-1", true));
  api_.Put(limiar::testing::TestPod("db-1", {{"app", "db"}}));
  std::unique_ptr<KubePodSource> source = Source();
  ASSERT_TRUE(source->Poll(kT).ok()) << source->Status().selector_error;
  EXPECT_EQ(source->Status().selector, "app=web,tier=front");
  WaitUntil(*source, [&] { return Names(*source) == std::vector<std::string>{"web-1"}; });

  // A new pod is picked up without a restart; it is not ready until its condition says so.
  api_.Put(TestWebPod("web-2", false));
  WaitUntil(*source, [&] { return Names(*source).size() == 2; });
  EXPECT_THAT(Names(*source, true), ElementsAre("web-1"));
  api_.Put(TestWebPod("web-2", true));
  WaitUntil(*source, [&] { return Names(*source, true).size() == 2; });

  // Being deleted: no longer a replica, though the pod is still there.
  json deleting = TestWebPod("web-1", true);
  deleting["metadata"]["deletionTimestamp"] = "2024-05-01T10:00:05Z";
  api_.Put(deleting);
  WaitUntil(*source, [&] { return Names(*source) == std::vector<std::string>{"web-2"}; });
  api_.Remove(PodPath("web-1"));
  api_.Remove(PodPath("web-2"));
  WaitUntil(*source, [&] { return Names(*source).empty(); });
}

TEST_F(KubeSourceTest, PodMetricsBecomeSamplesAndGonePodsLeaveTheStore) {
  api_.Put(TestWebPod("web-1", true));
  api_.Put(TestWebPod("web-2", true));
  api_.Put(TestWebPod("web-3", false));
  std::unique_ptr<KubePodSource> source = Source();
  ASSERT_TRUE(source->Poll(kT).ok());
  WaitUntil(*source, [&] { return Names(*source).size() == 3; });
  api_.Put(TestWebPodMetrics("web-1", "250m"));        // 250 / 500 x 0.5 cores = 0.25
  api_.Put(TestWebPodMetrics("web-2", "750000000n"));  // 750 / 500 x 0.5 = 0.75
  // web-3 has no PodMetrics yet: missing.
  ASSERT_TRUE(source->Poll(kT + absl::Seconds(20)).ok()) << source->Status().metrics_error;
  EXPECT_EQ(source->Status().samples, 2);
  std::map<std::string, std::optional<double>> seen = Observed(kT + absl::Seconds(20));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_DOUBLE_EQ(*seen["web-1"], 0.25);
  EXPECT_DOUBLE_EQ(*seen["web-2"], 0.75);

  // The first poll came before the pods were listed, so it listed no PodMetrics (pods
  // unknown); one within the interval does not list either.
  EXPECT_EQ(source->Status().metrics_polls, 1);
  ASSERT_TRUE(source->Poll(kT + absl::Seconds(25)).ok());
  EXPECT_EQ(source->Status().metrics_polls, 1);

  // web-2 deleted mid-watch: dropped from the store at the next poll, not after max_age.
  api_.Remove(PodPath("web-2"));
  WaitUntil(*source, [&] { return Names(*source).size() == 2; });
  ASSERT_TRUE(source->Poll(kT + absl::Seconds(26)).ok());
  seen = Observed(kT + absl::Seconds(26));
  EXPECT_EQ(seen.count("web-2"), 0u);
  EXPECT_EQ(seen.count("web-1"), 1u);
}

TEST_F(KubeSourceTest, ExpiredWatchRelistsWithoutLosingAChange) {
  api_.Put(TestWebPod("web-1", true));
  std::unique_ptr<KubePodSource> source = Source();
  ASSERT_TRUE(source->Poll(kT).ok());
  WaitUntil(*source, [&] { return Names(*source).size() == 1; });
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));

  // While no watch runs, web-1 goes and web-2 comes; the history is gone (410 on resume).
  api_.CompactHistory();
  api_.CloseWatches();
  api_.Remove(PodPath("web-1"));
  api_.Put(TestWebPod("web-2", true));
  api_.CompactHistory();
  WaitUntil(*source, [&] { return Names(*source) == std::vector<std::string>{"web-2"}; });
  EXPECT_GE(source->Status().pods.lists, 1);
}

TEST_F(KubeSourceTest, MissingTargetIsNamed) {
  std::unique_ptr<KubePodSource> source = Source("nope");
  const absl::Status s = source->Poll(kT);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("kubernetes source of web: reading the scale subresource of "
                                     "deployments.apps shop/nope"));
  EXPECT_THAT(s.message(), HasSubstr("nope"));
  EXPECT_EQ(source->Status().selector_error, s);
  // Retried at the next poll, not only after selector_refresh: the target appears.
  api_.Put(TestDeployment("nope", 1, 1));
  EXPECT_TRUE(source->Poll(kT + absl::Seconds(1)).ok());
}

TEST_F(KubeSourceTest, ForbiddenNamesTheGrant) {
  api_.Deny("get", "apps", "deployments/scale", "shop");
  const absl::Status s = Source()->Poll(kT);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("grant `get` on `deployments/scale` in `shop`"));
  EXPECT_THAT(s.message(), HasSubstr("apiGroups [\"apps\"]"));
}

// The pod informer's list refused: Poll says so (it used to wait in silence, unsynced).
TEST_F(KubeSourceTest, ForbiddenPodsListNamesTheGrant) {
  api_.Put(TestWebPod("web-1", true));
  api_.Deny("list", "", "pods", "shop");
  std::unique_ptr<KubePodSource> source = Source();
  // Starts the informer; whether its list has failed by the end of this Poll is a race.
  (void)source->Poll(kT);
  WaitUntil(*source, [&] { return source->Status().pods.failures > 0; });
  const absl::Status later = source->Poll(kT + absl::Seconds(1));
  EXPECT_EQ(later.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(later.message(), HasSubstr("kubernetes source of web: listing the pods"));
  EXPECT_THAT(later.message(), HasSubstr("grant `list` on `pods` in `shop`"));
}

// The watch refused once the pods were listed: the pods stay (stale) and Poll says why.
TEST_F(KubeSourceTest, ForbiddenPodsWatchAfterTheListNamesTheGrant) {
  api_.Put(TestWebPod("web-1", true));
  std::unique_ptr<KubePodSource> source = Source();
  ASSERT_TRUE(source->Poll(kT).ok());
  WaitUntil(*source, [&] { return Names(*source).size() == 1; });
  ASSERT_TRUE(api_.WaitForOpenWatches(1, kBound));
  api_.Deny("watch", "", "pods", "shop");
  api_.CloseWatches();
  WaitUntil(*source, [&] { return source->Status().pods.failing; });
  const absl::Status later = source->Poll(kT + absl::Seconds(1));
  EXPECT_EQ(later.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(later.message(), HasSubstr("kubernetes source of web: following the pods"));
  EXPECT_THAT(later.message(), HasSubstr("grant `watch` on `pods` in `shop`"));
  EXPECT_THAT(Names(*source), ElementsAre("web-1"));
}

TEST_F(KubeSourceTest, ForbiddenPodMetricsNamesTheGrant) {
  api_.Put(TestWebPod("web-1", true));
  api_.Deny("list", "metrics.k8s.io", "pods", "shop");
  std::unique_ptr<KubePodSource> source = Source();
  // Starts the informer; whether it has listed, and PodMetrics been asked, by the end of
  // this Poll is a race.
  (void)source->Poll(kT);
  // The pods are followed: only the metrics are refused.
  WaitUntil(*source, [&] { return Names(*source).size() == 1; });
  const absl::Status later = source->Poll(kT + absl::Seconds(1));
  EXPECT_EQ(later.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(source->Status().metrics_error, later);
  EXPECT_THAT(later.message(), HasSubstr("listing PodMetrics"));
  EXPECT_THAT(later.message(), HasSubstr("apiGroups [\"metrics.k8s.io\"]"));
  EXPECT_THAT(later.message(), HasSubstr("grant `list` on `pods` in `shop`"));
}

TEST_F(KubeSourceTest, MissingRequestMakesCpuUnavailableWithAReason) {
  api_.Put(TestWebPod("web-1", true));
  api_.Put(TestWebPod("web-2", true, ""));
  api_.Put(TestWebPodMetrics("web-1", "100m"));
  std::unique_ptr<KubePodSource> source = Source();
  (void)source->Poll(kT);  // starts the informer; its pods may be listed in time (a race)
  WaitUntil(*source, [&] { return Names(*source).size() == 2; });
  const absl::Status s = source->Poll(kT + absl::Seconds(15));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("missing request for cpu in container app of Pod web-2"));
  EXPECT_TRUE(Observed(kT + absl::Seconds(15)).empty());
}

TEST_F(KubeSourceTest, TooManyPodsFailLoudly) {
  for (int i = 0; i < 11; ++i) api_.Put(TestWebPod("web-" + std::to_string(i), true));
  std::unique_ptr<KubePodSource> source = Source();  // max_pods 10
  (void)source->Poll(kT);                            // starts the namespace's pod watch
  WaitUntil(*source, [&] { return source->Status().pods.synced; });
  const absl::Status s = source->Poll(kT + absl::Seconds(1));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("the selector app=web,tier=front matches 11 pods, more than "
                                     "max_pods (10)"));
  EXPECT_EQ(source->Status().matched, 11);
  EXPECT_TRUE(Names(*source).empty());
}

// The namespace's own cap (all its pods, whatever the selectors) fails the list loudly.
TEST_F(KubeSourceTest, ANamespacePastItsPodCapFailsItsList) {
  for (int i = 0; i < 3; ++i) api_.Put(TestWebPod("web-" + std::to_string(i), true));
  KubeSourceConfig config;
  config.scale_target = {
      .group = "apps", .resource = "deployments", .namespace_name = "shop", .name = "web"};
  NamespacePodsOptions cap = kQuickRetries;
  cap.max_pods = 2;
  KubePodSource source("web", config, client_.get(), &store_, {.pods = cap});
  (void)source.Poll(kT);
  WaitUntil(source, [&] { return source.Status().pods.failures > 0; });
  const absl::Status s = source.Poll(kT + absl::Seconds(1));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("listing the pods"));
}

// Scrape mode: the Scraper fetches the ready pods the source finds (prometheus.io
// annotations give each its port), follows a pod that turns ready and one that goes.
TEST_F(KubeSourceTest, ScrapeModeFeedsTheScraperWithReadyPods) {
  testing::CannedHttpServer exporter([](const testing::SeenRequest& r) {
    return testing::CannedResponse{200, "text/plain", "inflight_requests 7\n"};
  });
  ASSERT_TRUE(exporter.ok());
  const auto pod = [&](const std::string& name, bool ready) {
    json p = TestWebPod(name, ready);
    p["status"]["podIP"] = "127.0.0.1";
    p["metadata"]["annotations"] = {{"prometheus.io/port", std::to_string(exporter.port())},
                                    {"prometheus.io/path", "/stats"}};
    return p;
  };
  api_.Put(pod("web-1", true));
  api_.Put(pod("web-2", false));

  KubeSourceConfig config;
  config.scale_target = {
      .group = "apps", .resource = "deployments", .namespace_name = "shop", .name = "web"};
  config.metric = KubeMetricKind::kScrape;
  absl::StatusOr<SeriesSelector> series = SeriesSelector::Parse("inflight_requests");
  ASSERT_TRUE(series.ok());
  config.metrics.push_back(
      {.metric = policy::MetricType::kConnections, .series = *series, .kind = ScrapeKind::kGauge});
  KubePodSource source("web", config, client_.get(), &store_, {.pods = kQuickRetries});
  ManualClock clock(kT);
  Scraper scraper({KubeScrapeTarget(&source)}, &store_, &clock);
  ASSERT_TRUE(source.Poll(kT).ok());
  WaitUntil(source, [&] { return Names(source).size() == 2; });

  const auto scraped = [&](absl::Time now) {
    std::vector<std::string> replicas;
    for (const ScrapeEndpointStatus& e : scraper.Status()) {
      if (e.last_success == now) replicas.push_back(e.replica);
    }
    return replicas;
  };
  EXPECT_EQ(scraper.PollDue(kT), 1);
  EXPECT_THAT(scraped(kT), ElementsAre("web-1"));
  EXPECT_EQ(exporter.requests().at(0).path, "/stats");

  api_.Put(pod("web-2", true));
  WaitUntil(source, [&] { return Names(source, true).size() == 2; });
  const absl::Time t2 = kT + absl::Seconds(15);
  scraper.PollDue(t2);
  EXPECT_THAT(scraped(t2), ElementsAre("web-1", "web-2"));

  api_.Remove(PodPath("web-1"));
  WaitUntil(source, [&] { return Names(source).size() == 1; });
  const absl::Time t3 = kT + absl::Seconds(30);
  scraper.PollDue(t3);
  EXPECT_THAT(scraped(t3), ElementsAre("web-2"));
  policy::TargetPolicy target;
  target.target = "web";
  target.metrics.push_back({.metric = policy::MetricType::kConnections});
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store_.Observe(target, t3, &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 1u);
  EXPECT_EQ(out[0].replicas[0].replica_id, "web-2");
  EXPECT_EQ(out[0].replicas[0].value, 7);
}

// Through KubeReplicaSource the loop sees every pod: a pod without PodMetrics is a missing
// replica (as the HPA counts it), a pending one an unready one.
TEST_F(KubeSourceTest, PodsWithoutMetricsAreMissingReplicas) {
  api_.Put(TestWebPod("web-1", true));
  api_.Put(TestWebPod("web-2", true));
  api_.Put(TestWebPod("web-3", false));
  api_.Put(TestWebPodMetrics("web-1", "250m"));
  std::unique_ptr<KubePodSource> source = Source();
  KubeReplicaSource merged(&store_);
  merged.SetSources({source.get()});
  ASSERT_NO_FATAL_FAILURE(PollWhenListed(*source, 3));

  policy::TargetPolicy target;
  target.target = "web";
  target.metrics.push_back({.metric = policy::MetricType::kCpu, .capacity_per_replica = 0.5});
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(merged.Observe(target, kT + absl::Seconds(15), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].replicas.size(), 3u);
  EXPECT_EQ(out[0].replicas[0].replica_id, "web-1");
  EXPECT_DOUBLE_EQ(*out[0].replicas[0].value, 0.25);
  EXPECT_EQ(out[0].replicas[1].replica_id, "web-2");
  EXPECT_FALSE(out[0].replicas[1].value.has_value());
  EXPECT_TRUE(out[0].replicas[1].ready);
  EXPECT_EQ(out[0].replicas[2].replica_id, "web-3");
  EXPECT_FALSE(out[0].replicas[2].ready);
  EXPECT_EQ(out[0].replicas[2].start_time, absl::FromUnixSeconds(1714557000));  // 09:50:00Z
}

// What the HPA decides on the same pods: two report 400m of a 500m request (80 %), the
// third has no PodMetrics yet. The HPA counts it as missing and, scaling up, as using
// nothing: 800m / 1500m = 53 %, ratio 53/50 = 1.06, within the 0.1 tolerance: stay at 3.
// Had the missing pod been left out, 80/50 = 1.6 of 2 replicas would ask for 4.
TEST_F(KubeSourceTest, HpaOnTheMergedPodsCountsAMissingPodAsTheHpaDoes) {
  for (const char* name : {"web-1", "web-2", "web-3"}) api_.Put(TestWebPod(name, true));
  api_.Put(TestWebPodMetrics("web-1", "400m"));
  api_.Put(TestWebPodMetrics("web-2", "400m"));
  std::unique_ptr<KubePodSource> source = Source();
  KubeReplicaSource merged(&store_);
  merged.SetSources({source.get()});
  ASSERT_NO_FATAL_FAILURE(PollWhenListed(*source, 3));

  policy::TargetPolicy target;
  target.target = "web";
  target.min_replicas = 1;
  target.max_replicas = 10;
  target.metrics.push_back(
      {.metric = policy::MetricType::kCpu, .target_percent = 50, .capacity_per_replica = 0.5});
  std::unique_ptr<policy::Policy> hpa = policy::hpa::MakeHpaPolicy(target);
  const auto decide = [&](MetricSource& metrics) {
    std::vector<policy::MetricObservation> out;
    EXPECT_TRUE(metrics.Observe(target, kT + absl::Seconds(15), &out).ok());
    policy::PolicyInput in{.now = kT + absl::Seconds(15),
                           .current_replicas = 3,
                           .ready_replicas = 3,
                           .min_replicas = 1,
                           .max_replicas = 10,
                           .metrics = out};
    absl::StatusOr<policy::Recommendation> r = hpa->Recommend(in);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->desired_replicas : -1;
  };
  EXPECT_EQ(decide(merged), 3);
  hpa = policy::hpa::MakeHpaPolicy(target);
  EXPECT_EQ(decide(store_), 4);  // the store alone knows only the pods that reported
}

// A changed status.selector is picked up at the next refresh, from the pods already
// followed, and the pod count keeps growing across it (the scraper's discovery relies on
// that).
TEST_F(KubeSourceTest, ChangedSelectorPicksOtherPods) {
  api_.Put(TestWebPod("web-1", true));
  json canary = TestWebPod("canary-1", true);
  canary["metadata"]["labels"] = {{"app", "canary"}};
  api_.Put(canary);
  std::unique_ptr<KubePodSource> source = Source();
  ASSERT_TRUE(source->Poll(kT).ok());
  WaitUntil(*source, [&] { return Names(*source) == std::vector<std::string>{"web-1"}; });
  const uint64_t before = source->PodGeneration();

  json deployment = TestDeployment("web", 3, 3);
  deployment["spec"]["selector"] = {{"matchLabels", {{"app", "canary"}}}};
  api_.Put(deployment);
  ASSERT_TRUE(source->Poll(kT + absl::Seconds(30)).ok());  // not yet due
  EXPECT_EQ(source->Status().selector, "app=web,tier=front");
  ASSERT_TRUE(source->Poll(kT + absl::Seconds(60)).ok());
  EXPECT_EQ(source->Status().selector, "app=canary");
  WaitUntil(*source, [&] { return Names(*source) == std::vector<std::string>{"canary-1"}; });
  EXPECT_GT(source->PodGeneration(), before);
  // The replica that left with the old selector leaves the store's view too.
  ASSERT_TRUE(source->Poll(kT + absl::Seconds(61)).ok());
  EXPECT_EQ(source->Status().replicas, 1);
}

// Every target of a namespace reads the one pod watch the poller opens there, and a pod of
// one target moving leaves the other target's pods, and their generation, as they were.
TEST_F(KubeSourceTest, TargetsOfANamespaceShareOnePodWatch) {
  api_.Put(TestDeployment("api", 1, 1));
  api_.Put(TestWebPod("web-1", true));
  json api_pod = TestWebPod("api-1", true);
  api_pod["metadata"]["labels"]["app"] = "api";
  api_.Put(api_pod);
  const auto target = [](const std::string& name) {
    KubeSourceConfig config;
    config.scale_target = {
        .group = "apps", .resource = "deployments", .namespace_name = "shop", .name = name};
    config.metric = KubeMetricKind::kScrape;  // no PodMetrics: pods only
    return KubePollerTarget{name, config, 0.5};
  };
  ManualClock clock(kT);
  KubePoller poller(NewClient(), {target("web"), target("api")}, &store_, &clock, nullptr,
                    {.pods = kQuickRetries});
  poller.PollAll(kT);
  const KubePodSource& web = *poller.sources()[0];
  const KubePodSource& api = *poller.sources()[1];
  WaitUntil(web, [&] { return Names(web) == std::vector<std::string>{"web-1"}; });
  WaitUntil(api, [&] { return Names(api) == std::vector<std::string>{"api-1"}; });
  EXPECT_TRUE(api_.WaitForOpenWatches(1, kBound));
  EXPECT_EQ(api_.OpenWatchCount(), 1);
  int pod_lists = 0;
  for (const testing::KubeApiRequest& r : api_.Requests()) {
    if (r.method == "GET" && r.path == "/api/v1/namespaces/shop/pods" &&
        !r.params.contains("watch")) {
      ++pod_lists;
    }
  }
  EXPECT_EQ(pod_lists, 1);

  const uint64_t api_generation = api.PodGeneration();
  const uint64_t web_generation = web.PodGeneration();
  api_.Put(TestWebPod("web-2", true));
  WaitUntil(web, [&] { return Names(web).size() == 2; });
  EXPECT_GT(web.PodGeneration(), web_generation);
  EXPECT_EQ(api.PodGeneration(), api_generation);
  EXPECT_THAT(Names(api), ElementsAre("api-1"));
}

// The poller reports a source's failure once, not at every poll, and its recovery.
TEST_F(KubeSourceTest, PollerReportsChangesOnce) {
  KubeSourceConfig config;
  config.scale_target = {
      .group = "apps", .resource = "deployments", .namespace_name = "shop", .name = "api"};
  std::vector<absl::Status> reported;  // the polling thread is not started: PollAll here
  ManualClock clock(kT);
  KubePoller poller(NewClient(), {{"api", config, 0.5}}, &store_, &clock,
                    [&](const std::string& target, const absl::Status& s) {
                      EXPECT_EQ(target, "api");
                      reported.push_back(s);
                    });
  EXPECT_TRUE(poller.ScrapeTargets().empty());
  poller.PollAll(kT);
  poller.PollAll(kT + absl::Seconds(1));
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].code(), absl::StatusCode::kNotFound);
  api_.Put(TestDeployment("api", 1, 1));
  poller.PollAll(kT + absl::Seconds(2));
  poller.PollAll(kT + absl::Seconds(3));
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_TRUE(reported[1].ok()) << reported[1];
}

}  // namespace
}  // namespace limiar::metrics
