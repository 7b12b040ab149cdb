// The forecast history's warm start against a real ControlLoop behind a Runner that does not
// tick (so nothing but the warm start changes the history) and a scripted range querier:
// which sources it reads, what it reads for a target that keeps some history, and what it
// says.
#include "src/serve/history_warm_start.h"

#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/metrics/store/sample_store.h"
#include "tests/fakes/fake_actuator.h"
#include "tests/support/policy_builders.h"

namespace limiar::serve {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000 / 60 * 60) + absl::Seconds(20);
const absl::Time kNowMinute = kNow - absl::Seconds(20);

// Every minute's value is 500; the failure, when set, comes instead.
class ScriptedRangeQuerier : public metrics::PromQlRangeQuerier {
 public:
  absl::StatusOr<std::vector<metrics::PromQlPoint>> QueryRange(const metrics::PromQlQuery&,
                                                               absl::Time start, absl::Time end,
                                                               absl::Duration step) override {
    asked.push_back({start, end});
    if (!failure.ok()) return failure;
    std::vector<metrics::PromQlPoint> points;
    for (absl::Time t = start; t <= end; t += step) points.push_back({t, 500});
    return points;
  }
  std::vector<std::pair<absl::Time, absl::Time>> asked;
  absl::Status failure;
};

policy::TargetPolicy Forecasting(const std::string& target, absl::Duration history) {
  policy::TargetPolicy t = testing::RequestsPolicy(2, 20, target);
  t.forecasting = policy::Forecasting{};
  t.forecasting->history = history;
  return t;
}

class HistoryWarmStartTest : public ::testing::Test {
 protected:
  void Build(std::vector<policy::TargetPolicy> targets) {
    targets_ = targets;
    for (const policy::TargetPolicy& t : targets) actuator_.state[t.target] = {2, 2};
    auto loop = controller::ControlLoop::Create(std::move(targets), &store_, &actuator_, nullptr);
    ASSERT_TRUE(loop.ok()) << loop.status();
    runner_ = std::make_unique<controller::Runner>(*std::move(loop), &clock_,
                                                   controller::RunnerOptions{absl::Hours(1)});
    warm_ = std::make_unique<HistoryWarmStart>(&querier_, runner_.get(), &clock_, nullptr);
  }

  policy::PolicyState::LoadHistory History(const std::string& target) {
    policy::PolicyState::LoadHistory h;
    runner_->WithLoop([&](controller::ControlLoop& loop) {
      absl::StatusOr<policy::PolicyState> s = loop.PolicyStateOf(target);
      if (s.ok() && !s->load_history.empty()) h = s->load_history[0];
    });
    return h;
  }

  WarmStartSource Source(const std::string& target) {
    std::vector<WarmStartSource> sources = WarmStartSources(
        targets_, {{target, policy::MetricType::kRequests, {.server_address = "http://prom"}}});
    EXPECT_THAT(sources, SizeIs(1));
    return sources.empty() ? WarmStartSource{} : sources[0];
  }

  ManualClock clock_{kNow};
  metrics::SampleStore store_;
  testing::FakeActuator actuator_;
  ScriptedRangeQuerier querier_;
  std::vector<policy::TargetPolicy> targets_;
  std::unique_ptr<controller::Runner> runner_;
  std::unique_ptr<HistoryWarmStart> warm_;
};

TEST_F(HistoryWarmStartTest, OnlyForecastingTargetsWithAPromQlSourceOfTheirMetricAreRead) {
  std::vector<policy::TargetPolicy> targets{Forecasting("web", absl::Hours(24)),
                                            testing::RequestsPolicy(2, 8, "api"),
                                            Forecasting("cart", absl::Hours(48))};
  const std::vector<WarmStartSource> sources = WarmStartSources(
      targets, {{"web", policy::MetricType::kRequests, {}},
                {"api", policy::MetricType::kRequests, {}},  // does not forecast
                {"cart", policy::MetricType::kCpu, {}},      // not the metric it scales on
                {"cart", policy::MetricType::kRequests, {}}});
  ASSERT_THAT(sources, SizeIs(2));
  EXPECT_EQ(sources[0].target, "web");
  EXPECT_EQ(sources[0].history_minutes, 1440u);
  EXPECT_EQ(sources[1].target, "cart");
  EXPECT_EQ(sources[1].metric_index, 0u);
  EXPECT_EQ(sources[1].history_minutes, 2880u);
}

