// The kubernetes source's config: every key, defaults, the scale target's two spellings,
// unknown keys with hints, wrong types and values, scrape-only keys, all at their paths.
#include "src/metrics/kubernetes/kube_source_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "nlohmann/json.hpp"

namespace limiar::metrics {
namespace {

using ::testing::HasSubstr;

constexpr char kPath[] = "recursos[1].config.kubernetes";

absl::StatusOr<KubeSourceConfig> Parse(const std::string& text) {
  return ParseKubeSourceConfig(nlohmann::json::parse(text), kPath);
}

TEST(KubeSourceConfigTest, ReadsPodMetricsDefaults) {
  absl::StatusOr<KubeSourceConfig> c =
      Parse(R"({"kind": "Deployment", "name": "web", "namespace": "shop",
                "metric": "pod_metrics_cpu"})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->scale_target.group, "apps");
  EXPECT_EQ(c->scale_target.version, "v1");
  EXPECT_EQ(c->scale_target.resource, "deployments");
  EXPECT_EQ(c->scale_target.namespace_name, "shop");
  EXPECT_EQ(c->scale_target.name, "web");
  EXPECT_EQ(c->ScaleRef().Path(), "/apis/apps/v1/namespaces/shop/deployments/web/scale");
  EXPECT_EQ(c->metric, KubeMetricKind::kPodMetricsCpu);
  EXPECT_EQ(c->interval, absl::Seconds(15));
  EXPECT_EQ(c->selector_refresh, absl::Seconds(60));
  EXPECT_EQ(c->max_pods, 1000u);
  EXPECT_EQ(c->port, 0);
  EXPECT_TRUE(c->metrics.empty());
}

