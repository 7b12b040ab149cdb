// Finding the API server and credentials as client-go does: kubeconfigs as kubectl and kind
// write them, the in-cluster service account, and each thing Limiar refuses, by name.
#include "src/kube/cluster_access.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/strings/escaping.h"
#include "tests/support/test_dir.h"

namespace limiar::kube {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// A kubeconfig with two clusters, users and contexts; `user` is the body of user "u".
std::string Kubeconfig(const std::string& user, const std::string& cluster_extra = "") {
  return R"(apiVersion: v1
kind: Config
current-context: kind
clusters:
- name: kind
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: )" +
         absl::Base64Escape("-----BEGIN CERTIFICATE-----\nCA\n") + "\n" + cluster_extra + R"(
- name: prod
  cluster:
    server: https://prod.example:443
    certificate-authority: certs/prod-ca.crt
contexts:
- name: kind
  context: {cluster: kind, user: u, namespace: shop}
- name: prod
  context: {cluster: prod, user: u}
users:
- name: u
  user:
)" + user;
}

TEST(KubeconfigAccessTest, TheCurrentContextsClusterUserAndNamespace) {
  testing::TestDir dir;
  const std::string path = dir.Write("config", Kubeconfig("    token: abc123\n"));
  const absl::StatusOr<ClusterAccess> a = KubeconfigAccess(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->server, "https://127.0.0.1:6443");
  EXPECT_EQ(a->ca_pem, "-----BEGIN CERTIFICATE-----\nCA\n");
  EXPECT_EQ(a->ca_file, "");
  EXPECT_EQ(a->token, "abc123");
  EXPECT_EQ(a->namespace_name, "shop");
  EXPECT_EQ(a->description, "kubeconfig " + path + ", context kind");
}

TEST(KubeconfigAccessTest, ANamedContextAndPathsRelativeToTheKubeconfig) {
  testing::TestDir dir;
  const std::string path = dir.Write(
      "config", Kubeconfig("    client-certificate: certs/me.crt\n    client-key: /abs/me.key\n"));
  const absl::StatusOr<ClusterAccess> a = KubeconfigAccess(path, "prod");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->server, "https://prod.example:443");
  EXPECT_EQ(a->ca_file, dir.File("certs/prod-ca.crt"));
  EXPECT_EQ(a->client_cert_file, dir.File("certs/me.crt"));
  EXPECT_EQ(a->client_key_file, "/abs/me.key");
  EXPECT_EQ(a->namespace_name, "default");  // the context names none
}

TEST(KubeconfigAccessTest, InlineCertificatesAndTokenFiles) {
  testing::TestDir dir;
  const std::string path =
      dir.Write("config", Kubeconfig("    client-certificate-data: " + absl::Base64Escape("CERT") +
                                     "\n    client-key-data: " + absl::Base64Escape("KEY") + "\n"));
  absl::StatusOr<ClusterAccess> a = KubeconfigAccess(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->client_cert_pem, "CERT");
  EXPECT_EQ(a->client_key_pem, "KEY");

  dir.Write("config", Kubeconfig("    tokenFile: token\n"));
  a = KubeconfigAccess(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->token_file, dir.File("token"));
}

TEST(KubeconfigAccessTest, WhatLimiarCannotHonourIsRefusedByName) {
  testing::TestDir dir;
  const std::string path =
      dir.Write("config", Kubeconfig("    exec:\n      command: gke-gcloud-auth-plugin\n",
                                     "    insecure-skip-tls-verify: true\n"));
  const absl::Status s = KubeconfigAccess(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr(path + ": clusters[0].cluster.insecure-skip-tls-verify: is not "
                                     "supported by Limiar; Limiar always verifies the API server"),
                    HasSubstr("users[0].user.exec: is not supported by Limiar; credential "
                              "plugins do not run inside Limiar; give a service-account token")));
  // Written out but off is fine.
  dir.Write("config", Kubeconfig("    token: t\n", "    insecure-skip-tls-verify: false\n"));
  EXPECT_TRUE(KubeconfigAccess(path).ok());
}

