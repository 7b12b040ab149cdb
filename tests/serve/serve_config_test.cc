#include "src/serve/serve_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace limiar::serve {
namespace {

using ::testing::HasSubstr;

TEST(ServeConfigTest, KeysAreReadWithTheirDefaultsElsewhere) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"tick_interval_s": 5, "ingest_token_file": "/t", "grpc": {"max_threads": 8},
          "store": {"max_replicas_per_target": 50}, "ingest": {"max_rejections_listed": 3}})",
      "c.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tick_interval, absl::Seconds(5));
  EXPECT_EQ(c->ingest_token_file, "/t");
  EXPECT_EQ(c->grpc.max_threads, 8);
  EXPECT_EQ(c->store.max_replicas_per_target, 50u);
  EXPECT_EQ(c->ingest.max_rejections_listed, 3u);
  EXPECT_EQ(c->store.max_age, absl::Minutes(2));
}

TEST(ServeConfigTest, LeaderElectionAndClusterAccess) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(R"({})", "c.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->leader_election.has_value());  // one copy: it actuates

  c = ParseServeConfig(
      R"({"kubernetes": {"kubeconfig": "/k", "context": "prod"},
          "leader_election": {"namespace": "shop", "retry_period_s": 1,
                              "state_configmap": "web-autoscaler"}})",
      "c.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kubernetes.kubeconfig, "/k");
  EXPECT_EQ(c->kubernetes.context, "prod");
  ASSERT_TRUE(c->leader_election.has_value());
  EXPECT_EQ(c->leader_election->lease_name, "limiar");
  EXPECT_EQ(c->leader_election->namespace_name, "shop");
  EXPECT_EQ(c->leader_election->lease_duration, absl::Seconds(15));  // kube-controller-manager's
  EXPECT_EQ(c->leader_election->renew_deadline, absl::Seconds(10));
  EXPECT_EQ(c->leader_election->retry_period, absl::Seconds(1));
  EXPECT_EQ(c->leader_election->state_configmap, "web-autoscaler");
}

TEST(ServeConfigTest, ALeaseThatCouldExpireWhileItsHolderStillActsIsRefused) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"leader_election": {"lease_duration_s": 10, "renew_deadline_s": 10}})", "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("c.json: leader_election: "));
  EXPECT_THAT(c.status().message(), HasSubstr("longer than its renew deadline"));
  c = ParseServeConfig(R"({"leader_election": {"lease_duraton_s": 20}})", "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("did you mean lease_duration_s?"));
  c = ParseServeConfig(R"({"kubernetes": {"kubeconfig": ""}})", "c.json");
  EXPECT_FALSE(c.ok());
}

// Found by the serve_config fuzz target: a number beyond a double's range threw an exception
// nobody caught, and `limiar serve` terminated.
TEST(ServeConfigTest, ANumberOutOfRangeIsAnErrorNotACrash) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(R"({"tick_interval_s": 4e308})", "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("c.json: not valid JSON"));
}

