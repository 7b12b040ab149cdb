#include "src/controller/control_loop.h"

#include <gtest/gtest.h>

#include <memory>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "src/common/worker_pool.h"
#include "src/metrics/store/sample_store.h"
#include "tests/fakes/fake_actuator.h"
#include "tests/support/policy_builders.h"
#include "tests/support/sample_builders.h"

namespace limiar::controller {
namespace {

using ::limiar::testing::FakeActuator;
using policy::MetricType;

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

policy::TargetPolicy Storefront() { return testing::RequestsPolicy(2, 8); }

class RecordingSink final : public DecisionSink {
 public:
  std::vector<Decision> decisions;
  bool wants_explanations = true;
  void OnDecision(const Decision& d) override { decisions.push_back(d); }
  bool WantsExplanations() const override { return wants_explanations; }
};

class ControlLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    actuator_.state["storefront"] = {2, 2};
    actuator_.state["checkout"] = {2, 2};
  }
  // Every listed replica of `target` reports `per_replica` requests/s at `now`.
  void Load(const std::string& target, int replicas, double per_replica, absl::Time now) {
    for (int i = 0; i < replicas; ++i) {
      ASSERT_TRUE(source_
                      .Add(testing::MakeStartedSample(target, target + "-" + std::to_string(i),
                                                      per_replica, now, kT0 - absl::Hours(1)))
                      .ok());
    }
  }
  std::unique_ptr<ControlLoop> Make(std::vector<policy::TargetPolicy> targets) {
    absl::StatusOr<std::unique_ptr<ControlLoop>> loop =
        ControlLoop::Create(std::move(targets), &source_, &actuator_, &sink_);
    EXPECT_TRUE(loop.ok()) << loop.status();
    return *std::move(loop);
  }

  metrics::SampleStore source_{[] {
    metrics::SampleStoreOptions o;
    o.metric_window = absl::Seconds(15);  // one tick: each tick sees only its own load
    return o;
  }()};
  FakeActuator actuator_;
  RecordingSink sink_;
};

TEST_F(ControlLoopTest, ScalesUpAndExplains) {
  auto loop = Make({Storefront()});
  Load("storefront", 2, 130, kT0);  // 200 % of the 65 req/s target
  ASSERT_TRUE(loop->Tick(kT0).ok());
  ASSERT_EQ(actuator_.calls.size(), 1u);
  EXPECT_EQ(actuator_.calls[0].second, 4);
  const Decision* d = loop->LastDecision("storefront");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->actuated);
  EXPECT_EQ(d->current_replicas, 2);
  EXPECT_EQ(d->desired_replicas, 4);
  EXPECT_FALSE(d->recommendation.reason.empty());
  EXPECT_FALSE(d->recommendation.message.empty());
  EXPECT_EQ(loop->stats().scale_events, 1);
  ASSERT_EQ(sink_.decisions.size(), 1u);
  // As `kubectl get hpa` shows it: 130 requests/s a replica against 65 (65 % of 100).
  EXPECT_EQ(d->min_replicas, 2);
  EXPECT_EQ(d->max_replicas, 8);
  ASSERT_EQ(d->recommendation.metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(d->recommendation.metrics[0].value, 130);
  EXPECT_DOUBLE_EQ(d->recommendation.metrics[0].target, 65);
}

// A sink that reads no message (a replay keeping no decision) gets the same decision
// without one, and so does the actuator.
TEST_F(ControlLoopTest, ASinkThatWantsNoExplanationsGetsTheSameDecisionWithoutAMessage) {
  sink_.wants_explanations = false;
  auto loop = Make({Storefront()});
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(loop->Tick(kT0).ok());
  ASSERT_EQ(actuator_.calls.size(), 1u);
  EXPECT_EQ(actuator_.calls[0].second, 4);
  ASSERT_EQ(sink_.decisions.size(), 1u);
  EXPECT_EQ(sink_.decisions[0].desired_replicas, 4);
  EXPECT_FALSE(sink_.decisions[0].recommendation.reason.empty());
  EXPECT_EQ(sink_.decisions[0].recommendation.message, "");
}

// A reload builds a new loop: what was last decided for a kept target is still what was
// last decided, and its mode and history go with it; an added target has no decision yet.
TEST_F(ControlLoopTest, InheritFromKeepsLastDecisionsAndModesOfKeptTargets) {
  auto before = Make({Storefront()});
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(before->Tick(kT0).ok());
  ASSERT_TRUE(before->SetMode("storefront", policy::Mode::kDryRun).ok());

  policy::TargetPolicy wider = Storefront();
  wider.max_replicas = 12;
  policy::TargetPolicy checkout = Storefront();
  checkout.target = "checkout";
  auto after = Make({wider, checkout});
  after->InheritFrom(*before);
  const Decision* kept = after->LastDecision("storefront");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->time, kT0);
  EXPECT_EQ(kept->desired_replicas, 4);
  EXPECT_TRUE(kept->actuated);
  EXPECT_EQ(*after->ModeOf("storefront"), policy::Mode::kDryRun);
  EXPECT_EQ(after->SaveState().at("storefront").replicas, 4);
  EXPECT_EQ(after->LastDecision("checkout"), nullptr);
}

