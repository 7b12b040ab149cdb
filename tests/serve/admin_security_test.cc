// Admin security of `limiar serve` from a client's side: the bearer token, TLS and mutual
// TLS, with the `limiar` client subcommands (and the generated stub where the status code
// itself is the point).
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "limiar/v1/admin.grpc.pb.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// A client call that cannot succeed must still end quickly.
const std::vector<std::string> kShortTimeout = {"--timeout", "5"};

std::vector<std::string> Status(const ServeProcess& serve, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"status", "--server", serve.grpc_address()};
  args.insert(args.end(), kShortTimeout.begin(), kShortTimeout.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(AdminSecurityTest, TokenFileGuardsAdminCalls) {
  testing::TestDir dir;
  const std::string token = dir.File("token");
  testing::WriteFile(token, "e2e-s3cret\n");
  const std::string wrong = dir.File("wrong-token");
  testing::WriteFile(wrong, "not-the-secret\n");
  auto serve = StartServe(dir, TestData("no_warnings.json"), nullptr, {"--token-file", token});
  ASSERT_NE(serve, nullptr);

  const RunResult anonymous = RunLimiar(Status(*serve));
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.output;
  EXPECT_THAT(anonymous.output, HasSubstr("Bearer")) << "the error says what is missing";
  EXPECT_THAT(anonymous.output, Not(HasSubstr("storefront")));

  const RunResult wrong_token = RunLimiar(Status(*serve, {"--token-file", wrong}));
  EXPECT_EQ(wrong_token.exit_code, 1) << wrong_token.output;
  EXPECT_THAT(wrong_token.output, HasSubstr("wrong bearer token"));

  const RunResult with_token = RunLimiar(Status(*serve, {"--token-file", token}));
  EXPECT_EQ(with_token.exit_code, 0) << with_token.output;
  EXPECT_THAT(with_token.output, HasSubstr("storefront"));

  // The gRPC status a client library sees: UNAUTHENTICATED, for every admin method.
  auto stub = limiar::v1::Admin::NewStub(
      grpc::CreateChannel(serve->grpc_address(), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext ctx;
    limiar::v1::StatusResponse resp;
    const grpc::Status s = stub->Status(&ctx, limiar::v1::StatusRequest(), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    limiar::v1::SetModeRequest req;
    req.set_target("storefront");
    req.set_mode(limiar::v1::MODE_PAUSED);
    limiar::v1::SetModeResponse resp;
    const grpc::Status s = stub->SetMode(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer e2e-s3cret");
    limiar::v1::StatusResponse resp;
    const grpc::Status s = stub->Status(&ctx, limiar::v1::StatusRequest(), &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.targets_size(), 1);
  }
}

TEST(AdminSecurityTest, TlsNeedsTheCaAndRefusesPlainText) {
  testing::TestDir dir;
  const testing::TestCerts certs = testing::MakeTestCerts(dir.path());
  auto serve =
      StartServe(dir, TestData("no_warnings.json"),
                 {{"tls", {{"cert_file", certs.server_cert}, {"key_file", certs.server_key}}}});
  ASSERT_NE(serve, nullptr);

  const RunResult secure = RunLimiar(Status(*serve, {"--tls-ca", certs.ca_cert}));
  EXPECT_EQ(secure.exit_code, 0) << secure.output;
  EXPECT_THAT(secure.output, HasSubstr("storefront"));

  const RunResult plain = RunLimiar(Status(*serve));
  EXPECT_EQ(plain.exit_code, 1) << plain.output;
  EXPECT_THAT(plain.output, Not(HasSubstr("storefront")));

  // A CA that did not sign the server's certificate is refused too.
  testing::TestDir other;
  const testing::TestCerts stranger = testing::MakeTestCerts(other.path());
  const RunResult wrong_ca = RunLimiar(Status(*serve, {"--tls-ca", stranger.ca_cert}));
  EXPECT_EQ(wrong_ca.exit_code, 1) << wrong_ca.output;
}

TEST(AdminSecurityTest, MutualTlsNeedsAClientCertificate) {
  testing::TestDir dir;
  const testing::TestCerts certs = testing::MakeTestCerts(dir.path());
  auto serve = StartServe(dir, TestData("no_warnings.json"),
                          {{"tls",
                            {{"cert_file", certs.server_cert},
                             {"key_file", certs.server_key},
                             {"client_ca_file", certs.ca_cert}}}});
  ASSERT_NE(serve, nullptr);

  const RunResult no_cert = RunLimiar(Status(*serve, {"--tls-ca", certs.ca_cert}));
  EXPECT_EQ(no_cert.exit_code, 1) << no_cert.output;
  EXPECT_THAT(no_cert.output, Not(HasSubstr("storefront")));

  const RunResult with_cert =
      RunLimiar(Status(*serve, {"--tls-ca", certs.ca_cert, "--tls-cert", certs.client_cert,
                                "--tls-key", certs.client_key}));
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.output;
  EXPECT_THAT(with_cert.output, HasSubstr("storefront"));

  // Ingest sits behind the same mutual TLS.
  const RunResult push_no_cert =
      RunLimiar({"push", "-s", serve->grpc_address(), "--timeout", "5", "--tls-ca", certs.ca_cert,
                 "-r", "storefront", "-m", "requests", "--replica", "storefront-0=10"});
  EXPECT_EQ(push_no_cert.exit_code, 1) << push_no_cert.output;
  const RunResult push_with_cert =
      RunLimiar({"push", "-s", serve->grpc_address(), "--timeout", "5", "--tls-ca", certs.ca_cert,
                 "--tls-cert", certs.client_cert, "--tls-key", certs.client_key, "-r", "storefront",
                 "-m", "requests", "--replica", "storefront-0=10"});
  EXPECT_EQ(push_with_cert.exit_code, 0) << push_with_cert.output;
  EXPECT_THAT(push_with_cert.output, HasSubstr("1 accepted, 0 rejected"));
}

}  // namespace
}  // namespace limiar::serve_test
