// What a sender pushes besides per-replica values, against the real binary: a load
// balancer's total for the whole resource, a replica that went away, and a push token.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::HasSubstr;

TEST(ServePushTest, ALoadBalancersTotalDrivesTheDecision) {
  if (!HaveSharedBlueprints()) GTEST_SKIP() << "../shared is absent: serves its blueprint";
  testing::TestDir dir;
  auto serve =
      StartServe(dir, SharedBlueprint("ecommerce-high-traffic.json"), {{"tick_interval_s", 1}});
  ASSERT_NE(serve, nullptr);
  const size_t from = serve->LineCount();
  // 390 requests/s in all at 65 per replica: 6 replicas (storefront is 2..8).
  const RunResult pushed = RunLimiar({"push", "-s", serve->grpc_address(), "-r", "storefront", "-m",
                                      "requests", "--total", "390"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.output;
  EXPECT_THAT(pushed.output, HasSubstr("1 accepted, 0 rejected"));
  const std::optional<std::string> line = serve->WaitForLine(
      [](const std::string& l) { return IsDecision(l, "storefront") && l.find("-> 4") != l.npos; },
      from);
  // 2 -> 4 first: HPA's legacy scale-up limit, max(2 x 2, 4).
  ASSERT_TRUE(line.has_value()) << serve->Log();
  EXPECT_THAT(*line, HasSubstr("asks 6")) << *line;  // 390 / 2 = 195 per replica
}

TEST(ServePushTest, PushNeedsTheIngestTokenWhenConfigured) {
  if (!HaveSharedBlueprints()) GTEST_SKIP() << "../shared is absent: serves its blueprint";
  testing::TestDir dir;
  const std::string token = dir.File("push-token");
  testing::WriteFile(token, "s3cret\n");
  auto serve = StartServe(dir, SharedBlueprint("ecommerce-high-traffic.json"),
                          {{"ingest_token_file", token}});
  ASSERT_NE(serve, nullptr);
  const std::vector<std::string> push = {
      "push",     "-s",        serve->grpc_address(), "-r",     "storefront",  "-m",
      "requests", "--replica", "storefront-0=50",     "--gone", "storefront-1"};
  RunResult r = RunLimiar(push);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("push needs `authorization: Bearer TOKEN`"));
  std::vector<std::string> with_token = push;
  with_token.insert(with_token.end(), {"--token-file", token});
  r = RunLimiar(with_token);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("2 accepted, 0 rejected"));
}

}  // namespace
}  // namespace limiar::serve_test
