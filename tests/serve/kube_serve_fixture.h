// The fixture of the serve tests that run against the fake Kubernetes API server: one
// server holding Deployment web (TestDeployment), a kubeconfig and a token file for it, and
// the serve config that points Limiar's `kubernetes` actuator and its API client there.
#ifndef LIMIAR_TESTS_SERVE_KUBE_SERVE_FIXTURE_H_
#define LIMIAR_TESTS_SERVE_KUBE_SERVE_FIXTURE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/support/test_dir.h"

namespace limiar::serve_test {

inline constexpr char kWebDeployment[] = "/apis/apps/v1/namespaces/shop/deployments/web";

class KubeServeTest : public ::testing::Test {
 protected:
  // Deployment web with `replicas`, all ready.
  explicit KubeServeTest(int replicas) : api_(dir_.path().string()) {
    api_.Put(testing::TestDeployment("web", replicas, replicas));
    api_.WriteKubeconfig(dir_ / "kubeconfig", "shop");
    token_file_ = dir_.Write("token", api_.token());
  }

  // A pass every 0.2 s, so that the tests take seconds; the actuator scales Deployments
  // in "shop" on the fake; leader election and sources find it through the kubeconfig.
  nlohmann::json KubeServeConfig() const {
    return {{"tick_interval_s", 0.2},
            {"actuator",
             {{"kind", "kubernetes"},
              {"kubernetes",
               {{"api_server", api_.base_url()},
                {"namespace", "shop"},
                {"token_file", token_file_},
                {"ca_file", api_.ca_file()}}}}},
            {"kubernetes", {{"kubeconfig", dir_ / "kubeconfig"}}}};
  }

  // web's spec.replicas on the fake; -1 when it is gone.
  int SpecReplicas() const {
    std::optional<nlohmann::json> d = api_.Get(kWebDeployment);
    return d ? d->value("/spec/replicas"_json_pointer, -1) : -1;
  }

  testing::TestDir dir_;
  testing::FakeKubeApi api_;
  std::string token_file_;
};

}  // namespace limiar::serve_test

#endif  // LIMIAR_TESTS_SERVE_KUBE_SERVE_FIXTURE_H_
