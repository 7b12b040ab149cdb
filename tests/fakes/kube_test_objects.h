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

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_FAKES_KUBE_TEST_OBJECTS_H_
