// Against a local HTTPS server that answers like the Kubernetes API server does for the
// Deployment `scale` subresource (autoscaling/v1 Scale) and the Deployment itself, with a
// certificate made at test time by the openssl CLI.
#include "src/actuator/kubernetes_actuator.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/actuator/retrying_actuator.h"
#include "tests/actuator/test_support.h"

namespace limiar::actuator {
namespace {

using ::limiar::testing::LocalHttpServer;
using ::limiar::testing::ReplaceFile;
using ::limiar::testing::TestCerts;
using ::limiar::testing::TestDir;
using ::limiar::testing::WriteFile;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kScalePath[] = R"(/apis/apps/v1/namespaces/([^/]+)/deployments/([^/]+)/scale)";
constexpr char kDeploymentPath[] = R"(/apis/apps/v1/namespaces/([^/]+)/deployments/([^/]+))";

// A v1 Status body, as the API server sends with every error.
json StatusBody(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason},
          {"code", code}};
}

struct Deployment {
  int32_t spec = 0;
  int32_t ready = 0;
};

// The slice of the API server the actuator talks to.
class FakeApiServer {
 public:
  explicit FakeApiServer(const TestCerts& certs) : server_(certs.server_cert, certs.server_key) {
    httplib::Server& s = server_.server();
    s.Get(kScalePath, [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, [&](const std::string& ns, const std::string& name, Deployment& d) {
        Reply(res, 200, ScaleJson(ns, name, d));
      });
    });
    s.Patch(kScalePath, [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, [&](const std::string& ns, const std::string& name, Deployment& d) {
        if (forbid_patch) {
          Reply(res, 403,
                StatusBody(403, "Forbidden",
                           absl::StrCat("deployments.apps \"", name,
                                        "\" is forbidden: User \"system:serviceaccount:", ns,
                                        ":limiar\" cannot patch resource \"deployments/scale\" "
                                        "in API group \"apps\" in the namespace \"",
                                        ns, "\"")));
          return;
        }
        if (conflict) {
          Reply(res, 409,
                StatusBody(409, "Conflict",
                           "Operation cannot be fulfilled on deployments.apps \"web\": the "
                           "object has been modified; please apply your changes to the latest "
                           "version and try again"));
          return;
        }
        const std::string type = req.get_header_value("Content-Type");
        if (type != "application/merge-patch+json") {
          Reply(res, 415,
                StatusBody(415, "UnsupportedMediaType",
                           absl::StrCat("the body of the request was in an unknown "
                                        "format - accepted media types include: "
                                        "application/json-patch+json, "
                                        "application/merge-patch+json; got ",
                                        type)));
          return;
        }
        patches.push_back(req.body);
        const json patch = json::parse(req.body, nullptr, false);
        if (!patch.is_object() || !patch.contains("spec") ||
            !patch["spec"]["replicas"].is_number_integer()) {
          Reply(res, 422, StatusBody(422, "Invalid", "bad patch"));
          return;
        }
        d.spec = patch["spec"]["replicas"].get<int32_t>();
        Reply(res, 200, ScaleJson(ns, name, d));
      });
    });
    s.Get(kDeploymentPath, [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, [&](const std::string& ns, const std::string& name, Deployment& d) {
        if (!deployment_body.empty()) {
          res.status = deployment_status;
          res.set_content(deployment_body, "application/json");
          return;
        }
        Reply(res, 200, DeploymentJson(ns, name, d));
      });
    });
    server_.Start();
  }

  std::string url() const { return server_.base_url(); }

  // Guarded by mu (handlers run on server threads).
  std::mutex mu;
  std::string expected_token = "token-1";
  std::string ns = "shop";
  std::map<std::string, Deployment> deployments;
  bool forbid_patch = false;
  bool conflict = false;
  std::vector<std::string> patches;
  std::vector<std::string> tokens_seen;
  // When set, GET of a Deployment answers this instead, with this status.
  std::string deployment_body;
  int deployment_status = 200;

 private:
  template <typename F>
  void Handle(const httplib::Request& req, httplib::Response& res, F&& serve) {
    std::lock_guard<std::mutex> lock(mu);
    const std::string auth = req.get_header_value("Authorization");
    tokens_seen.push_back(auth);
    if (auth != "Bearer " + expected_token) {
      Reply(res, 401, StatusBody(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const std::string req_ns = req.matches[1];
    const std::string name = req.matches[2];
    auto it = deployments.find(name);
    if (req_ns != ns || it == deployments.end()) {
      Reply(res, 404,
            StatusBody(404, "NotFound", absl::StrCat("deployments.apps \"", name, "\" not found")));
      return;
    }
    serve(req_ns, name, it->second);
  }

  static void Reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  // What `kubectl get --raw .../scale` prints; zero counts are omitted (omitempty).
  static json ScaleJson(const std::string& ns, const std::string& name, const Deployment& d) {
    json scale = {{"kind", "Scale"},
                  {"apiVersion", "autoscaling/v1"},
                  {"metadata",
                   {{"name", name},
                    {"namespace", ns},
                    {"uid", "8d3f6c1e-8c1b-4a53-9d7e-1f0c2b9a7e11"},
                    {"resourceVersion", "48213"},
                    {"creationTimestamp", "2026-11-20T10:00:00Z"}}},
                  {"spec", json::object()},
                  {"status", {{"selector", "app=" + name}}}};
    if (d.spec != 0) scale["spec"]["replicas"] = d.spec;
    if (d.spec != 0) scale["status"]["replicas"] = d.spec;
    return scale;
  }

  static json DeploymentJson(const std::string& ns, const std::string& name, const Deployment& d) {
    json deployment = {{"kind", "Deployment"},
                       {"apiVersion", "apps/v1"},
                       {"metadata", {{"name", name}, {"namespace", ns}, {"generation", 4}}},
                       {"spec",
                        {{"replicas", d.spec},
                         {"selector", {{"matchLabels", {{"app", name}}}}},
                         {"template", {{"metadata", {{"labels", {{"app", name}}}}}}}}},
                       {"status", {{"observedGeneration", 4}, {"replicas", d.spec}}}};
    if (d.ready != 0) deployment["status"]["readyReplicas"] = d.ready;
    return deployment;
  }

  LocalHttpServer server_;
};

ScaleRequest Request(const std::string& target, int32_t replicas) {
  return {
      target, replicas, 2, "scale_up", "requests 92% of 65%", absl::FromUnixSeconds(1800000000)};
}

class KubernetesActuatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TestDir();
    certs_ = new TestCerts(::limiar::testing::MakeTestCerts(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }

  void SetUp() override {
    api_ = std::make_unique<FakeApiServer>(*certs_);
    api_->deployments["storefront"] = {2, 2};
    api_->deployments["web-v2"] = {3, 1};
    WriteFile(dir_->File("token"), "token-1\n");
    WriteFile(dir_->File("namespace"), "shop\n");
    options_.api_server = api_->url();
    options_.token_file = dir_->File("token");
    options_.ca_file = certs_->ca_cert;
    options_.namespace_file = dir_->File("namespace");
    options_.timeout = absl::Seconds(20);
  }

  std::unique_ptr<KubernetesActuator> Make() {
    auto k8s = KubernetesActuator::Create(options_);
    EXPECT_TRUE(k8s.ok()) << k8s.status();
    return k8s.ok() ? *std::move(k8s) : nullptr;
  }

  // Observe's error when GET of the Deployment answers `status` and `body`.
  absl::Status ObserveWhenTheDeploymentIs(int status, std::string body) {
    {
      std::lock_guard<std::mutex> lock(api_->mu);
      api_->deployment_status = status;
      api_->deployment_body = std::move(body);
    }
    const absl::StatusOr<ScaleState> state = Make()->Observe("storefront");
    EXPECT_FALSE(state.ok());
    return state.status();
  }

  static TestDir* dir_;
  static TestCerts* certs_;
  std::unique_ptr<FakeApiServer> api_;
  KubernetesOptions options_;
};

TestDir* KubernetesActuatorTest::dir_ = nullptr;
TestCerts* KubernetesActuatorTest::certs_ = nullptr;

TEST_F(KubernetesActuatorTest, PatchesTheScaleSubresourceWithAMergePatch) {
  auto k8s = Make();
  ASSERT_EQ(k8s->namespace_name(), "shop");  // from the namespace file
  ASSERT_TRUE(k8s->SetReplicas(Request("storefront", 5)).ok());
  std::lock_guard<std::mutex> lock(api_->mu);
  ASSERT_EQ(api_->patches.size(), 1u);
  EXPECT_EQ(json::parse(api_->patches[0]), json::parse(R"({"spec":{"replicas":5}})"));
  EXPECT_EQ(api_->deployments["storefront"].spec, 5);
  EXPECT_EQ(api_->tokens_seen.back(), "Bearer token-1");
}

TEST_F(KubernetesActuatorTest, ObserveReadsSpecFromScaleAndReadyFromTheDeployment) {
  auto k8s = Make();
  absl::StatusOr<ScaleState> state = k8s->Observe("storefront");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 2);
  EXPECT_EQ(state->ready_replicas, 2);
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->deployments["storefront"] = {0, 0};  // scaled to zero: both counts omitted
  }
  state = k8s->Observe("storefront");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 0);
  EXPECT_EQ(state->ready_replicas, 0);
}

