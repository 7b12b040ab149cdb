// Small Kubernetes objects for the tests of the fake API server and of its clients, in the
// shapes a cluster would hold them (the fake fills in the rest of metadata).
#ifndef LIMIAR_TESTS_FAKES_KUBE_TEST_OBJECTS_H_
#define LIMIAR_TESTS_FAKES_KUBE_TEST_OBJECTS_H_

#include <nlohmann/json.hpp>
#include <string>

namespace limiar::testing {

// A running pod with one container.
inline nlohmann::json TestPod(const std::string& name, const nlohmann::json& labels,
                              const std::string& namespace_name = "shop") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", namespace_name}, {"labels", labels}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "nginx"}}}}}},
          {"status", {{"phase", "Running"}}}};
}

// A Deployment in "shop" selecting app=`name`,tier=front, with `ready` replicas in status.
inline nlohmann::json TestDeployment(const std::string& name, int replicas, int ready) {
  const nlohmann::json labels = {{"app", name}, {"tier", "front"}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"namespace", "shop"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec", {{"containers", {{{"name", name}, {"image", "nginx"}}}}}}}}}},
          {"status", {{"replicas", ready}, {"readyReplicas", ready}}}};
}

// PodMetrics of a pod in "shop" labelled app=web, one container using `cpu`.
inline nlohmann::json TestPodMetrics(const std::string& name, const std::string& cpu) {
  return {{"apiVersion", "metrics.k8s.io/v1beta1"},
          {"kind", "PodMetrics"},
          {"metadata", {{"name", name}, {"namespace", "shop"}, {"labels", {{"app", "web"}}}}},
          {"timestamp", "2024-05-01T10:00:00Z"},
          {"window", "15s"},
          {"containers", {{{"name", "app"}, {"usage", {{"cpu", cpu}, {"memory", "64Mi"}}}}}}};
}

// A pod of TestDeployment("web") (app=web,tier=front) with one container "app" requesting
// `cpu_request` of cpu (no request when empty), started at `start_time` (RFC 3339). Ready:
// Running, Ready since `ready_time`; else Pending and not Ready.
inline nlohmann::json TestWebPod(const std::string& name, bool ready,
                                 const std::string& cpu_request = "500m",
                                 const std::string& start_time = "2024-05-01T09:50:00Z",
                                 const std::string& ready_time = "2024-05-01T09:51:00Z") {
  nlohmann::json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", name}, {"namespace", "shop"}, {"labels", {{"app", "web"}, {"tier", "front"}}}}},
      {"spec",
       {{"containers",
         {{{"name", "app"},
           {"image", "nginx"},
           {"resources", {{"requests", {{"cpu", cpu_request}}}}}}}}}},
      {"status",
       {{"phase", ready ? "Running" : "Pending"},
        {"podIP", "10.0.0." + name.substr(name.size() - 1)},
        {"startTime", start_time},
        {"conditions",
         {{{"type", "Ready"},
           {"status", ready ? "True" : "False"},
           {"lastTransitionTime", ready_time}}}}}}};
  if (cpu_request.empty()) pod["spec"]["containers"][0].erase("resources");
  return pod;
}

// TestPodMetrics of a TestWebPod (labelled as it is).
inline nlohmann::json TestWebPodMetrics(const std::string& name, const std::string& cpu) {
  nlohmann::json m = TestPodMetrics(name, cpu);
  m["metadata"]["labels"] = {{"app", "web"}, {"tier", "front"}};
  return m;
}

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_FAKES_KUBE_TEST_OBJECTS_H_