TEST_F(ControlLoopTest, DryRunDecidesButDoesNotActuate) {
  policy::TargetPolicy t = Storefront();
  t.mode = policy::Mode::kDryRun;
  auto loop = Make({t});
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(loop->Tick(kT0).ok());
  EXPECT_TRUE(actuator_.calls.empty());
  const Decision* d = loop->LastDecision("storefront");
  EXPECT_EQ(d->desired_replicas, 4);
  EXPECT_FALSE(d->actuated);
  EXPECT_EQ(d->actuation_note, "dry-run: not actuated");
}

TEST_F(ControlLoopTest, AFollowerDecidesButOnlyTheLeaderActuates) {
  auto loop = Make({Storefront()});
  bool leading = false;
  loop->SetActuationGate(
      [&]() -> std::string { return leading ? "" : "follower: limiar-0 leads"; });
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(loop->Tick(kT0).ok());
  EXPECT_TRUE(actuator_.calls.empty());
  const Decision* d = loop->LastDecision("storefront");
  EXPECT_EQ(d->desired_replicas, 4);
  EXPECT_FALSE(d->actuated);
  EXPECT_EQ(d->actuation_note, "follower: limiar-0 leads");
  EXPECT_EQ(loop->stats().scale_events, 0);

  // Taking over: the very next decision is actuated.
  leading = true;
  Load("storefront", 2, 130, kT0 + absl::Seconds(15));
  ASSERT_TRUE(loop->Tick(kT0 + absl::Seconds(15)).ok());
  ASSERT_EQ(actuator_.calls.size(), 1u);
  EXPECT_TRUE(loop->LastDecision("storefront")->actuated);
}

TEST_F(ControlLoopTest, PausedHoldsWithoutEvaluatingAndModeSwitchesAtRunTime) {
  auto loop = Make({Storefront()});
  ASSERT_TRUE(loop->SetMode("storefront", policy::Mode::kPaused).ok());
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(loop->Tick(kT0).ok());
  EXPECT_TRUE(actuator_.calls.empty());
  EXPECT_EQ(loop->LastDecision("storefront")->recommendation.reason, "Paused");
  EXPECT_EQ(loop->stats().evaluations, 0);

  ASSERT_TRUE(loop->SetMode("storefront", policy::Mode::kEnforce).ok());
  Load("storefront", 2, 130, kT0 + absl::Seconds(15));
  ASSERT_TRUE(loop->Tick(kT0 + absl::Seconds(15)).ok());
  EXPECT_EQ(actuator_.calls.size(), 1u);
  EXPECT_EQ(loop->SetMode("nope", policy::Mode::kPaused).code(), absl::StatusCode::kNotFound);
}

TEST_F(ControlLoopTest, FailedActuationIsReportedAndDesiredStateResent) {
  auto loop = Make({Storefront()});
  Load("storefront", 2, 130, kT0);
  actuator_.fail_set = absl::UnavailableError("connection refused");
  ASSERT_TRUE(loop->Tick(kT0).ok());
  const Decision* d = loop->LastDecision("storefront");
  EXPECT_FALSE(d->actuated);
  EXPECT_NE(d->actuation_note.find("connection refused"), std::string::npos);
  EXPECT_EQ(loop->stats().actuation_failures, 1);

  actuator_.fail_set = absl::OkStatus();
  Load("storefront", 2, 130, kT0 + absl::Seconds(15));
  ASSERT_TRUE(loop->Tick(kT0 + absl::Seconds(15)).ok());
  ASSERT_EQ(actuator_.calls.size(), 2u);
  EXPECT_EQ(actuator_.calls[1].second, 4);  // the same desired count, not 2 + 2 + 2
  EXPECT_EQ(actuator_.state["storefront"].spec_replicas, 4);
}

TEST_F(ControlLoopTest, NoSamplesNeverScaleDown) {
  actuator_.state["storefront"] = {6, 6};
  auto loop = Make({Storefront()});
  ASSERT_TRUE(loop->Tick(kT0).ok());
  EXPECT_TRUE(actuator_.calls.empty());
  const Decision* d = loop->LastDecision("storefront");
  EXPECT_EQ(d->desired_replicas, 6);
  EXPECT_FALSE(d->recommendation.scaling_active);
}