TEST(ServeConfigTest, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep =
      "{\"sources\": " + std::string(10'000, '[') + std::string(10'000, ']') + "}";
  absl::StatusOr<ServeConfig> c = ParseServeConfig(deep, "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("nested more than 16 levels deep"));
}

// Every unknown key names the nearest known one, in every section and in the sections the
// serve config hands to the actuator and metric-source readers.
TEST(ServeConfigTest, UnknownKeysNameTheNearestKey) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(R"({"tick_intervl_s": 1})", "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "c.json: tick_intervl_s: unknown key; did you mean tick_interval_s?");

  c = ParseServeConfig(R"({"grpc": {"max_thread": 8}, "store": {"retention": 60},
                           "actuator": {"kind": "log", "retyr": {}},
                           "sources": {"web": {"promq": {},
                                               "scrape": {"endpoints": ["a:1"], "intervl_s": 5,
                                                          "metrics": []}}}})",
                       "c.json");
  ASSERT_FALSE(c.status().ok());
  const std::string m(c.status().message());
  EXPECT_THAT(m, HasSubstr("c.json: grpc.max_thread: unknown key; did you mean max_threads?"));
  EXPECT_THAT(m, HasSubstr("c.json: store.retention: unknown key; did you mean retention_s?"));
  EXPECT_THAT(m, HasSubstr("c.json: actuator.retyr: unknown key; did you mean retry?"));
  EXPECT_THAT(m, HasSubstr("c.json: sources.web.promq: unknown key; did you mean promql?"));
  EXPECT_THAT(m, HasSubstr("c.json: sources.web.scrape.intervl_s: unknown key; did you mean "
                           "interval_s?"));
  // A key near none points at the documentation.
  c = ParseServeConfig(R"({"colour": "red"})", "c.json");
  EXPECT_EQ(c.status().message(),
            "c.json: colour: unknown key; the README section \"limiar serve\" lists the keys");
}

TEST(ServeConfigTest, APerMetricQueryKeyedByATypoNamesTheMetric) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"sources": {"web": {"promql": {"requets": {"server_address": "http://p",
                                                     "query": "up"}}}}})",
      "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "c.json: sources.web.promql.requets: expected a query object, or per-metric queries "
            "keyed cpu, requests or connections; did you mean requests?");
}

// The actuator's and the sources' problems are lines of the serve config's own list: each
// names the file.
TEST(ServeConfigTest, EveryProblemNamesTheFile) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"tick_interval_s": 0, "actuator": {"kind": "exec", "retry": {"max_attempts": 0}},
          "sources": {"web": {"promql": {"query": "up"}}}})",
      "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "c.json: tick_interval_s: must be between 0.1 and 3600, not 0\n"
            "c.json: actuator.retry.max_attempts: must be an integer from 1 to 100, got 0\n"
            "c.json: actuator.exec: required when kind is \"exec\"\n"
            "c.json: sources.web.promql.server_address: required");
}

TEST(ServeConfigTest, AFifoOrAMissingFileIsRefusedUnread) {
  EXPECT_FALSE(LoadServeConfig("/dev/zero").ok());
  EXPECT_FALSE(LoadServeConfig("/nonexistent/limiar.json").ok());
}

}  // namespace
}  // namespace limiar::serve

namespace limiar::serve {
namespace {

std::vector<policy::TargetPolicy> WebAndApi() {
  policy::TargetPolicy web;
  web.target = "web";
  web.metrics.resize(2);
  web.metrics[0].metric = policy::MetricType::kRequests;
  web.metrics[1].metric = policy::MetricType::kCpu;
  policy::TargetPolicy api;
  api.target = "api";
  api.metrics.resize(1);
  api.metrics[0].metric = policy::MetricType::kConnections;
  return {web, api};
}

absl::Status Resolve(const std::string& sources) {
  absl::StatusOr<ServeConfig> c =
      ParseServeConfig(absl::StrCat(R"({"sources": )", sources, "}"), "c.json");
  if (!c.ok()) return c.status();
  return ResolveSources(*c, WebAndApi(), "bp.json").status();
}

TEST(ResolveSourcesTest, QueriesFeedTheirMetricOrTheOnlyOne) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"sources": {"api": {"promql": {"server_address": "http://p", "query": "up"}},
                      "web": {"promql": {"cpu": {"server_address": "http://p", "query": "c"}},
                              "scrape": {"endpoints": ["10.0.0.5:9100"],
                                         "metrics": [{"metric": "requests",
                                                      "series": "http_requests_total"}]}}}})",
      "c.json");
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ResolvedSources> r = ResolveSources(*c, WebAndApi(), "bp.json");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->promql.size(), 2u);
  EXPECT_EQ(r->promql[0].target, "api");
  EXPECT_EQ(r->promql[0].metric, policy::MetricType::kConnections);
  EXPECT_EQ(r->promql[1].target, "web");
  EXPECT_EQ(r->promql[1].metric, policy::MetricType::kCpu);
  ASSERT_EQ(r->scrape.size(), 1u);
  EXPECT_EQ(r->scrape[0].target, "web");
}

