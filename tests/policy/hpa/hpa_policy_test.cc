#include "src/policy/hpa/hpa_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/policy/owned_input.h"
#include "tests/support/policy_builders.h"

namespace limiar::policy::hpa {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);

TargetPolicy Config(MetricType metric, double target_percent, double capacity) {
  TargetPolicy t;
  t.target = "web";
  t.min_replicas = 1;
  t.max_replicas = 100;
  t.metrics.push_back({"scale", metric, target_percent, capacity});
  return t;
}

// `n` replicas, ready for an hour, each reporting `value` at `now`.
MetricObservation Replicas(MetricType metric, int n, double value, absl::Time now) {
  return testing::ReadyReplicas(metric, n, value, now, now - absl::Hours(1));
}

OwnedInput Input(absl::Time now, int32_t current, MetricObservation obs) {
  OwnedInput in;
  in.now = now;
  in.current_replicas = current;
  in.ready_replicas = current;
  in.min_replicas = 1;
  in.max_replicas = 100;
  in.Add(std::move(obs));
  return in;
}

TEST(HpaPolicyTest, CpuIsUtilizationOfTheCapacity) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kCpu, 50, 0.5));
  // 0.5 cores used of 0.5 requested: 100% of a 50% target -> twice the replicas.
  absl::StatusOr<Recommendation> r =
      p->Recommend(Input(kT0, 4, Replicas(MetricType::kCpu, 4, 0.5, kT0)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->desired_replicas, 8);
  EXPECT_EQ(r->proposed_replicas, 8);
  EXPECT_TRUE(r->scaling_active);
  ASSERT_EQ(r->metrics.size(), 1u);
  EXPECT_TRUE(r->metrics[0].valid);
  EXPECT_EQ(r->metrics[0].replicas, 8);
  EXPECT_DOUBLE_EQ(r->metrics[0].utilization_percent, 100);
  EXPECT_EQ(r->message, "cpu at 100% of 50% target: 4 -> 8");
}

TEST(HpaPolicyTest, RequestsAreAnAverageValuePerReplica) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kRequests, 65, 100));
  // 130 req/s per replica against 65: ratio 2.
  absl::StatusOr<Recommendation> r =
      p->Recommend(Input(kT0, 3, Replicas(MetricType::kRequests, 3, 130, kT0)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->desired_replicas, 6);
  EXPECT_DOUBLE_EQ(r->metrics[0].utilization_percent, 130);
  EXPECT_EQ(r->message, "requests at 130 per replica of 65 target: 3 -> 6");
}

TEST(HpaPolicyTest, LegacyHistorySpansCalls) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kRequests, 50, 100));
  // Load halves: the proposal is 5, held at 10 by the 300 s window (seeded with 10).
  absl::StatusOr<Recommendation> r =
      p->Recommend(Input(kT0, 10, Replicas(MetricType::kRequests, 10, 25, kT0)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 10);
  EXPECT_EQ(r->proposed_replicas, 5);
  EXPECT_EQ(r->reason, "ScaleDownStabilized");
  const absl::Time t1 = kT0 + absl::Seconds(299);
  r = p->Recommend(Input(t1, 10, Replicas(MetricType::kRequests, 10, 25, t1)));
  EXPECT_EQ(r->desired_replicas, 10);
  const absl::Time t2 = kT0 + absl::Seconds(300);
  r = p->Recommend(Input(t2, 10, Replicas(MetricType::kRequests, 10, 25, t2)));
  EXPECT_EQ(r->desired_replicas, 5);
}