TEST_F(ControlLoopTest, StaleSamplesAreMissingNotZero) {
  actuator_.state["storefront"] = {4, 4};
  auto loop = Make({Storefront()});
  Load("storefront", 4, 10, kT0);  // very low load, but 10 minutes old at tick time
  ASSERT_TRUE(loop->Tick(kT0 + absl::Minutes(10)).ok());
  EXPECT_TRUE(actuator_.calls.empty());
  EXPECT_EQ(loop->LastDecision("storefront")->desired_replicas, 4);
}

// What Limiar looked at, not HPA's "no metrics returned from custom metrics API": Limiar
// does not use that API.
TEST_F(ControlLoopTest, MissingSamplesAreNamedAsWhatArrivedAndWhen) {
  actuator_.state["storefront"] = {4, 4};
  auto loop = Make({Storefront()});
  ASSERT_TRUE(loop->Tick(kT0).ok());
  const Decision* d = loop->LastDecision("storefront");
  EXPECT_EQ(d->recommendation.reason, "FailedGetPodsMetric");
  EXPECT_EQ(d->recommendation.message,
            "no usable metric (requests: no requests samples for storefront in the last 2m: "
            "nothing pushed or scraped, and no PromQL value): holding 4");

  Load("storefront", 2, 10, kT0);  // pushed, and 40 s old at the tick; the window is 15 s
  ASSERT_TRUE(loop->Tick(kT0 + absl::Seconds(40)).ok());
  d = loop->LastDecision("storefront");
  EXPECT_EQ(d->recommendation.reason, "FailedGetPodsMetric");
  EXPECT_EQ(d->recommendation.message,
            "no usable metric (requests: no requests samples for storefront within the 15s "
            "metric window; the newest pushed sample is 40s old): holding 4");
}

TEST_F(ControlLoopTest, PausedWithOneReplicaSaysOneReplica) {
  actuator_.state["storefront"] = {1, 1};
  policy::TargetPolicy t = Storefront();
  t.min_replicas = 1;
  t.mode = policy::Mode::kPaused;
  auto loop = Make({t});
  ASSERT_TRUE(loop->Tick(kT0).ok());
  EXPECT_EQ(loop->LastDecision("storefront")->recommendation.message,
            "mode paused: holding 1 replica, not evaluating");
}

TEST_F(ControlLoopTest, OneUnobservableTargetDoesNotStopTheOthers) {
  policy::TargetPolicy checkout = Storefront();
  checkout.target = "checkout";
  actuator_.state.erase("checkout");  // the platform does not know it
  auto loop = Make({checkout, Storefront()});
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(loop->Tick(kT0).ok());
  EXPECT_EQ(loop->LastDecision("checkout")->recommendation.reason, "ObserveFailed");
  EXPECT_EQ(loop->LastDecision("storefront")->desired_replicas, 4);
  EXPECT_EQ(loop->stats().observe_failures, 1);
}

TEST_F(ControlLoopTest, TickTargetEvaluatesOnlyThatTarget) {
  policy::TargetPolicy checkout = Storefront();
  checkout.target = "checkout";
  auto loop = Make({checkout, Storefront()});
  Load("storefront", 2, 130, kT0);
  ASSERT_TRUE(loop->TickTarget(kT0, "storefront").ok());
  EXPECT_EQ(loop->LastDecision("checkout"), nullptr);
  EXPECT_NE(loop->LastDecision("storefront"), nullptr);
  EXPECT_EQ(loop->TickTarget(kT0, "nope").code(), absl::StatusCode::kNotFound);
}

TEST_F(ControlLoopTest, ScaleDownWaitsForTheStabilizationWindow) {
  actuator_.state["storefront"] = {8, 8};
  auto loop = Make({Storefront()});
  for (int i = 0; i <= 20; ++i) {
    const absl::Time now = kT0 + absl::Seconds(15 * i);
    Load("storefront", 8, 65, now);  // at target: stays at 8
    ASSERT_TRUE(loop->Tick(now).ok());
  }
  EXPECT_TRUE(actuator_.calls.empty());
  const absl::Time drop = kT0 + absl::Seconds(315);
  for (int i = 0; i <= 20; ++i) {
    const absl::Time now = drop + absl::Seconds(15 * i);
    Load("storefront", 8, 16, now);  // a quarter of target: 2 replicas would do
    ASSERT_TRUE(loop->Tick(now).ok());
    // The last recommendation of 8 was made at drop - 15s; it holds for the 300 s window
    // (a recommendation exactly 300 s old is outside it, as in HPA).
    if (now - (drop - absl::Seconds(15)) < absl::Seconds(300)) {
      EXPECT_TRUE(actuator_.calls.empty()) << "scaled down " << (now - drop) << " after the drop";
    }
  }
  ASSERT_FALSE(actuator_.calls.empty());
  EXPECT_EQ(actuator_.calls.back().second, 2);
}