TEST(KubeSourceConfigTest, ReadsScrapeWithGroupResourceAndEveryKey) {
  absl::StatusOr<KubeSourceConfig> c = Parse(R"({
    "group": "example.com", "resource": "webapps", "name": "shop-front", "namespace": "shop",
    "metric": "scrape", "interval_s": 30, "selector_refresh_s": 120, "max_pods": 50,
    "port": 9100, "path": "/stats",
    "metrics": [{"metric": "requests", "series": "http_requests_total"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ScaleRef().Path(), "/apis/example.com/v1/namespaces/shop/webapps/shop-front/scale");
  EXPECT_EQ(c->metric, KubeMetricKind::kScrape);
  EXPECT_EQ(c->interval, absl::Seconds(30));
  EXPECT_EQ(c->selector_refresh, absl::Seconds(120));
  EXPECT_EQ(c->max_pods, 50u);
  EXPECT_EQ(c->port, 9100);
  EXPECT_EQ(c->path, "/stats");
  ASSERT_EQ(c->metrics.size(), 1u);
  EXPECT_EQ(c->metrics[0].metric, policy::MetricType::kRequests);
}

TEST(KubeSourceConfigTest, StatefulSetKind) {
  absl::StatusOr<KubeSourceConfig> c = Parse(
      R"({"kind": "StatefulSet", "name": "db", "namespace": "shop", "metric": "pod_metrics_cpu"})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->scale_target.GroupResource(), "statefulsets.apps");
}

struct BadCase {
  const char* name;
  const char* json;
  const char* error;  // a part of the message
};

class KubeSourceConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(KubeSourceConfigErrorTest, SaysWhereAndWhatToDo) {
  absl::StatusOr<KubeSourceConfig> c = Parse(GetParam().json);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr(GetParam().error));
}

constexpr char kBase[] = R"("name": "web", "namespace": "shop", "metric": "pod_metrics_cpu")";

std::string With(const std::string& more) { return "{" + std::string(kBase) + ", " + more + "}"; }

const std::string kCases[][3] = {
    {"UnknownKeyNearest", With(R"("kind": "Deployment", "namespce": "x")"),
     "recursos[1].config.kubernetes.namespce: unknown key; did you mean namespace?"},
    {"HpaApiVersion", With(R"("kind": "Deployment", "apiVersion": "apps/v1")"),
     "apiVersion: unknown key; did you mean group? (the API group alone"},
    {"NoTarget", "{" + std::string(kBase) + "}",
     "kubernetes.kind: required (Deployment or StatefulSet), or group and resource"},
    {"UnknownKind", With(R"("kind": "ReplicaSet")"),
     "kind: must be Deployment or StatefulSet, not \"ReplicaSet\"; for another kind"},
    {"KindAndResource", With(R"("kind": "Deployment", "resource": "deployments")"),
     "kind: set kind, or group and resource, not both"},
    {"GroupWithVersion", With(R"("group": "apps/v1", "resource": "deployments")"),
     "group: must be an API group such as \"apps\" (no version)"},
    {"ResourceNotPlural", With(R"("group": "apps", "resource": "Deployment")"),
     "resource: must be the plural lower-case resource name"},
    {"NameWithCapital",
     R"({"kind": "Deployment", "name": "Web", "namespace": "shop", "metric": "scrape"})",
     "kubernetes.name: must be a Kubernetes name"},
    {"NamespaceMissing", R"({"kind": "Deployment", "name": "web", "metric": "pod_metrics_cpu"})",
     "kubernetes.namespace: required"},
    {"MetricCpu", R"({"kind": "Deployment", "name": "web", "namespace": "shop", "metric": "cpu"})",
     "metric: must be pod_metrics_cpu or scrape, not \"cpu\" (cpu from PodMetrics: "
     "pod_metrics_cpu)"},
    {"PortWithPodMetrics", With(R"("kind": "Deployment", "port": 9100)"),
     "kubernetes.port: is for metric \"scrape\" only"},
    {"ScrapeWithoutMetrics",
     R"({"kind": "Deployment", "name": "web", "namespace": "shop", "metric": "scrape"})",
     "kubernetes.metrics: required for metric \"scrape\""},
    {"ScrapeBadMapping",
     R"({"kind": "Deployment", "name": "web", "namespace": "shop", "metric": "scrape",
         "metrics": [{"metric": "rps", "series": "x"}]})",
     "kubernetes.metrics[0].metric: must be one of cpu, requests, connections"},
    {"ScrapeBadPath",
     R"({"kind": "Deployment", "name": "web", "namespace": "shop", "metric": "scrape",
         "path": "metrics", "metrics": [{"metric": "cpu", "series": "x"}]})",
     "kubernetes.path: must start with /"},
    {"PortOutOfRange",
     R"({"kind": "Deployment", "name": "web", "namespace": "shop", "metric": "scrape",
         "port": 70000, "metrics": [{"metric": "cpu", "series": "x"}]})",
     "kubernetes.port: must be an integer from 1 to 65535"},
    {"IntervalZero", With(R"("kind": "Deployment", "interval_s": 0)"), "kubernetes.interval_s:"},
    {"MaxPodsTooMany", With(R"("kind": "Deployment", "max_pods": 1000000)"),
     "kubernetes.max_pods:"},
    {"IntervalString", With(R"("kind": "Deployment", "interval_s": "15")"),
     "kubernetes.interval_s: must be a number, not string"},
    {"NotAnObject", R"([1])", "recursos[1].config.kubernetes: must be an object"},
};

std::vector<BadCase> BadCases() {
  std::vector<BadCase> cases;
  for (const auto& c : kCases) cases.push_back({c[0].c_str(), c[1].c_str(), c[2].c_str()});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Table, KubeSourceConfigErrorTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(KubeSourceConfigTest, ReportsEveryProblemAtOnce) {
  absl::StatusOr<KubeSourceConfig> c =
      Parse(R"({"kind": "Pod", "name": "", "namespace": "Shop", "metric": "x"})");
  ASSERT_FALSE(c.ok());
  const std::string message(c.status().message());
  EXPECT_THAT(message, HasSubstr("kubernetes.kind:"));
  EXPECT_THAT(message, HasSubstr("kubernetes.name:"));
  EXPECT_THAT(message, HasSubstr("kubernetes.namespace:"));
  EXPECT_THAT(message, HasSubstr("kubernetes.metric:"));
}

}  // namespace
}  // namespace limiar::metrics
