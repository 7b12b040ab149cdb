#include "src/policy/kpa/kpa_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/policy/owned_input.h"

namespace limiar::policy::kpa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// Requests at 100/s per replica at 100 %, target 70 % = 70 requests/s per replica.
TargetPolicy Config(int32_t min = 0, int32_t max = 1000) {
  TargetPolicy c;
  c.target = "web";
  c.algorithm = Algorithm::kKpa;
  c.min_replicas = min;
  c.max_replicas = max;
  c.metrics.push_back({"rps", MetricType::kRequests, 70, 100});
  return c;
}

// `values` are the replicas' samples; nullopt is a replica without one.
MetricObservation Requests(const std::vector<std::optional<double>>& values) {
  MetricObservation o;
  o.metric = MetricType::kRequests;
  for (size_t i = 0; i < values.size(); ++i) {
    ReplicaSample s;
    s.replica_id = "r" + std::to_string(i);
    s.value = values[i];
    o.replicas.push_back(s);
  }
  return o;
}

// One replica's sample of `load`, the source having windowed the totals already.
MetricObservation Windowed(double load) {
  MetricObservation o = Requests({load});
  o.stable_total = load;
  o.panic_total = load;
  return o;
}

OwnedInput Input(double t, int32_t ready, MetricObservation obs, int32_t min = 0,
                 int32_t max = 1000) {
  OwnedInput in;
  in.now = kT0 + absl::Seconds(t);
  in.current_replicas = ready;
  in.ready_replicas = ready;
  in.min_replicas = min;
  in.max_replicas = max;
  in.Add(std::move(obs));
  return in;
}

Recommendation Evaluate(Policy& p, const PolicyInput& in) {
  absl::StatusOr<Recommendation> r = p.Recommend(in);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Recommendation{};
}

TEST(KpaMappingTest, DeciderSpecFromTheTargetPolicy) {
  KpaConfig kpa;
  MetricTarget t{"rps", MetricType::kRequests, 70, 200};
  const DeciderSpec s = MakeDeciderSpec(kpa, t);
  EXPECT_DOUBLE_EQ(s.total_value, 200);
  EXPECT_DOUBLE_EQ(s.target_value, 140);
  EXPECT_DOUBLE_EQ(s.panic_threshold, 2.0);
  EXPECT_DOUBLE_EQ(s.max_scale_up_rate, 1000);
  EXPECT_DOUBLE_EQ(s.max_scale_down_rate, 2);
  EXPECT_DOUBLE_EQ(s.target_burst_capacity, 211);
  EXPECT_EQ(s.stable_window, absl::Seconds(60));
  EXPECT_TRUE(s.reachable);
  // Knative's TargetMin.
  t.capacity_per_replica = 0.001;
  EXPECT_DOUBLE_EQ(MakeDeciderSpec(kpa, t).target_value, 0.01);
}

TEST(KpaMappingTest, PanicWindowRoundsToTheSecondAndIsAtLeastOne) {
  struct Case {
    absl::Duration stable;
    double pct;
    absl::Duration want;
  };
  const std::vector<Case> cases = {{absl::Seconds(60), 10, absl::Seconds(6)},
                                   {absl::Seconds(45), 10, absl::Seconds(5)},   // 4.5 -> 5
                                   {absl::Seconds(64), 10, absl::Seconds(6)},   // 6.4 -> 6
                                   {absl::Seconds(60), 0.5, absl::Seconds(1)},  // 0.3 -> 1 s
                                   {absl::Seconds(120), 100, absl::Seconds(120)}};
  for (const Case& c : cases) {
    KpaConfig kpa;
    kpa.stable_window = c.stable;
    kpa.panic_window_percentage = c.pct;
    EXPECT_EQ(PanicWindow(kpa), c.want) << c.stable << " " << c.pct;
  }
}

