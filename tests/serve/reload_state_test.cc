// What a reload keeps and what it starts: `status` and `explain` still show every kept
// target's last decision (a reload is not an evaluation), and a target the reload added is
// known to the actuator from its first evaluation, at replicas_min or at the count the
// state file saved for it, as at start-up. The actuator is `log`, which cannot observe a
// platform and so reports only the counts it was told.
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// testdata/reload_good.json adds checkout-api (cpu, 70 % of 1 core per replica, 3..6
// replicas). Three replicas at 3 cores ask for ceil(3 * 3 / 0.7) = 13, capped at 6; 3
// cores is over the fast-path trigger (200 % of 0.7), so the push is evaluated at once.
const std::vector<std::pair<std::string, double>> kCheckoutHot = {
    {"checkout-0", 3}, {"checkout-1", 3}, {"checkout-2", 3}};

class ReloadStateTest : public ::testing::Test {
 protected:
  // One tick at start and none after within the test: every later decision comes from the
  // fast path, so nothing but the reload can change what `status` shows.
  json Config(bool with_state_file) const {
    json c{{"tick_interval_s", 3600}};
    if (with_state_file) c["state_file"] = dir_.File("state.json");
    return c;
  }

  // The configured blueprint file, written with the contents of a testdata blueprint.
  void UseBlueprint(const std::string& testdata) {
    testing::WriteFile(blueprint_, testing::ReadFileOrDie(TestData(testdata)));
  }

  RunResult Limiar(const ServeProcess& serve, std::vector<std::string> args) {
    args.insert(args.end(), {"--server", serve.grpc_address()});
    return RunLimiar(args);
  }

  // Reloads the configured file and waits for the server's log line.
  void Reload(ServeProcess& serve, size_t targets) {
    const size_t from = serve.LineCount();
    const RunResult reloaded = Limiar(serve, {"reload"});
    ASSERT_EQ(reloaded.exit_code, 0) << reloaded.output;
    ASSERT_TRUE(serve.WaitForLine(absl::StrCat(" loaded: ", targets, " targets"), from))
        << serve.Log();
  }

  // Pushes a spike for checkout-api and returns its fast-path decision line.
  std::optional<std::string> CheckoutSpikeDecision(ServeProcess& serve) {
    const size_t from = serve.LineCount();
    absl::StatusOr<limiar::v1::PushResponse> pushed =
        Push(serve.grpc_address(), "checkout-api", limiar::v1::METRIC_CPU, kCheckoutHot);
    EXPECT_TRUE(pushed.ok()) << pushed.status();
    return serve.WaitForLine([](const std::string& l) { return IsDecision(l, "checkout-api"); },
                             from);
  }

  testing::TestDir dir_;
  const std::string blueprint_ = dir_.File("blueprint.json");
};

TEST_F(ReloadStateTest, KeptTargetsKeepTheirLastDecisionAndAddedOnesStartAtTheirMinimum) {
  UseBlueprint("no_warnings.json");
  auto serve = StartServe(dir_, blueprint_, Config(/*with_state_file=*/false));
  ASSERT_NE(serve, nullptr);
  ASSERT_TRUE(
      serve->WaitForLine([](const std::string& l) { return IsDecision(l, "storefront"); }, 0))
      << serve->Log();
  RunResult status = Limiar(*serve, {"status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  ASSERT_THAT(status.output, Not(HasSubstr("no evaluation yet"))) << "control: the first tick ran";

  UseBlueprint("reload_good.json");
  Reload(*serve, 2);

  // storefront was decided before the reload and nothing has evaluated it since.
  status = Limiar(*serve, {"status", "storefront"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, AllOf(HasSubstr("2..12"), Not(HasSubstr("no evaluation yet"))));
  const RunResult explain = Limiar(*serve, {"explain", "storefront"});
  EXPECT_EQ(explain.exit_code, 0) << explain.output;
  EXPECT_THAT(explain.output, Not(HasSubstr("no evaluation yet")));

  // checkout-api is new: the log actuator reports its replicas_min, 3, and scales it.
  std::optional<std::string> decision = CheckoutSpikeDecision(*serve);
  ASSERT_TRUE(decision.has_value()) << serve->Log();
  EXPECT_THAT(*decision, AllOf(HasSubstr("checkout-api: 3 -> 6"), Not(HasSubstr("ObserveFailed"))));
}

TEST_F(ReloadStateTest, AnAddedTargetStartsAtTheCountTheStateFileSavedForIt) {
  // 1. Both targets managed: checkout-api is scaled to 6 and the state file says so.
  UseBlueprint("reload_good.json");
  {
    auto serve = StartServe(dir_, blueprint_, Config(/*with_state_file=*/true));
    ASSERT_NE(serve, nullptr);
    // The tick at start comes first (no samples yet: it holds 3).
    ASSERT_TRUE(
        serve->WaitForLine([](const std::string& l) { return IsDecision(l, "checkout-api"); }, 0))
        << serve->Log();
    std::optional<std::string> decision = CheckoutSpikeDecision(*serve);
    ASSERT_TRUE(decision.has_value()) << serve->Log();
    ASSERT_THAT(*decision, HasSubstr("checkout-api: 3 -> 6")) << serve->Log();
    serve->Signal(SIGTERM);
    std::optional<int> exit_status = serve->WaitExit();
    ASSERT_TRUE(exit_status.has_value() && WIFEXITED(*exit_status) &&
                WEXITSTATUS(*exit_status) == 0)
        << serve->Log();
  }

  // 2. Restarted without checkout-api, then a reload brings it back: it starts at the 6 the
  // state file held at start-up, not at its minimum of 3.
  UseBlueprint("no_warnings.json");
  auto serve = StartServe(dir_, blueprint_, Config(/*with_state_file=*/true));
  ASSERT_NE(serve, nullptr);
  UseBlueprint("reload_good.json");
  Reload(*serve, 2);
  std::optional<std::string> decision = CheckoutSpikeDecision(*serve);
  ASSERT_TRUE(decision.has_value()) << serve->Log();
  EXPECT_THAT(*decision, AllOf(HasSubstr("checkout-api: 6 -> 6"), Not(HasSubstr("ObserveFailed"))));
}

}  // namespace
}  // namespace limiar::serve_test
