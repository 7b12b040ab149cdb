// Pods as the kubernetes source reads them: the projection keeps what is read and drops
// the rest; the HPA's grouping (deleted and failed pods are no replicas, pending ones not
// ready); scrape endpoints from config or annotations.
#include "src/metrics/kubernetes/kube_pods.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1714557600);  // 2024-05-01T10:00:00Z

// A pod as the API server returns it, with fields the projection must drop.
json FullPod() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "shop", "uid": "u-1", "resourceVersion": "42",
                 "labels": {"app": "web"},
                 "annotations": {"prometheus.io/port": "9100", "prometheus.io/path": "/stats",
                                 "kubectl.kubernetes.io/last-applied-configuration": "{...}"},
                 "managedFields": [{"manager": "kubectl"}]},
    "spec": {"nodeName": "n1",
             "containers": [{"name": "app", "image": "nginx",
                             "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
                            {"name": "sidecar", "image": "envoy"}]},
    "status": {"phase": "Running", "podIP": "10.0.0.5", "hostIP": "192.168.1.1",
               "startTime": "2024-05-01T10:00:00Z",
               "conditions": [{"type": "PodScheduled", "status": "True"},
                              {"type": "Ready", "status": "True",
                               "lastTransitionTime": "2024-05-01T10:00:30Z"}],
               "containerStatuses": [{"name": "app", "ready": true}]}})");
}

TEST(KubePodsTest, ProjectionKeepsWhatIsReadAndDropsTheRest) {
  const json projected = ProjectPod(FullPod());
  EXPECT_EQ(projected, json::parse(R"({
    "metadata": {"name": "web-1", "namespace": "shop", "uid": "u-1", "resourceVersion": "42",
                 "labels": {"app": "web"},
                 "annotations": {"prometheus.io/port": "9100", "prometheus.io/path": "/stats"}},
    "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "250m"}}},
                            {"name": "sidecar"}]},
    "status": {"phase": "Running", "podIP": "10.0.0.5", "startTime": "2024-05-01T10:00:00Z",
               "conditions": [{"type": "Ready", "status": "True",
                               "lastTransitionTime": "2024-05-01T10:00:30Z"}]}})"));
  // What the source reads is the same from the projection as from the full pod.
  const PodInfo full = PodFromJson(FullPod());
  const PodInfo kept = PodFromJson(projected);
  EXPECT_EQ(kept.name, full.name);
  EXPECT_EQ(kept.containers, full.containers);
  EXPECT_EQ(kept.ready_transition, full.ready_transition);
  EXPECT_EQ(kept.annotations, full.annotations);
}

TEST(KubePodsTest, ProjectionKeepsNoEmptyAnnotations) {
  json pod = FullPod();
  pod["metadata"]["annotations"] = {{"team", "shop"}};
  EXPECT_FALSE(ProjectPod(std::move(pod))["metadata"].contains("annotations"));
}

TEST(KubePodsTest, ReadsEveryField) {
  const PodInfo p = PodFromJson(ProjectPod(FullPod()));
  EXPECT_EQ(p.name, "web-1");
  EXPECT_EQ(p.uid, "u-1");
  EXPECT_EQ(p.ip, "10.0.0.5");
  EXPECT_EQ(p.phase, "Running");
  EXPECT_TRUE(p.ready);
  EXPECT_EQ(p.start_time, kStart);
  EXPECT_EQ(p.ready_transition, kStart + absl::Seconds(30));
  EXPECT_FALSE(p.deleting);
  EXPECT_THAT(p.containers, ElementsAre(PodContainer{"app", 250}, PodContainer{"sidecar", {}}));
}

TEST(KubePodsTest, MalformedFieldsAreUnknownNotErrors) {
  const PodInfo p = PodFromJson(json::parse(R"({
    "metadata": {"name": "web-2", "annotations": "x"},
    "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "lots"}}}]},
    "status": {"startTime": "yesterday", "conditions": [{"type": "Ready", "status": 1}]}})"));
  EXPECT_EQ(p.name, "web-2");
  EXPECT_FALSE(p.ready);
  EXPECT_EQ(p.start_time, absl::InfinitePast());
  EXPECT_THAT(p.containers, ElementsAre(PodContainer{"app", {}}));
  EXPECT_EQ(PodFromJson(json(3)).name, "");
}

PodInfo Pod(const std::string& name, const std::string& phase, bool ready, bool deleting = false) {
  PodInfo p;
  p.name = name;
  p.phase = phase;
  p.ready = ready;
  p.deleting = deleting;
  p.ip = "10.0.0." + name.substr(name.size() - 1);
  p.start_time = kStart;
  p.ready_transition = kStart + absl::Seconds(5);
  return p;
}