// One loop with its own store, actuator and sink, for running the same targets twice.
struct Deciding {
  metrics::SampleStore store;
  FakeActuator actuator;
  RecordingSink sink;
  std::unique_ptr<ControlLoop> loop;
};

// A mix of everything a pass meets: HPA and KPA targets, paused and dry-run ones, a target
// the actuator cannot observe, one without samples; loads that move every tick.
std::unique_ptr<Deciding> ManyTargets(WorkerPool* workers) {
  auto d = std::make_unique<Deciding>();
  std::vector<policy::TargetPolicy> targets;
  for (int i = 0; i < 300; ++i) {
    const std::string name = absl::StrCat("t-", i);
    policy::TargetPolicy t = testing::RequestsPolicy(1, 40, name);
    if (i % 3 == 0) t.algorithm = policy::Algorithm::kKpa;
    if (i % 7 == 0) t.mode = policy::Mode::kPaused;
    if (i % 5 == 0) t.mode = policy::Mode::kDryRun;
    if (i % 11 != 0) d->actuator.state[name] = {1 + i % 6, 1 + i % 6};
    targets.push_back(std::move(t));
  }
  absl::StatusOr<std::unique_ptr<ControlLoop>> loop =
      ControlLoop::Create(std::move(targets), &d->store, &d->actuator, &d->sink);
  EXPECT_TRUE(loop.ok()) << loop.status();
  d->loop = *std::move(loop);
  d->loop->SetWorkers(workers);
  return d;
}

void LoadTick(Deciding& d, int tick, absl::Time now) {
  for (int i = 0; i < 300; ++i) {
    if (i % 13 == 0) continue;  // never reports
    const std::string name = absl::StrCat("t-", i);
    for (int r = 0; r < 1 + (i + tick) % 8; ++r) {
      const double value = 10 + (i * 37 + tick * 53 + r * 11) % 240;
      ASSERT_TRUE(d.store
                      .Add(testing::MakeStartedSample(name, absl::StrCat(name, "-", r), value, now,
                                                      kT0 - absl::Hours(1)))
                      .ok());
    }
  }
}

std::string Describe(const Decision& d) {
  return absl::StrCat(d.target, " ", d.current_replicas, "->", d.desired_replicas, " ",
                      d.recommendation.reason, ": ", d.recommendation.message, " actuated ",
                      d.actuated, " ", d.actuation_note);
}

// Deciding on a pool changes nothing: the same decisions, in the targets' order, the same
// scale requests and counts as one target after another.
TEST(ControlLoopWorkersTest, DecideAsOneAfterAnother) {
  WorkerPool pool(4);
  std::unique_ptr<Deciding> alone = ManyTargets(nullptr);
  std::unique_ptr<Deciding> pooled = ManyTargets(&pool);
  for (int tick = 0; tick < 8; ++tick) {
    const absl::Time now = kT0 + absl::Seconds(15 * tick);
    LoadTick(*alone, tick, now);
    LoadTick(*pooled, tick, now);
    ASSERT_TRUE(alone->loop->Tick(now).ok());
    ASSERT_TRUE(pooled->loop->Tick(now).ok());
  }
  ASSERT_EQ(alone->sink.decisions.size(), 8u * 300);
  ASSERT_EQ(pooled->sink.decisions.size(), alone->sink.decisions.size());
  int actuated = 0;
  for (size_t i = 0; i < alone->sink.decisions.size(); ++i) {
    ASSERT_EQ(Describe(pooled->sink.decisions[i]), Describe(alone->sink.decisions[i]))
        << "decision " << i;
    actuated += alone->sink.decisions[i].actuated ? 1 : 0;
  }
  EXPECT_GT(actuated, 100);  // the loads move enough to scale often
  EXPECT_EQ(pooled->actuator.calls, alone->actuator.calls);
  const LoopStats a = alone->loop->stats();
  const LoopStats p = pooled->loop->stats();
  EXPECT_EQ(std::tie(p.ticks, p.evaluations, p.scale_events, p.observe_failures, p.policy_failures,
                     p.actuation_failures, p.skipped_paused),
            std::tie(a.ticks, a.evaluations, a.scale_events, a.observe_failures, a.policy_failures,
                     a.actuation_failures, a.skipped_paused));
  EXPECT_GT(a.observe_failures, 0);
  EXPECT_GT(a.skipped_paused, 0);
}

}  // namespace
}  // namespace limiar::controller
