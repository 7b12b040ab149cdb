// Secrets and decisions in clear text are called out at start: a webhook bearer token that
// would go over plain http:// to another host, and a grpc actuator asked for plaintext to
// another host. The hosts are TEST-NET-1 (RFC 5737) addresses nothing answers; no decision
// is sent during the test (no samples: the first pass holds).
#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// The serving line comes after every start-up warning.
std::string StartLog(const json& actuator) {
  testing::TestDir dir;
  auto serve = StartServe(dir, TestData("no_warnings.json"), {{"actuator", actuator}});
  return serve == nullptr ? "" : serve->Log();
}

TEST(ActuatorSecurityTest, BearerTokenOverPlainHttpToAnotherHostIsWarnedAbout) {
  const std::string log = StartLog(
      {{"kind", "webhook"},
       {"webhook", {{"url", "http://192.0.2.10:8080/scale"}, {"bearer_token", "s3cret"}}}});
  EXPECT_THAT(log, AllOf(HasSubstr("warning security"), HasSubstr("actuator.webhook.url"),
                         HasSubstr("bearer token"), HasSubstr("192.0.2.10")))
      << log;
  EXPECT_THAT(log, Not(HasSubstr("s3cret")));
}

TEST(ActuatorSecurityTest, NoWarningForHttpsOrLoopback) {
  for (const char* url : {"https://192.0.2.10/scale", "http://127.0.0.1:1/scale",
                          "http://localhost:1/scale", "http://[::1]:1/scale"}) {
    const std::string log =
        StartLog({{"kind", "webhook"}, {"webhook", {{"url", url}, {"bearer_token", "s3cret"}}}});
    EXPECT_THAT(log, AllOf(HasSubstr("serving"), Not(HasSubstr("warning security")))) << log;
  }
}

TEST(ActuatorSecurityTest, PlaintextGrpcToAnotherHostIsWarnedAbout) {
  const std::string log =
      StartLog({{"kind", "grpc"}, {"grpc", {{"address", "192.0.2.10:443"}, {"tls", false}}}});
  EXPECT_THAT(log, AllOf(HasSubstr("warning security"), HasSubstr("actuator.grpc.tls"),
                         HasSubstr("192.0.2.10:443")))
      << log;
}

}  // namespace
}  // namespace limiar::serve_test