TEST(ResolveSourcesTest, KubernetesSourcesCarryTheirCpuCapacity) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"sources": {"web": {"kubernetes": {"kind": "Deployment", "name": "web",
                                             "namespace": "shop", "metric": "pod_metrics_cpu"}},
                      "api": {"kubernetes": {"kind": "StatefulSet", "name": "api",
                                             "namespace": "shop", "metric": "scrape",
                                             "metrics": [{"metric": "connections",
                                                          "series": "open_connections"}]}}}})",
      "c.json");
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<policy::TargetPolicy> targets = WebAndApi();
  targets[0].metrics[1].capacity_per_replica = 0.25;
  absl::StatusOr<ResolvedSources> r = ResolveSources(*c, targets, "bp.json");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->kubernetes.size(), 2u);
  EXPECT_EQ(r->kubernetes[0].target, "api");
  EXPECT_EQ(r->kubernetes[0].config.metric, metrics::KubeMetricKind::kScrape);
  EXPECT_EQ(r->kubernetes[1].target, "web");
  EXPECT_EQ(r->kubernetes[1].cpu_capacity, 0.25);
  EXPECT_EQ(r->kubernetes[1].config.scale_target.resource, "deployments");
}

TEST(ServeConfigTest, KubernetesSourceErrorsNameTheirPath) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"sources": {"web": {"kubernetes": {"kind": "Deployment", "name": "web",
                                             "namespace": "shop", "metric": "cpu"},
                              "scrape": {"endpoints": ["10.0.0.5:9100"],
                                         "metrics": [{"metric": "cpu", "series": "x"}]}}}})",
      "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              ::testing::HasSubstr("c.json: sources.web.kubernetes.metric: must be "
                                   "pod_metrics_cpu or scrape"));
  EXPECT_THAT(c.status().message(),
              ::testing::HasSubstr("sources.web.kubernetes: set scrape or kubernetes, not both"));
}

TEST(ResolveSourcesTest, EachMismatchNamesItsPath) {
  struct Case {
    const char* sources;
    const char* error;
  };
  const Case cases[] = {
      {R"({"shop": {"promql": {"server_address": "http://p", "query": "up"}}})",
       "sources.shop: no managed target of that name in bp.json"},
      {R"({"web": {"promql": {"server_address": "http://p", "query": "up"}}})",
       "sources.web.promql: web scales on several metrics; key the queries by metric name"},
      {R"({"api": {"promql": {"cpu": {"server_address": "http://p", "query": "up"}}}})",
       "sources.api.promql.cpu: api does not scale on cpu"},
      {R"({"api": {"scrape": {"endpoints": ["10.0.0.5:9100"],
                              "metrics": [{"metric": "cpu", "series": "x_seconds_total"}]}}})",
       "sources.api.scrape.metrics[0].metric: api does not scale on cpu"},
      {R"({"api": {"kubernetes": {"kind": "Deployment", "name": "api", "namespace": "shop",
                                  "metric": "pod_metrics_cpu"}}})",
       "sources.api.kubernetes.metric: api does not scale on cpu, the one metric "
       "pod_metrics_cpu gives"},
      {R"({"api": {"kubernetes": {"kind": "Deployment", "name": "api", "namespace": "shop",
                                  "metric": "scrape", "port": 9100,
                                  "metrics": [{"metric": "requests", "series": "r_total"}]}}})",
       "sources.api.kubernetes.metrics[0].metric: api does not scale on requests"},
  };
  for (const Case& c : cases) {
    const absl::Status s = Resolve(c.sources);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.sources;
    EXPECT_EQ(s.message(), c.error) << c.sources;
  }
}

}  // namespace
}  // namespace limiar::serve
