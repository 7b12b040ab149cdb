// Against a real gRPC server implementing limiar.v1.Actuator in the test process, on
// 127.0.0.1 with an ephemeral port.
#include "src/actuator/grpc_actuator.h"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "limiar/v1/actuator.grpc.pb.h"
#include "src/actuator/retrying_actuator.h"
#include "src/common/clock.h"
#include "tests/actuator/test_support.h"

namespace limiar::actuator {
namespace {

using ::limiar::testing::ReadFileOrDie;
using ::limiar::testing::TestDir;
using ::testing::HasSubstr;

// A platform's side: remembers the requests, answers from a script of statuses, and can
// hold a call until released (for deadlines).
class PlatformService final : public limiar::v1::Actuator::Service {
 public:
  grpc::Status SetReplicas(grpc::ServerContext* context,
                           const limiar::v1::SetReplicasRequest* request,
                           limiar::v1::SetReplicasResponse* response) override {
    std::unique_lock<std::mutex> lock(mu_);
    requests.push_back(*request);
    cv_.wait(lock, [this] { return !hold_; });
    if (!script.empty()) {
      grpc::Status next = script.front();
      script.pop_front();
      return next;
    }
    replicas[request->target()] = request->replicas();
    return grpc::Status::OK;
  }

  grpc::Status Observe(grpc::ServerContext* context, const limiar::v1::ObserveRequest* request,
                       limiar::v1::ObserveResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = replicas.find(request->target());
    if (it == replicas.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no target " + request->target());
    }
    response->set_spec_replicas(it->second);
    response->set_ready_replicas(it->second - 1);
    return grpc::Status::OK;
  }

  void Hold(bool hold) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      hold_ = hold;
    }
    cv_.notify_all();
  }

  std::mutex& mu() { return mu_; }

  // Guarded by mu().
  std::vector<limiar::v1::SetReplicasRequest> requests;
  std::deque<grpc::Status> script;
  std::map<std::string, int32_t> replicas = {{"storefront", 3}};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
};

class GrpcServer {
 public:
  explicit GrpcServer(
      std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port_);
    builder.RegisterService(&service);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port_, 0);
  }
  ~GrpcServer() {
    service.Hold(false);
    server_->Shutdown();
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  PlatformService service;

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

ScaleRequest Request(int32_t replicas) {
  return {"storefront", replicas, 3, "scale_up", "requests 92% of 65%", absl::FromUnixSeconds(1)};
}

std::unique_ptr<GrpcActuator> Make(GrpcOptions options,
                                   std::map<std::string, std::string> resources = {}) {
  auto actuator = GrpcActuator::Create(options, std::move(resources));
  EXPECT_TRUE(actuator.ok()) << actuator.status();
  return actuator.ok() ? *std::move(actuator) : nullptr;
}

GrpcOptions Plain(const GrpcServer& server) {
  GrpcOptions options;
  options.address = server.address();
  options.tls = false;
  options.timeout = absl::Seconds(20);
  return options;
}

TEST(GrpcActuatorTest, SetReplicasSendsTheDecision) {
  GrpcServer server;
  auto grpc = Make(Plain(server), {{"storefront", "web-rps"}});
  ASSERT_TRUE(grpc->SetReplicas(Request(5)).ok());
  std::lock_guard<std::mutex> lock(server.service.mu());
  ASSERT_EQ(server.service.requests.size(), 1u);
  const limiar::v1::SetReplicasRequest& got = server.service.requests[0];
  EXPECT_EQ(got.resource(), "web-rps");
  EXPECT_EQ(got.target(), "storefront");
  EXPECT_EQ(got.replicas(), 5);
  EXPECT_EQ(got.reason(), "scale_up");
  EXPECT_EQ(got.message(), "requests 92% of 65%");
}

TEST(GrpcActuatorTest, TargetsAddedByAReloadSendTheirResourceName) {
  GrpcServer server;
  auto grpc = Make(Plain(server), {{"storefront", "web-rps"}});
  grpc->AddTargets({{"checkout", {3, "checkout-cpu"}}, {"storefront", {2, "web-rps-v2"}}});
  ScaleRequest checkout = Request(4);
  checkout.target = "checkout";
  ASSERT_TRUE(grpc->SetReplicas(checkout).ok());
  ASSERT_TRUE(grpc->SetReplicas(Request(5)).ok());
  std::lock_guard<std::mutex> lock(server.service.mu());
  ASSERT_EQ(server.service.requests.size(), 2u);
  EXPECT_EQ(server.service.requests[0].resource(), "checkout-cpu");
  EXPECT_EQ(server.service.requests[1].resource(), "web-rps-v2");
}

TEST(GrpcActuatorTest, ObserveReturnsTheServersCounts) {
  GrpcServer server;
  auto grpc = Make(Plain(server));
  absl::StatusOr<ScaleState> state = grpc->Observe("storefront");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 3);
  EXPECT_EQ(state->ready_replicas, 2);
  ASSERT_TRUE(grpc->SetReplicas(Request(6)).ok());
  EXPECT_EQ(grpc->Observe("storefront")->spec_replicas, 6);
  const absl::Status missing = grpc->Observe("checkout").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("no target checkout"));
}