struct GroupCase {
  const char* name;
  PodInfo pod;
  bool replica;
  bool ready;
};

TEST(KubePodsTest, GroupsPodsAsTheHpa) {
  const GroupCase cases[] = {
      {"running and ready", Pod("a-1", "Running", true), true, true},
      {"running, not ready", Pod("a-2", "Running", false), true, false},
      {"pending (no Ready condition yet)", Pod("a-3", "Pending", false), true, false},
      {"being deleted, still ready", Pod("a-4", "Running", true, true), false, false},
      {"failed", Pod("a-5", "Failed", false), false, false},
      {"succeeded counts as HPA counts it", Pod("a-6", "Succeeded", false), true, false},
  };
  for (const GroupCase& c : cases) {
    const std::vector<PodReplica> r = ReplicasOf({c.pod});
    ASSERT_EQ(r.size(), c.replica ? 1u : 0u) << c.name;
    if (!c.replica) continue;
    EXPECT_EQ(r[0].ready, c.ready) << c.name;
    EXPECT_EQ(r[0].start_time, kStart) << c.name;
    EXPECT_EQ(r[0].ready_transition, kStart + absl::Seconds(5)) << c.name;
  }
}

KubeSourceConfig ScrapeConfigWith(int port, const std::string& path) {
  KubeSourceConfig c;
  c.metric = KubeMetricKind::kScrape;
  c.port = port;
  c.path = path;
  return c;
}

TEST(KubePodsTest, EndpointsOfReadyPodsFromConfigOrAnnotations) {
  PodInfo annotated = Pod("w-1", "Running", true);
  annotated.annotations = {{kPrometheusPortAnnotation, "9102"},
                           {kPrometheusPathAnnotation, "/stats"}};
  PodInfo plain = Pod("w-2", "Running", true);
  PodInfo unready = Pod("w-3", "Running", false);
  PodInfo deleting = Pod("w-4", "Running", true, true);
  PodInfo no_ip = Pod("w-5", "Running", true);
  no_ip.ip = "";
  PodInfo v6 = Pod("w-6", "Running", true);
  v6.ip = "fd00::6";
  const std::vector<PodInfo> pods = {annotated, plain, unready, deleting, no_ip, v6};

  // The config wins over annotations.
  PodEndpoints e = ScrapeEndpointsOf(pods, ScrapeConfigWith(8080, "/m"));
  ASSERT_EQ(e.endpoints.size(), 3u);
  EXPECT_EQ(e.endpoints[0].url, "http://10.0.0.1:8080/m");
  EXPECT_EQ(e.endpoints[0].replica, "w-1");
  EXPECT_EQ(e.endpoints[1].url, "http://10.0.0.2:8080/m");
  EXPECT_EQ(e.endpoints[2].url, "http://[fd00::6]:8080/m");
  EXPECT_TRUE(e.problems.empty());

  // Without a port in the config, only annotated pods can be scraped; others are named.
  e = ScrapeEndpointsOf(pods, ScrapeConfigWith(0, ""));
  ASSERT_EQ(e.endpoints.size(), 1u);
  EXPECT_EQ(e.endpoints[0].url, "http://10.0.0.1:9102/stats");
  EXPECT_THAT(e.problems, ElementsAre(HasSubstr("pod w-2: no port: set port in the source or "
                                                "annotate the pod with prometheus.io/port"),
                                      HasSubstr("pod w-6: no port")));
}

TEST(KubePodsTest, BadAnnotationsAreNamedNotUsed) {
  PodInfo bad_port = Pod("w-1", "Running", true);
  bad_port.annotations = {{kPrometheusPortAnnotation, "http"}};
  PodInfo bad_path = Pod("w-2", "Running", true);
  bad_path.annotations = {{kPrometheusPortAnnotation, "9100"}, {kPrometheusPathAnnotation, "/a b"}};
  PodInfo default_path = Pod("w-3", "Running", true);
  default_path.annotations = {{kPrometheusPortAnnotation, "9100"}};
  const PodEndpoints e =
      ScrapeEndpointsOf({bad_port, bad_path, default_path}, ScrapeConfigWith(0, ""));
  ASSERT_EQ(e.endpoints.size(), 1u);
  EXPECT_EQ(e.endpoints[0].url, "http://10.0.0.3:9100/metrics");
  EXPECT_THAT(e.problems,
              ElementsAre(HasSubstr("pod w-1: prometheus.io/port \"http\" is not a port"),
                          HasSubstr("pod w-2: prometheus.io/path \"/a b\" is not a path")));
}

}  // namespace
}  // namespace limiar::metrics