TEST_F(HistoryWarmStartTest, ANewTargetGetsTheWholeHistoryItKeeps) {
  Build({Forecasting("web", absl::Hours(24))});
  const HistoryWarmStart::Outcome out = warm_->WarmStart(Source("web"), kNow);
  EXPECT_FALSE(out.failed);
  EXPECT_EQ(out.line,
            "forecast history of web requests: 1,440 of 1,440 minutes read from prometheus "
            "http://prom; it now holds 1,440 minutes (1.0 days)");
  ASSERT_THAT(querier_.asked, SizeIs(1));
  EXPECT_EQ(querier_.asked[0].first, kNowMinute - absl::Hours(24) + absl::Minutes(1));
  EXPECT_EQ(querier_.asked[0].second, kNowMinute);
  const policy::PolicyState::LoadHistory h = History("web");
  EXPECT_EQ(h.last_minute, kNowMinute - absl::Minutes(1));
  EXPECT_THAT(h.minutes, SizeIs(1440));
  EXPECT_EQ(h.minutes.front(), 500);
}

TEST_F(HistoryWarmStartTest, AFullHistoryReadsOnlyTheMinutesSinceItAndThenNothing) {
  Build({Forecasting("web", absl::Hours(24))});
  // Restored: a full day of 100s that ended ten minutes ago (a restart after an outage).
  runner_->WithLoop([](controller::ControlLoop& loop) {
    ASSERT_TRUE(loop.UpdatePolicyState("web",
                                       [](policy::PolicyState& s) {
                                         ASSERT_THAT(s.load_history, SizeIs(1));
                                         s.load_history[0] = {kNowMinute - absl::Minutes(11),
                                                              std::vector<double>(1440, 100)};
                                       })
                    .ok());
  });
  HistoryWarmStart::Outcome out = warm_->WarmStart(Source("web"), kNow);
  EXPECT_THAT(out.line, HasSubstr("10 of 10 minutes read"));
  ASSERT_THAT(querier_.asked, SizeIs(1));
  EXPECT_EQ(querier_.asked[0].first, kNowMinute - absl::Minutes(9));
  policy::PolicyState::LoadHistory h = History("web");
  EXPECT_EQ(h.last_minute, kNowMinute - absl::Minutes(1));
  ASSERT_THAT(h.minutes, SizeIs(1440));
  EXPECT_EQ(h.minutes[1429], 100);  // kept, and the ten read after it
  EXPECT_EQ(h.minutes[1430], 500);

  out = warm_->WarmStart(Source("web"), kNow);
  EXPECT_EQ(out.line,
            "forecast history of web requests: the kept history already holds its 1.0 days; "
            "nothing read from prometheus");
  EXPECT_THAT(querier_.asked, SizeIs(1));
}

TEST_F(HistoryWarmStartTest, AFailureIsAWarningAndLeavesTheHistoryAlone) {
  Build({Forecasting("web", absl::Hours(24))});
  querier_.failure = absl::UnavailableError("prometheus http://prom: connection refused");
  const HistoryWarmStart::Outcome out = warm_->WarmStart(Source("web"), kNow);
  EXPECT_TRUE(out.failed);
  EXPECT_EQ(out.line,
            "forecast history of web requests: warm start stopped: UNAVAILABLE: prometheus "
            "http://prom: connection refused");
  EXPECT_THAT(History("web").minutes, SizeIs(0));
}

TEST_F(HistoryWarmStartTest, ATargetThatNoLongerForecastsIsSkipped) {
  Build({testing::RequestsPolicy(2, 8, "web")});
  WarmStartSource source{.target = "web", .history_minutes = 1440};
  EXPECT_EQ(warm_->WarmStart(source, kNow).line,
            "forecast history of web requests: no longer forecast, nothing read");
  EXPECT_THAT(querier_.asked, SizeIs(0));
}

TEST_F(HistoryWarmStartTest, QueuedSourcesAreReadOnItsThreadAndLogged) {
  Build({Forecasting("web", absl::Hours(24))});
  Mutex mu;
  CondVar said;
  std::vector<std::string> lines;
  HistoryWarmStart warm(&querier_, runner_.get(), &clock_, [&](const std::string& line, bool) {
    MutexLock lock(&mu);
    lines.push_back(line);
    said.SignalAll();
  });
  warm.Add({Source("web")});
  {
    MutexLock lock(&mu);
    const auto deadline = CondVar::After(absl::Seconds(30));
    while (lines.empty()) {
      if (said.WaitUntil(&mu, deadline)) break;
    }
    ASSERT_THAT(lines, SizeIs(1));
    EXPECT_THAT(lines[0], HasSubstr("1,440 of 1,440 minutes read"));
  }
  warm.Stop();
  EXPECT_THAT(History("web").minutes, SizeIs(1440));
}

}  // namespace
}  // namespace limiar::serve