TEST(KubeconfigAccessTest, MistakesAreEachNamedWithWhatToDo) {
  testing::TestDir dir;
  const std::string path = dir.Write("config", Kubeconfig("    token: t\n"));
  EXPECT_THAT(KubeconfigAccess(path, "staging").status().message(),
              HasSubstr("contexts: no entry named \"staging\" (the context asked for); pick one "
                        "of: kind, prod"));

  dir.Write("config", Kubeconfig("    token: t\n", "    certificate-authority-dat: x\n"));
  EXPECT_THAT(KubeconfigAccess(path).status().message(),
              HasSubstr("clusters[0].cluster.certificate-authority-dat: unknown key; did you mean "
                        "certificate-authority-data?"));

  dir.Write("config", Kubeconfig("    client-certificate: c.crt\n"));
  EXPECT_THAT(KubeconfigAccess(path).status().message(),
              HasSubstr("users[0].user.client-key: required with the other"));

  dir.Write("config", Kubeconfig("    token: t\n    username: admin\n"));
  EXPECT_THAT(KubeconfigAccess(path).status().message(),
              HasSubstr("users[0].user: more than one way to authenticate"));

  dir.Write("config", Kubeconfig("    client-certificate-data: '%%%'\n    client-key: k\n"));
  EXPECT_THAT(KubeconfigAccess(path).status().message(),
              HasSubstr("users[0].user.client-certificate-data: is not base64"));

  dir.Write("config", "clusters: []\n");
  EXPECT_THAT(KubeconfigAccess(path).status().message(),
              HasSubstr("current-context: no context chosen; set one"));

  dir.Write("config", "a: [1\n");
  EXPECT_THAT(KubeconfigAccess(path).status().message(), HasSubstr(path + ":2:"));

  EXPECT_EQ(KubeconfigAccess(dir.File("missing")).status().code(), absl::StatusCode::kNotFound);
}

class InClusterTest : public ::testing::Test {
 protected:
  EnvLookup Env() const {
    return [this](const char* name) -> const char* {
      const auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    };
  }
  testing::TestDir dir_;
  std::map<std::string, std::string> env_ = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                             {"KUBERNETES_SERVICE_PORT", "443"}};
};

TEST_F(InClusterTest, TheServiceAccountsTokenCaAndNamespace) {
  dir_.Write("token", "tok\n");
  dir_.Write("ca.crt", "CA");
  dir_.Write("namespace", "shop\n");
  absl::StatusOr<ClusterAccess> a = InClusterAccess(Env(), dir_.path().string());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->server, "https://10.96.0.1:443");
  EXPECT_EQ(a->token_file, dir_.File("token"));
  EXPECT_EQ(a->ca_file, dir_.File("ca.crt"));
  EXPECT_EQ(a->namespace_name, "shop");

  env_["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  a = InClusterAccess(Env(), dir_.path().string());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->server, "https://[fd00::1]:443");
}

TEST_F(InClusterTest, WhatIsMissingIsNamed) {
  dir_.Write("ca.crt", "CA");
  EXPECT_THAT(InClusterAccess(Env(), dir_.path().string()).status().message(),
              AllOf(HasSubstr(dir_.File("token")), HasSubstr("automountServiceAccountToken")));
  env_.erase("KUBERNETES_SERVICE_PORT");
  EXPECT_THAT(InClusterAccess(Env(), dir_.path().string()).status().message(),
              HasSubstr("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set"));
}

TEST_F(InClusterTest, TheDefaultIsKubeconfigThenInClusterThenHome) {
  const std::string kubeconfig = dir_.Write("kc", Kubeconfig("    token: from-env\n"));
  env_["KUBECONFIG"] = kubeconfig + ":/other";
  absl::StatusOr<ClusterAccess> a = DefaultClusterAccess(Env());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->token, "from-env");

  env_.erase("KUBECONFIG");  // in a pod: the default service account dir, absent here
  EXPECT_THAT(DefaultClusterAccess(Env()).status().message(), HasSubstr("in-cluster"));

  env_.clear();
  env_["HOME"] = dir_.path().string();
  EXPECT_THAT(DefaultClusterAccess(Env()).status().message(),
              HasSubstr("no Kubernetes cluster to talk to"));
  std::filesystem::create_directory(dir_ / ".kube");
  dir_.Write(".kube/config", Kubeconfig("    token: from-home\n"));
  a = DefaultClusterAccess(Env());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->token, "from-home");
}

}  // namespace
}  // namespace limiar::kube