TEST(KpaPolicyTest, WindowsThePerReplicaValuesItself) {
  std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
  Recommendation r;
  for (int t = 0; t <= 18; t += 2) {
    r = Evaluate(*p, Input(t, 1, Requests({50, std::nullopt})));
    EXPECT_EQ(r.desired_replicas, 1);
    EXPECT_EQ(r.reason, "KpaStable");
  }
  // A surge: panic window (14, 20] = {50, 50, 500}, average 200 -> 3 replicas, 3x the one
  // ready; stable window = 10 x 50 + 500 over 11 seconds -> 2.
  r = Evaluate(*p, Input(20, 1, Requests({500, std::nullopt})));
  EXPECT_TRUE(r.panic_mode);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason, "KpaPanic");
  EXPECT_THAT(r.message, HasSubstr("panic: 6s average 200 requests/s needs 3 replicas"));
  ASSERT_EQ(r.metrics.size(), 1u);
  EXPECT_TRUE(r.metrics[0].valid);
  EXPECT_NEAR(r.metrics[0].utilization_percent, 100 * 1000.0 / 11 / 100, 1e-9);
  // {50, 500, 500} -> 350 -> 5.
  r = Evaluate(*p, Input(22, 1, Requests({500})));
  EXPECT_EQ(r.desired_replicas, 5);
}

TEST(KpaPolicyTest, UsesTheSourceWindowsWhenPresent) {
  std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
  MetricObservation obs = Requests({1});
  obs.stable_total = 700;
  obs.panic_total = 700;
  const Recommendation r = Evaluate(*p, Input(0, 10, obs));
  EXPECT_EQ(r.desired_replicas, 10);
  EXPECT_EQ(r.proposed_replicas, 10);
  // 10 ready x 100 - 211 - 700.
  EXPECT_EQ(r.excess_burst_capacity, 89);
}

TEST(KpaPolicyTest, StartsInPanicWithMoreThanOneReadyReplica) {
  std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
  // Six ready replicas and little load: a restarted Limiar must not drop to 1 at once.
  Recommendation r = Evaluate(*p, Input(0, 6, Requests({70})));
  EXPECT_TRUE(r.panic_mode);
  EXPECT_EQ(r.desired_replicas, 6);
  EXPECT_EQ(r.reason, "KpaPanic");
  for (int t = 2; t <= 60; t += 2) r = Evaluate(*p, Input(t, 6, Requests({70})));
  EXPECT_EQ(r.desired_replicas, 6);
  // A full stable window without panic: stable needs 1, Knative's scale-down rate allows
  // floor(6 / 2) = 3.
  r = Evaluate(*p, Input(62, 6, Requests({70})));
  EXPECT_FALSE(r.panic_mode);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason, "ScaleDownLimit");
  EXPECT_THAT(r.message, HasSubstr("scale-down limited to 3"));
}

TEST(KpaPolicyTest, OneReadyReplicaAtCreationDoesNotPanic) {
  std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
  const Recommendation r = Evaluate(*p, Input(0, 1, Requests({35})));
  EXPECT_FALSE(r.panic_mode);
  EXPECT_EQ(r.desired_replicas, 1);
}