TEST_F(KubernetesActuatorTest, TargetsMapToDeploymentNames) {
  options_.deployments = {{"Storefront_V2", "web-v2"}};
  auto k8s = Make();
  absl::StatusOr<ScaleState> state = k8s->Observe("Storefront_V2");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 3);
  EXPECT_EQ(state->ready_replicas, 1);
  ASSERT_TRUE(k8s->SetReplicas(Request("Storefront_V2", 4)).ok());
  std::lock_guard<std::mutex> lock(api_->mu);
  EXPECT_EQ(api_->deployments["web-v2"].spec, 4);
}

TEST_F(KubernetesActuatorTest, UnmappedInvalidNameSaysToMapIt) {
  auto k8s = Make();
  const absl::Status status = k8s->SetReplicas(Request("Storefront_V2", 4));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("kubernetes.deployments"));
}

TEST_F(KubernetesActuatorTest, RotatedTokenIsReadAgain) {
  auto k8s = Make();
  ASSERT_TRUE(k8s->SetReplicas(Request("storefront", 3)).ok());
  // The kubelet writes a new token and swaps it in; the old one stops working.
  ReplaceFile(options_.token_file, "token-2\n");
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->expected_token = "token-2";
  }
  ASSERT_TRUE(k8s->SetReplicas(Request("storefront", 4)).ok());
  std::lock_guard<std::mutex> lock(api_->mu);
  EXPECT_EQ(api_->tokens_seen.back(), "Bearer token-2");
  EXPECT_EQ(api_->deployments["storefront"].spec, 4);
}