TEST(HpaPolicyTest, RecordScaleFeedsTheRatePolicies) {
  TargetPolicy config = Config(MetricType::kRequests, 50, 100);
  HpaBehavior b = DefaultHpaBehavior();
  b.scale_up.policies = {{RatePolicyType::kPods, 4, absl::Seconds(60)}};
  config.hpa.behavior = b;
  std::unique_ptr<Policy> p = MakeHpaPolicy(config);
  absl::StatusOr<Recommendation> r =
      p->Recommend(Input(kT0, 4, Replicas(MetricType::kRequests, 4, 500, kT0)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 8);
  EXPECT_EQ(r->reason, "ScaleUpLimit");
  EXPECT_THAT(r->message, HasSubstr("scale-up limited to 8 by policy Pods 4/60s"));
  p->RecordScale(kT0, 4, 8);

  // 10 s later the 4 added replicas still count against the 60 s budget.
  const absl::Time t1 = kT0 + absl::Seconds(10);
  r = p->Recommend(Input(t1, 8, Replicas(MetricType::kRequests, 8, 500, t1)));
  EXPECT_EQ(r->desired_replicas, 8);
  EXPECT_EQ(r->reason, "ScaleUpLimit");
  // Once the event is 60 s old the budget is back.
  const absl::Time t2 = kT0 + absl::Seconds(60);
  r = p->Recommend(Input(t2, 8, Replicas(MetricType::kRequests, 8, 500, t2)));
  EXPECT_EQ(r->desired_replicas, 12);
}

TEST(HpaPolicyTest, LegacyIgnoresRecordedScales) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kRequests, 50, 100));
  p->RecordScale(kT0, 4, 8);
  absl::StatusOr<Recommendation> r =
      p->Recommend(Input(kT0, 8, Replicas(MetricType::kRequests, 8, 100, kT0)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 16);  // max(2 * 8, 4) allows the doubling
}

TEST(HpaPolicyTest, HonoursNarrowedBounds) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kRequests, 50, 100));
  OwnedInput in = Input(kT0, 4, Replicas(MetricType::kRequests, 4, 50, kT0));
  in.min_replicas = 6;  // a schedule floor
  absl::StatusOr<Recommendation> r = p->Recommend(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 6);
  EXPECT_EQ(r->reason, "TooFewReplicas");
  EXPECT_EQ(r->proposed_replicas, 4);  // what the metric asked for

  in = Input(kT0, 4, Replicas(MetricType::kRequests, 4, 150, kT0));
  in.max_replicas = 5;  // a schedule ceiling
  r = p->Recommend(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 5);
  EXPECT_EQ(r->reason, "TooManyReplicas");
  EXPECT_EQ(r->proposed_replicas, 12);
}

TEST(HpaPolicyTest, FailedMetricIsInvalid) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kCpu, 50, 1));
  MetricObservation obs;
  obs.error = absl::UnavailableError("scrape failed");
  absl::StatusOr<Recommendation> r = p->Recommend(Input(kT0, 4, obs));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 4);
  EXPECT_FALSE(r->scaling_active);
  EXPECT_EQ(r->reason, "FailedGetResourceMetric");
  EXPECT_FALSE(r->metrics[0].valid);
  EXPECT_THAT(r->metrics[0].error, HasSubstr("scrape failed"));
}

TEST(HpaPolicyTest, WarmingCpuReplicaIsNotTrusted) {
  TargetPolicy config = Config(MetricType::kCpu, 50, 1);
  std::unique_ptr<Policy> p = MakeHpaPolicy(config);
  MetricObservation obs = Replicas(MetricType::kCpu, 2, 0.5, kT0);
  // A replica started 20 s ago, ready 5 s ago: its 60 s sample mostly predates readiness.
  ReplicaSample hot = obs.replicas[0];
  hot.replica_id = "new";
  hot.start_time = kT0 - absl::Seconds(20);
  hot.ready_transition = kT0 - absl::Seconds(5);
  hot.value = 1.0;
  obs.replicas.push_back(hot);
  absl::StatusOr<Recommendation> r = p->Recommend(Input(kT0, 3, obs));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->metrics[0].utilization_percent, 50);  // the hot sample is left out
  EXPECT_EQ(r->desired_replicas, 3);
}

