#include "src/actuator/actuator_factory.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/actuator/test_support.h"

namespace limiar::actuator {
namespace {

using ::limiar::testing::TestDir;
using ::limiar::testing::WriteScript;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

ActuatorConfig Config(const std::string& text) {
  absl::StatusOr<ActuatorConfig> config = ParseActuatorConfig(nlohmann::json::parse(text));
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : ActuatorConfig{};
}

ScaleRequest Request(int32_t replicas) {
  return {"storefront", replicas, 2, "scale_up", "requests 92% of 65%", kStart};
}

TEST(CreateActuatorTest, LogKind) {
  ManualClock clock(kStart);
  ActuatorStats stats;
  std::ostringstream log;
  ActuatorEnvironment env;
  env.initial_replicas = {{"storefront", 2}};
  env.log = &log;
  env.stats = &stats;
  auto actuator = CreateActuator(Config(R"({"kind": "log"})"), &clock, env);
  ASSERT_TRUE(actuator.ok()) << actuator.status();
  EXPECT_EQ((*actuator)->Observe("storefront")->spec_replicas, 2);
  ASSERT_TRUE((*actuator)->SetReplicas(Request(4)).ok());
  EXPECT_EQ((*actuator)->Observe("storefront")->spec_replicas, 4);
  EXPECT_THAT(log.str(), HasSubstr("storefront: replicas 2 -> 4"));
  EXPECT_EQ(stats.Snapshot().successes, 1);
}

TEST(CreateActuatorTest, ExecKindIsWrappedInRetries) {
  TestDir dir;
  // Fails with EX_TEMPFAIL on the first call only.
  WriteScript(dir.File("flaky"), absl::StrCat("if [ ! -e '", dir.File("seen"), "' ]; then touch '",
                                              dir.File("seen"), "'; exit 75; fi\n"));
  const std::string config = absl::StrCat(
      R"({"kind": "exec", "retry": {"max_attempts": 3, "initial_backoff_seconds": 1},)",
      R"( "exec": {"command": ")", dir.File("flaky"), R"( {target} {replicas}"}})");
  ManualClock clock(kStart);
  ActuatorStats stats;
  ActuatorEnvironment env;
  env.initial_replicas = {{"storefront", 2}};
  env.stats = &stats;
  env.jitter_seed = 5;
  auto actuator = CreateActuator(Config(config), &clock, env);
  ASSERT_TRUE(actuator.ok()) << actuator.status();
  ASSERT_TRUE((*actuator)->SetReplicas(Request(6)).ok());
  EXPECT_EQ((*actuator)->Observe("storefront")->spec_replicas, 6);
  const ActuatorStatsSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.successes, 1);
  EXPECT_EQ(s.retries, 1);
  EXPECT_EQ(s.failures, 0);
  EXPECT_LT(clock.Now() - kStart, absl::Seconds(1));  // one jittered wait below the first cap
}

TEST(CreateActuatorTest, WebhookKind) {
  ::limiar::testing::LocalHttpServer server;
  int posts = 0;
  server.server().Post("/hook", [&](const httplib::Request&, httplib::Response& res) {
    ++posts;
    res.status = 202;
  });
  server.Start();
  ManualClock clock(kStart);
  auto actuator = CreateActuator(Config(absl::StrCat(R"({"kind": "webhook", "webhook": {"url": ")",
                                                     server.base_url(), R"(/hook"}})")),
                                 &clock, {});
  ASSERT_TRUE(actuator.ok()) << actuator.status();
  ASSERT_TRUE((*actuator)->SetReplicas(Request(3)).ok());
  EXPECT_EQ(posts, 1);
}

TEST(CreateActuatorTest, GrpcKindConnectsLazily) {
  ManualClock clock(kStart);
  auto actuator =
      CreateActuator(Config(R"({"kind": "grpc", "grpc": {"address": "127.0.0.1:1"}})"), &clock, {});
  EXPECT_TRUE(actuator.ok()) << actuator.status();
}

TEST(CreateActuatorTest, KubernetesKindOutsideAClusterSaysSo) {
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ManualClock clock(kStart);
  const absl::Status status =
      CreateActuator(Config(R"({"kind": "kubernetes"})"), &clock, {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("KUBERNETES_SERVICE_HOST"));
}

// A blueprint reload adds checkout after creation: every kind that reports counts it set
// itself (log; webhook and exec without an observe URL or command) must know it from its
// first evaluation, and keep the count of a target it already knows.
TEST(CreateActuatorTest, TargetsAddedByAReloadStartAtTheirCount) {
  TestDir dir;
  WriteScript(dir.File("scale"), "exit 0\n");
  for (const std::string& config :
       {std::string(R"({"kind": "log"})"),
        std::string(R"({"kind": "webhook", "webhook": {"url": "http://127.0.0.1:1/hook"}})"),
        absl::StrCat(R"({"kind": "exec", "exec": {"command": ")", dir.File("scale"),
                     R"( {target}"}})")}) {
    SCOPED_TRACE(config);
    ManualClock clock(kStart);
    ActuatorEnvironment env;
    env.initial_replicas = {{"storefront", 2}};
    auto actuator = CreateActuator(Config(config), &clock, env);
    ASSERT_TRUE(actuator.ok()) << actuator.status();
    EXPECT_EQ((*actuator)->Observe("checkout").status().code(), absl::StatusCode::kNotFound);
    (*actuator)->AddTargets({{"storefront", {7, "scale-store"}}, {"checkout", {3, "scale-co"}}});
    absl::StatusOr<ScaleState> checkout = (*actuator)->Observe("checkout");
    ASSERT_TRUE(checkout.ok()) << checkout.status();
    EXPECT_EQ(checkout->spec_replicas, 3);
    EXPECT_EQ(checkout->ready_replicas, 3);
    EXPECT_EQ((*actuator)->Observe("storefront")->spec_replicas, 2);
  }
}

TEST(CreateActuatorTest, KindErrorsAreReturned) {
  ManualClock clock(kStart);
  ActuatorConfig config;
  config.kind = ActuatorKind::kExec;
  config.exec.command = "x 'unterminated";
  EXPECT_EQ(CreateActuator(config, &clock, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace limiar::actuator