TEST_F(KubernetesActuatorTest, UnauthorizedRereadsATokenChangedUnnoticed) {
  auto k8s = Make();
  ASSERT_TRUE(k8s->SetReplicas(Request("storefront", 3)).ok());
  // Rewrite in place with the same size and the old modification time, so that stat sees
  // no change: only the 401 tells the actuator to read the file again.
  struct stat before;
  ASSERT_EQ(::stat(options_.token_file.c_str(), &before), 0);
  WriteFile(options_.token_file, "token-9\n");
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, options_.token_file.c_str(), times, 0), 0);
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->expected_token = "token-9";
  }
  ASSERT_TRUE(k8s->SetReplicas(Request("storefront", 4)).ok());
  std::lock_guard<std::mutex> lock(api_->mu);
  ASSERT_GE(api_->tokens_seen.size(), 2u);
  EXPECT_EQ(api_->tokens_seen[api_->tokens_seen.size() - 2], "Bearer token-1");  // the 401
  EXPECT_EQ(api_->tokens_seen.back(), "Bearer token-9");
}

TEST_F(KubernetesActuatorTest, RejectedTokenNamesTheTokenFile) {
  auto k8s = Make();
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->expected_token = "someone-else";
  }
  const absl::Status status = k8s->SetReplicas(Request("storefront", 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("HTTP 401"));
  EXPECT_THAT(status.message(), HasSubstr(options_.token_file));
}