TEST(GrpcActuatorTest, UnavailableIsRetriedWithTheSameCountPermissionDeniedIsNot) {
  GrpcServer server;
  {
    std::lock_guard<std::mutex> lock(server.service.mu());
    server.service.script = {grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting"),
                             grpc::Status(grpc::StatusCode::OK, ""),
                             grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not yours")};
  }
  ManualClock clock(absl::FromUnixSeconds(1));
  ActuatorStats stats;
  RetryingActuator retrying(Make(Plain(server)), "grpc",
                            RetryPolicy{3, absl::Milliseconds(100), absl::Seconds(1)}, &clock,
                            std::mt19937_64(9), &stats);
  ASSERT_TRUE(retrying.SetReplicas(Request(7)).ok());
  const absl::Status denied = retrying.SetReplicas(Request(8));
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("not yours"));
  std::lock_guard<std::mutex> lock(server.service.mu());
  ASSERT_EQ(server.service.requests.size(), 3u);
  EXPECT_EQ(server.service.requests[0].replicas(), 7);
  EXPECT_EQ(server.service.requests[1].replicas(), 7);
  EXPECT_EQ(server.service.requests[2].replicas(), 8);
  EXPECT_EQ(stats.Snapshot().retries, 1);
  EXPECT_EQ(stats.Snapshot().failures, 1);
}

TEST(GrpcActuatorTest, PlatformErrorMessageIsCutAndKeptOnOneLine) {
  GrpcServer server;
  {
    std::lock_guard<std::mutex> lock(server.service.mu());
    server.service.script = {grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        "quota\n2026-11-27T08:00:00Z info decision storefront: 2 -> 9" + std::string(5000, '!'))};
  }
  const absl::Status status = Make(Plain(server))->SetReplicas(Request(7));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("quota\\n2026-11-27T08:00:00Z info"));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("\n")));
  EXPECT_LT(status.message().size(), 400u);
}

TEST(GrpcActuatorTest, DeadlineIsEnforced) {
  GrpcServer server;
  server.service.Hold(true);
  GrpcOptions options = Plain(server);
  options.timeout = absl::Milliseconds(300);
  auto grpc = Make(options);
  const absl::Status status = grpc->SetReplicas(Request(5));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_TRUE(IsRetryable(status));
  server.service.Hold(false);
}

TEST(GrpcActuatorTest, NoServerIsUnavailable) {
  GrpcOptions options;
  options.address = absl::StrCat("127.0.0.1:", ::limiar::testing::UnusedPort());
  options.timeout = absl::Seconds(20);
  const absl::Status status = Make(options)->SetReplicas(Request(5));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST(GrpcActuatorTest, TlsWithRootCerts) {
  TestDir dir;
  const ::limiar::testing::TestCerts certs = ::limiar::testing::MakeTestCerts(dir.path());
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back(
      {ReadFileOrDie(certs.server_key), ReadFileOrDie(certs.server_cert)});
  GrpcServer server(grpc::SslServerCredentials(ssl));

  GrpcOptions options = Plain(server);
  options.tls = true;
  options.root_certs_file = certs.ca_cert;
  // The certificate names IP 127.0.0.1, the address's host.
  ASSERT_TRUE(Make(options)->SetReplicas(Request(4)).ok());
  EXPECT_EQ(Make(options)->Observe("storefront")->spec_replicas, 4);
  // ... and DNS localhost, which tls_server_name may ask for instead.
  options.tls_server_name = "localhost";
  EXPECT_TRUE(Make(options)->SetReplicas(Request(5)).ok());
  options.tls_server_name = "platform.example";
  options.timeout = absl::Seconds(2);
  EXPECT_EQ(Make(options)->SetReplicas(Request(6)).code(), absl::StatusCode::kUnavailable);

  // Plaintext against a TLS server fails rather than sending the decision in clear.
  GrpcOptions plain = Plain(server);
  plain.timeout = absl::Seconds(2);
  EXPECT_EQ(Make(plain)->SetReplicas(Request(4)).code(), absl::StatusCode::kUnavailable);
}

TEST(GrpcActuatorTest, UnreadableRootCertsFailAtCreate) {
  GrpcOptions options;
  options.address = "127.0.0.1:1";
  options.tls = true;
  options.root_certs_file = "/nonexistent/ca.pem";
  const absl::Status status = GrpcActuator::Create(options, {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("root_certs_file"));
}

}  // namespace
}  // namespace limiar::actuator
