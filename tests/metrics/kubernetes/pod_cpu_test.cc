// HPA cpu utilization from PodMetrics and requests, a table of named cases each with its
// arithmetic (quantities in millicores: "250m" = 250, "1500000n" = ceil(1.5) = 2, "2" = 2000).
#include "src/metrics/kubernetes/pod_cpu.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

const absl::Time kT = absl::FromUnixSeconds(1714557600);  // 2024-05-01T10:00:00Z

json Metrics(const std::string& pod, std::vector<std::string> cpus) {
  json containers = json::array();
  for (size_t i = 0; i < cpus.size(); ++i) {
    containers.push_back(
        {{"name", "c" + std::to_string(i)}, {"usage", {{"cpu", cpus[i]}, {"memory", "1Mi"}}}});
  }
  return {{"metadata", {{"name", pod}, {"namespace", "shop"}}},
          {"timestamp", "2024-05-01T10:00:00Z"},
          {"window", "15s"},
          {"containers", containers}};
}

json List(std::vector<json> items) {
  return {{"kind", "PodMetricsList"}, {"apiVersion", "metrics.k8s.io/v1beta1"}, {"items", items}};
}

TEST(PodCpuTest, UsagesSumContainersInMillicores) {
  const std::map<std::string, PodCpuUsage> u = PodCpuUsages(List({
      Metrics("a", {"250m"}),           // 250
      Metrics("b", {"1500000n", "2"}),  // ceil(1.5) + 2000 = 2002
      Metrics("c", {"100m", "0.5"}),    // 100 + 500 = 600
      Metrics("d", {"1"}),              // 1000
  }));
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u.at("a").usage_milli, 250);
  EXPECT_EQ(u.at("b").usage_milli, 2002);
  EXPECT_EQ(u.at("c").usage_milli, 600);
  EXPECT_EQ(u.at("d").usage_milli, 1000);
  EXPECT_EQ(u.at("a").timestamp, kT);
  EXPECT_EQ(u.at("a").window, absl::Seconds(15));
}

TEST(PodCpuTest, IncompleteMetricsMakeThePodMissing) {
  json no_cpu = Metrics("a", {"250m"});
  no_cpu["containers"][0]["usage"].erase("cpu");
  json bad = Metrics("b", {"lots"});
  json nameless = Metrics("", {"1"});
  const auto u = PodCpuUsages(List({no_cpu, bad, nameless, Metrics("ok", {"1m"})}));
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u.count("ok"), 1u);
  EXPECT_TRUE(PodCpuUsages(json("not a list")).empty());
}

PodInfo Pod(const std::string& name, std::vector<std::optional<int64_t>> requests) {
  PodInfo p;
  p.name = name;
  p.phase = "Running";
  p.ready = true;
  for (size_t i = 0; i < requests.size(); ++i) {
    p.containers.push_back({"c" + std::to_string(i), requests[i]});
  }
  return p;
}

PodCpuUsage Usage(int64_t milli) { return {milli, kT, absl::Seconds(15)}; }

struct CpuCase {
  const char* name;
  std::vector<PodInfo> pods;
  std::map<std::string, PodCpuUsage> usages;
  double capacity;
  // pod -> value (cores of `capacity`) expected
  std::vector<std::pair<std::string, double>> want;
};

TEST(PodCpuTest, ValueIsCapacityTimesUsageOverTheMeanRequest) {
  PodInfo deleting = Pod("gone", {500});
  deleting.deleting = true;
  const CpuCase cases[] = {
      // 250 / 500 = 0.5 of one core.
      {"half of the request", {Pod("a", {500})}, {{"a", Usage(250)}}, 1.0, {{"a", 0.5}}},
      // requests 250 + 250 = 500; usage 750 -> 1.5 x capacity 2 = 3.
      {"two containers, over the request",
       {Pod("a", {250, 250})},
       {{"a", Usage(750)}},
       2.0,
       {{"a", 3.0}}},
      // "b" has no PodMetrics yet: missing, not zero.
      {"no metrics yet is missing",
       {Pod("a", {1000}), Pod("b", {1000})},
       {{"a", Usage(2002)}},
       1.0,
       {{"a", 2.002}}},
      // a pod being deleted is no replica; its metric is not used.
      {"deleted pod skipped",
       {Pod("a", {100}), deleting},
       {{"a", Usage(50)}, {"gone", Usage(500)}},
       1.0,
       {{"a", 0.5}}},
      // Requests 1000 and 250, usage 900 and 100: the HPA's 1000 / 1250 = 80 %, so the
      // values over the mean request 625 sum to 1.6 of 2 cores (the mean of the pods' own
      // ratios, 90 % and 40 %, would be 65 %).
      {"unequal requests",
       {Pod("a", {1000}), Pod("b", {250})},
       {{"a", Usage(900)}, {"b", Usage(100)}},
       1.0,
       {{"a", 1.44}, {"b", 0.16}}},
      // metrics of a pod not in the set (another workload's) are ignored.
      {"extraneous metrics ignored", {Pod("a", {100})}, {{"x", Usage(5)}}, 1.0, {}},
  };
  for (const CpuCase& c : cases) {
    absl::StatusOr<std::vector<PodCpuSample>> s = PodCpuSamples(c.pods, c.usages, c.capacity);
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.status();
    ASSERT_EQ(s->size(), c.want.size()) << c.name;
    for (size_t i = 0; i < c.want.size(); ++i) {
      EXPECT_EQ((*s)[i].pod, c.want[i].first) << c.name;
      EXPECT_DOUBLE_EQ((*s)[i].value, c.want[i].second) << c.name;
      EXPECT_EQ((*s)[i].time, kT) << c.name;
    }
  }
}

TEST(PodCpuTest, MissingRequestMakesUtilizationUnavailable) {
  absl::StatusOr<std::vector<PodCpuSample>> s =
      PodCpuSamples({Pod("a", {100}), Pod("b", {100, std::nullopt})}, {{"a", Usage(10)}}, 1.0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(),
              HasSubstr("missing request for cpu in container c1 of Pod b: cpu utilization "
                        "needs a cpu request on every container"));

  s = PodCpuSamples({Pod("z", {0})}, {}, 1.0);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("Pod z requests no cpu"));
}

}  // namespace
}  // namespace limiar::metrics