TEST_F(KubernetesActuatorTest, ForbiddenNamesTheRbacToGrant) {
  auto k8s = Make();
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->forbid_patch = true;
  }
  const absl::Status status = k8s->SetReplicas(Request("storefront", 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(IsRetryable(status));
  EXPECT_THAT(status.message(), HasSubstr("HTTP 403"));
  EXPECT_THAT(status.message(), HasSubstr("grant `patch` on `deployments/scale` in `shop`"));
  EXPECT_THAT(status.message(), HasSubstr("\"get\" and \"patch\" on \"deployments/scale\""));
  EXPECT_THAT(status.message(), HasSubstr("namespace shop"));
  // The API server's own sentence is kept.
  EXPECT_THAT(status.message(), HasSubstr("cannot patch resource \"deployments/scale\""));
}

TEST_F(KubernetesActuatorTest, NotFoundAndConflict) {
  auto k8s = Make();
  absl::Status status = k8s->SetReplicas(Request("checkout", 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("\"checkout\" not found in namespace shop (HTTP 404)"));
  EXPECT_THAT(status.message(), HasSubstr("kubernetes.deployments"));
  EXPECT_EQ(k8s->Observe("checkout").status().code(), absl::StatusCode::kNotFound);
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->conflict = true;
  }
  status = k8s->SetReplicas(Request("storefront", 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("HTTP 409"));
  EXPECT_THAT(status.message(), HasSubstr("another autoscaler"));
}

TEST_F(KubernetesActuatorTest, ExplicitNamespaceWinsOverTheFile) {
  options_.namespace_name = "other";
  auto k8s = Make();
  EXPECT_EQ(k8s->SetReplicas(Request("storefront", 3)).code(), absl::StatusCode::kNotFound);
}

TEST_F(KubernetesActuatorTest, InClusterEnvironmentGivesTheServer) {
  const std::string port = api_->url().substr(api_->url().rfind(':') + 1);
  ::setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", port.c_str(), 1);
  options_.api_server = "";
  auto k8s = Make();
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_NE(k8s, nullptr);
  EXPECT_EQ(k8s->api_server(), "https://127.0.0.1:" + port);
  EXPECT_TRUE(k8s->SetReplicas(Request("storefront", 3)).ok());
}

TEST_F(KubernetesActuatorTest, UntrustedServerIsNotRetried) {
  options_.ca_file = "";  // the system roots do not know the test CA
  auto k8s = Make();
  const absl::Status status = k8s->SetReplicas(Request("storefront", 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

TEST_F(KubernetesActuatorTest, CreateChecksTheMountedFiles) {
  KubernetesOptions missing = options_;
  missing.token_file = dir_->File("no-token");
  EXPECT_THAT(KubernetesActuator::Create(missing).status().message(),
              HasSubstr("service-account token: cannot read token file"));
  missing = options_;
  missing.namespace_file = dir_->File("no-namespace");
  EXPECT_THAT(KubernetesActuator::Create(missing).status().message(),
              HasSubstr("set kubernetes.namespace"));
  missing = options_;
  missing.ca_file = dir_->File("no-ca.crt");
  EXPECT_THAT(KubernetesActuator::Create(missing).status().message(), HasSubstr("ca_file"));
}

TEST_F(KubernetesActuatorTest, DeeplyNestedAnswerIsAnErrorNotACrash) {
  const int depth = 500'000;  // 1 MB: dumping it overflowed the stack
  const absl::Status status = ObserveWhenTheDeploymentIs(
      200, absl::StrCat(R"({"status": {"readyReplicas": )", std::string(depth, '['), "1",
                        std::string(depth, ']'), "}}"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("nested more than 64 levels deep"));
  EXPECT_LT(status.message().size(), 400u);
}

TEST_F(KubernetesActuatorTest, WrongCountIsDescribedNotEchoed) {
  const absl::Status status = ObserveWhenTheDeploymentIs(
      200, absl::StrCat(R"({"status": {"readyReplicas": ")", std::string(100'000, '7'), R"("}})"));
  EXPECT_THAT(status.message(), HasSubstr("/status/readyReplicas is a string"));
  EXPECT_LT(status.message().size(), 400u);
}

TEST_F(KubernetesActuatorTest, ServerMessageIsCutAndKeptOnOneLine) {
  const absl::Status status = ObserveWhenTheDeploymentIs(
      500, StatusBody(500, "InternalError",
                      absl::StrCat("etcd timeout\n2026-11-27T08:00:00Z info forged line",
                                   std::string(100'000, '!')))
               .dump());
  EXPECT_THAT(status.message(), HasSubstr("etcd timeout\\n2026"));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("\n")));
  EXPECT_LT(status.message().size(), 600u);
}

TEST(IsDns1123NameTest, Names) {
  EXPECT_TRUE(IsDns1123Name("web-v2", true));
  EXPECT_TRUE(IsDns1123Name("web.v2", false));
  EXPECT_FALSE(IsDns1123Name("web.v2", true));
  EXPECT_FALSE(IsDns1123Name("Web", false));
  EXPECT_FALSE(IsDns1123Name("-web", false));
  EXPECT_FALSE(IsDns1123Name("", false));
  EXPECT_FALSE(IsDns1123Name(std::string(64, 'a'), true));
}

}  // namespace
}  // namespace limiar::actuator