TEST(HpaPolicyTest, MissingReplicaNeverCountsAsIdle) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kRequests, 50, 100));
  MetricObservation obs = Replicas(MetricType::kRequests, 4, 25, kT0);
  obs.replicas[3].value.reset();
  // 3 replicas at 25 of 50; the missing one is assumed at the target on a scale-down:
  // (75 + 50) / 4 = 31.25 -> ceil(0.625 * 4) = 3.
  absl::StatusOr<Recommendation> r = p->Recommend(Input(kT0, 4, obs));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->proposed_replicas, 3);
}

TEST(HpaPolicyTest, RejectsMismatchedInput) {
  std::unique_ptr<Policy> p = MakeHpaPolicy(Config(MetricType::kCpu, 50, 1));
  OwnedInput in;
  in.now = kT0;
  in.current_replicas = 2;
  in.min_replicas = 1;
  in.max_replicas = 3;
  EXPECT_EQ(p->Recommend(in).status().code(), absl::StatusCode::kInvalidArgument);
  in = Input(kT0, 2, Replicas(MetricType::kCpu, 2, 0.5, kT0));
  in.min_replicas = 5;
  in.max_replicas = 3;
  EXPECT_EQ(p->Recommend(in).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HpaPolicyTest, ManyEvaluationsAtOneInstantStayConsistent) {
  TargetPolicy config = Config(MetricType::kRequests, 50, 100);
  config.hpa.behavior = DefaultHpaBehavior();
  std::unique_ptr<Policy> p = MakeHpaPolicy(config);
  // Alternating proposals at one instant: the history is compacted, not grown, and the
  // stabilization keeps answering as if nothing had been dropped.
  for (int i = 0; i < 1000; ++i) {
    const double load = i % 2 == 0 ? 25 : 100;
    absl::StatusOr<Recommendation> r =
        p->Recommend(Input(kT0, 10, Replicas(MetricType::kRequests, 10, load, kT0)));
    ASSERT_TRUE(r.ok());
    // Down is held by the highest recent recommendation (10 seeded, 20 proposed later);
    // up by the lowest one within the (zero) up window: none, so the limit applies.
    EXPECT_EQ(r->desired_replicas, i % 2 == 0 ? 10 : 20) << i;
    p->RecordScale(kT0, 10, 9);  // removals only widen the scale-up budget
  }
}

}  // namespace
}  // namespace limiar::policy::hpa

namespace limiar::policy::hpa {
namespace {

// A PromQL result is one number for the whole target: HPA reads it as KEDA makes HPA read
// it, an External metric with an AverageValue target.
TEST(HpaWholeTargetTest, TotalIsAnExternalAverageValue) {
  const TargetPolicy config = ::limiar::testing::RequestsPolicy(2, 20);
  std::unique_ptr<Policy> p = MakeHpaPolicy(config);
  OwnedInput in;
  in.now = absl::FromUnixSeconds(1795766400);
  in.current_replicas = 4;
  in.ready_replicas = 4;
  in.min_replicas = 2;
  in.max_replicas = 20;
  MetricObservation obs;
  obs.metric = MetricType::kRequests;
  obs.whole_target_value = 520;  // 8 replicas' worth at 65 req/s each
  in.Add(obs);
  absl::StatusOr<Recommendation> r = p->Recommend(in);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->proposed_replicas, 8);  // ceil(520 / 65)
  EXPECT_EQ(r->desired_replicas, 8);   // legacy limit max(2 x 4, 4) = 8
  ASSERT_EQ(r->metrics.size(), 1u);
  EXPECT_TRUE(r->metrics[0].valid);
  EXPECT_DOUBLE_EQ(r->metrics[0].utilization_percent, 130);  // 130 req/s per replica of 100

  // A fresh policy (the first one's window remembers 8): 5 % over target stays at 4.
  std::unique_ptr<Policy> fresh = MakeHpaPolicy(config);
  in[0].whole_target_value = 260 * 1.05;
  r = fresh->Recommend(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->desired_replicas, 4);
}

}  // namespace
}  // namespace limiar::policy::hpa
