// The independent check of the fake API server: the upstream Python client (Debian's
// python3-kubernetes) runs tests/fakes/testdata/kube_client_check.py against it through a
// kubeconfig the fake wrote, and must deserialize every answer into its typed models.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/support/child_process.h"
#include "tests/support/test_dir.h"

namespace limiar::testing {
namespace {

using nlohmann::json;

// Debian's interpreter, where Debian's python3-kubernetes is installed (a python3 earlier
// in PATH, such as a pyenv one, would not see it).
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kScript[] = "tests/fakes/testdata/kube_client_check.py";

void Seed(FakeKubeApi& api) {
  api.Put(TestPod("web-2", {{"app", "web"}}));
  api.Put(TestPod("db-1", {{"app", "db"}}));
  api.Put(TestDeployment("web", 3, 2));
  api.Put(TestPodMetrics("web-1", "250m"));
  api.Deny("list", "", "configmaps", "kube-system");
}

TEST(KubeClientCheckTest, PythonKubernetesClientAcceptsTheFake) {
  ASSERT_EQ(::access(kPython, X_OK), 0)
      << kPython << " is missing: install the Debian packages python3 and python3-kubernetes "
      << "(scripts/install-deps.sh)";
  TestDir dir;
  FakeKubeApi api(dir.path().string());
  api.Put(TestPod("web-1", {{"app", "web"}}));
  const int64_t expired = api.ResourceVersion();
  Seed(api);
  api.CompactHistory();  // a watch from `expired` now gets 410 Expired
  const std::string kubeconfig = dir / "kubeconfig";
  api.WriteKubeconfig(kubeconfig, "shop");

  ChildProcess python;
  ASSERT_TRUE(python
                  .Start({kPython, kScript, "--kubeconfig", kubeconfig,
                          "--expired-resource-version", absl::StrCat(expired)})
                  .ok());
  // The script lists, prints "watching" and watches from the list's resourceVersion; the
  // changes below reach it whether its watch opened before them or after (from history).
  if (python.WaitForLine("watching", 0)) {
    EXPECT_TRUE(api.WaitForOpenWatches(1, ChildProcess::kDefaultWait)) << python.Output();
    api.Put(TestPod("web-3", {{"app", "web"}}));
    json modified = TestPod("web-3", {{"app", "web"}});
    modified["status"]["phase"] = "Succeeded";
    api.Put(modified);
    api.Remove("/api/v1/namespaces/shop/pods/web-3");
    api.SendBookmarks();
  }
  const std::optional<int> status = python.WaitExit(absl::Seconds(90));
  ASSERT_TRUE(status.has_value()) << "the check did not finish:\n" << python.Output();
  const std::string output = python.Output();
  ASSERT_EQ(output.find("python3-kubernetes"), std::string::npos)
      << "the Debian package python3-kubernetes is missing (scripts/install-deps.sh installs "
         "it):\n"
      << output;
  EXPECT_EQ(ExitCode(*status), 0) << output;
  // Every check ran (a script that skipped some would pass with fewer).
  EXPECT_NE(output.find("30 passed, 0 failed"), std::string::npos) << output;
}

}  // namespace
}  // namespace limiar::testing