TEST(KpaPolicyTest, MissingMetricsNeverScaleDown) {
  struct Case {
    std::string name;
    MetricObservation obs;
  };
  MetricObservation failed = Requests({10, 10});
  failed.error = absl::UnavailableError("prometheus down");
  const std::vector<Case> cases = {
      {"fetch error", failed},
      {"no replica has a value", Requests({std::nullopt, std::nullopt})},
      {"no replica at all", Requests({})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
    OwnedInput in = Input(0, 1, c.obs);
    in.current_replicas = 7;
    const Recommendation r = Evaluate(*p, in);
    EXPECT_FALSE(r.scaling_active);
    EXPECT_EQ(r.desired_replicas, 7);
    EXPECT_EQ(r.reason, "MetricsUnavailable");
    ASSERT_EQ(r.metrics.size(), 1u);
    EXPECT_FALSE(r.metrics[0].valid);
    EXPECT_FALSE(r.metrics[0].error.empty());
  }
}

TEST(KpaPolicyTest, DataAgesOutAfterTheStableWindow) {
  std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
  EXPECT_TRUE(Evaluate(*p, Input(0, 1, Requests({70}))).scaling_active);
  // Values stop: the last one still counts for 60 s, then there is no data.
  EXPECT_TRUE(Evaluate(*p, Input(59, 1, Requests({std::nullopt}))).scaling_active);
  const Recommendation r = Evaluate(*p, Input(60, 1, Requests({std::nullopt})));
  EXPECT_FALSE(r.scaling_active);
  EXPECT_EQ(r.reason, "MetricsUnavailable");
  EXPECT_THAT(r.message, HasSubstr("no data in the last 60s"));
}

TEST(KpaPolicyTest, ClampsToTheBounds) {
  struct Case {
    double load;
    int32_t want;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {70, 3, "TooFewReplicas"}, {280, 4, "KpaPanic"}, {7000, 5, "TooManyReplicas"}};
  for (const Case& c : cases) {
    std::unique_ptr<Policy> p = MakeKpaPolicy(Config(3, 5));
    MetricObservation obs = Requests({c.load});
    obs.stable_total = c.load;
    obs.panic_total = c.load;
    // One ready replica at creation: no start-up panic holding the count.
    const Recommendation r = Evaluate(*p, Input(0, 1, obs, 3, 5));
    EXPECT_EQ(r.desired_replicas, c.want) << c.load;
    EXPECT_EQ(r.reason, c.reason) << c.load;
  }
}

TEST(KpaPolicyTest, SeveralMetricsTakeTheMaxAndPanicIfAny) {
  TargetPolicy config = Config();
  config.metrics.push_back({"cpu", MetricType::kCpu, 50, 2});  // target 1 core
  std::unique_ptr<Policy> p = MakeKpaPolicy(config);
  OwnedInput in = Input(0, 1, Requests({140}));
  MetricObservation cpu;
  cpu.metric = MetricType::kCpu;
  cpu.stable_total = 3;
  cpu.panic_total = 3;
  in.Add(cpu);
  const Recommendation r = Evaluate(*p, in);
  ASSERT_EQ(r.metrics.size(), 2u);
  EXPECT_EQ(r.metrics[0].replicas, 2);
  EXPECT_EQ(r.metrics[1].replicas, 3);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_TRUE(r.panic_mode);  // 3 / 1 ready >= 2
  EXPECT_THAT(r.message, HasSubstr("cpu: panic"));
  EXPECT_THAT(r.message, HasSubstr("cores"));
}

TEST(KpaPolicyTest, PartialDataScalesUpButNotDown) {
  TargetPolicy config = Config();
  config.metrics.push_back({"cpu", MetricType::kCpu, 50, 2});
  MetricObservation cpu_failed;
  cpu_failed.metric = MetricType::kCpu;
  cpu_failed.error = absl::DeadlineExceededError("metrics-server timeout");
  {
    std::unique_ptr<Policy> p = MakeKpaPolicy(config);
    OwnedInput in = Input(0, 1, Requests({700}));
    in.Add(cpu_failed);
    const Recommendation r = Evaluate(*p, in);
    EXPECT_EQ(r.desired_replicas, 10);
    EXPECT_TRUE(r.scaling_active);
  }
  {
    std::unique_ptr<Policy> p = MakeKpaPolicy(config);
    OwnedInput in = Input(0, 1, Requests({70}));
    in.current_replicas = 4;
    in.Add(cpu_failed);
    const Recommendation r = Evaluate(*p, in);
    EXPECT_EQ(r.proposed_replicas, 1);
    EXPECT_EQ(r.desired_replicas, 4);
    EXPECT_FALSE(r.scaling_active);
    EXPECT_EQ(r.reason, "MetricsPartiallyUnavailable");
    EXPECT_THAT(r.message, HasSubstr("cpu: metrics-server timeout"));
  }
}

TEST(KpaPolicyTest, ScaleDownDelayIsReported) {
  TargetPolicy config = Config();
  config.kpa.scale_down_delay = absl::Seconds(30);
  config.kpa.max_scale_down_rate = 100;
  std::unique_ptr<Policy> p = MakeKpaPolicy(config);
  EXPECT_EQ(Evaluate(*p, Input(0, 1, Windowed(70))).desired_replicas, 1);
  EXPECT_EQ(Evaluate(*p, Input(2, 1, Windowed(100))).desired_replicas,
            2);  // 2/1 = threshold: panic
  Recommendation r;
  for (int t = 4; t <= 64; t += 2) r = Evaluate(*p, Input(t, 2, Windowed(70)));
  // Panic ended at 64 s (62 s + the 60 s window, strictly after); the delay still remembers the 2
  // from inside the panic.
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason, "ScaleDownDelay");
  EXPECT_THAT(r.message, HasSubstr("scale-down to 1 delayed"));
  for (int t = 66; t <= 96; t += 2) r = Evaluate(*p, Input(t, 2, Windowed(70)));
  EXPECT_EQ(r.desired_replicas, 1);
}

// The bounds apply first in every sentence: no count outside [min, max] is named as where
// the replicas go or are held, only as what the metrics need.
TEST(KpaPolicyTest, SentencesNameOnlyCountsWithinTheBounds) {
  TargetPolicy config = Config(2, 1000);
  config.kpa.scale_down_delay = absl::Seconds(30);
  config.kpa.max_scale_down_rate = 100;
  std::unique_ptr<Policy> p = MakeKpaPolicy(config);
  EXPECT_EQ(Evaluate(*p, Input(0, 1, Windowed(70), 2, 1000)).desired_replicas, 2);
  EXPECT_EQ(Evaluate(*p, Input(2, 2, Windowed(280), 2, 1000)).desired_replicas, 4);  // panic
  Recommendation r;
  for (int t = 4; t <= 64; t += 2) r = Evaluate(*p, Input(t, 4, Windowed(70), 2, 1000));
  EXPECT_EQ(r.desired_replicas, 4);
  EXPECT_EQ(r.reason, "ScaleDownDelay");
  EXPECT_THAT(r.message, HasSubstr("scale-down to the minimum of 2 delayed: holding 4"));
  EXPECT_THAT(r.message, Not(HasSubstr("scale-down to 1")));
}

TEST(KpaPolicyTest, RateLimitsThatTheBoundsOverrideAreNotNamed) {
  {
    TargetPolicy config = Config(1, 1);
    config.kpa.max_scale_up_rate = 2;
    std::unique_ptr<Policy> p = MakeKpaPolicy(config);
    MetricObservation obs = Requests({700});
    obs.stable_total = 700;
    obs.panic_total = 0;
    const Recommendation r = Evaluate(*p, Input(0, 1, obs, 1, 1));
    EXPECT_EQ(r.desired_replicas, 1);
    EXPECT_EQ(r.message,
              "stable: 60s average 700 requests/s needs 10 replicas at 70 requests/s each (1 "
              "ready); capped at the maximum of 1 replica");
  }
  {
    TargetPolicy config = Config(3, 10);
    config.kpa.max_scale_down_rate = 2;
    std::unique_ptr<Policy> p = MakeKpaPolicy(config);
    Evaluate(*p, Input(0, 1, Windowed(70), 3, 10));
    const Recommendation r = Evaluate(*p, Input(2, 4, Windowed(70), 3, 10));
    EXPECT_EQ(r.desired_replicas, 3);
    EXPECT_EQ(r.reason, "TooFewReplicas");
    EXPECT_EQ(r.message,
              "stable: 60s average 70 requests/s needs 1 replica at 70 requests/s each (4 "
              "ready); raised to the minimum of 3 replicas");
  }
}

TEST(KpaPolicyTest, RejectsAMetricCountMismatch) {
  std::unique_ptr<Policy> p = MakeKpaPolicy(Config());
  OwnedInput in = Input(0, 1, Requests({1}));
  in.Add(Requests({1}));
  EXPECT_EQ(p->Recommend(in).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace limiar::policy::kpa

namespace limiar::policy::kpa {
namespace {

TEST(KpaWholeTargetTest, TotalFeedsTheWindowsWithoutReplicas) {
  TargetPolicy config;
  config.target = "api";
  config.min_replicas = 1;
  config.max_replicas = 50;
  config.algorithm = Algorithm::kKpa;
  config.metrics.push_back({"ws", MetricType::kConnections, 70, 100});
  std::unique_ptr<Policy> p = MakeKpaPolicy(config);
  const absl::Time t0 = absl::FromUnixSeconds(1795766400);
  absl::StatusOr<Recommendation> r;
  for (int s = 0; s < 60; s += 2) {
    OwnedInput in;
    in.now = t0 + absl::Seconds(s);
    in.current_replicas = 1;
    in.ready_replicas = 1;
    in.min_replicas = 1;
    in.max_replicas = 50;
    MetricObservation obs;
    obs.metric = MetricType::kConnections;
    obs.whole_target_value = 700;  // needs ceil(700 / 70) = 10 replicas
    in.Add(obs);
    r = p->Recommend(in);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  EXPECT_EQ(r->desired_replicas, 10);
}

}  // namespace
}  // namespace limiar::policy::kpa
