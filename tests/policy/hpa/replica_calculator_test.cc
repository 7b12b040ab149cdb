#include "src/policy/hpa/replica_calculator.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace limiar::policy::hpa {
namespace {

Pod Ready(int64_t request, std::optional<int64_t> metric) {
  Pod p;
  p.request_milli = request;
  p.metric_milli = metric;
  return p;
}

Pod Unready(int64_t request, std::optional<int64_t> metric) {
  Pod p = Ready(request, metric);
  p.ready = false;
  p.cpu_unready = true;
  return p;
}

TEST(TolerancesTest, BandIsInclusiveOnBothEdges) {
  const Tolerances t{0.1, 0.2};
  EXPECT_TRUE(t.IsWithin(0.9));
  EXPECT_TRUE(t.IsWithin(1.2));
  EXPECT_FALSE(t.IsWithin(0.8999));
  EXPECT_FALSE(t.IsWithin(1.2001));
  EXPECT_FALSE(t.IsWithin(std::nan("")));
}

TEST(CeilToReplicasTest, Saturates) {
  EXPECT_EQ(CeilToReplicas(2.01), 3);
  EXPECT_EQ(CeilToReplicas(1e30), kMaxReplicas);
  EXPECT_EQ(CeilToReplicas(-1e30), -2147483647 - 1);
  EXPECT_EQ(CeilToReplicas(std::nan("")), 0);
}

struct UtilizationCase {
  const char* name;
  int32_t current;
  int32_t target;
  Tolerances tolerances;
  std::vector<Pod> pods;
  int32_t want_replicas;
  int32_t want_utilization;
};

class UtilizationTest : public testing::TestWithParam<UtilizationCase> {};

TEST_P(UtilizationTest, Proposes) {
  const UtilizationCase& c = GetParam();
  absl::StatusOr<UtilizationResult> r =
      ResourceUtilizationReplicas(c.current, c.target, "cpu", c.pods, {}, c.tolerances);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->replicas, c.want_replicas);
  EXPECT_EQ(r->utilization_percent, c.want_utilization);
}

INSTANTIATE_TEST_SUITE_P(
    Table, UtilizationTest,
    testing::Values(
        // 50% of 50%: ratio exactly 1.
        UtilizationCase{"AtTarget", 4, 50, {}, {Ready(1000, 500), Ready(1000, 500)}, 4, 50},
        // 55% of 50% = 1.1: on the upper edge, still inside.
        UtilizationCase{"UpperEdgeInside", 4, 50, {}, {Ready(1000, 550)}, 4, 55},
        // 56% of 50% = 1.12: outside, ceil(1.12 * 1) = 2.
        UtilizationCase{"UpperEdgeOutside", 4, 50, {}, {Ready(1000, 560)}, 2, 56},
        // 45% of 50% = 0.9: on the lower edge, inside.
        UtilizationCase{"LowerEdgeInside", 3, 50, {}, {Ready(1000, 450)}, 3, 45},
        // Per-direction: a wide scale-down band keeps 30%, a narrow up band moves 52%.
        UtilizationCase{"WideDownBand", 3, 50, {0.5, 0.01}, {Ready(1000, 300)}, 3, 30},
        UtilizationCase{
            "NarrowUpBand", 2, 50, {0.5, 0.01}, {Ready(1000, 520), Ready(1000, 520)}, 3, 52},
        // Missing pods on a scale-down count at their request: 24% -> 62% -> 3 of 4.
        UtilizationCase{"MissingFillDown",
                        4,
                        100,
                        {},
                        {Ready(2000, 800), Ready(2000, 190), Ready(2000, std::nullopt),
                         Ready(2000, std::nullopt)},
                        3,
                        24},
        // Target above 100%: missing pods count at the target (300%), not 100%.
        UtilizationCase{
            "MissingFillAboveHundred",
            4,
            300,
            {},
            {Unready(2000, 400), Ready(2000, 200), Ready(4000, 200), Ready(4000, std::nullopt)},
            2,
            6},
        // Unready pods on a scale-up count as 0: 60% -> 15%, which points down: the
        // count stays.
        UtilizationCase{"UnreadyFlipsDirection",
                        3,
                        30,
                        {},
                        {Ready(1000, 600), Unready(1000, 0), Unready(1000, 0), Unready(1000, 0)},
                        3,
                        60},
        // Unready pods on a scale-up: 90% of 30% = 3.0 -> with 1 unready at 0: 45% -> 1.5
        // -> ceil(1.5 * 2) = 3.
        UtilizationCase{
            "UnreadyCountsAsIdle", 2, 30, {}, {Ready(1000, 900), Unready(1000, 100)}, 3, 90},
        // A missing pod on a scale-up counts as 0.
        UtilizationCase{
            "MissingOnScaleUp", 2, 50, {}, {Ready(1000, 1500), Ready(1000, std::nullopt)}, 3, 150}),
    [](const testing::TestParamInfo<UtilizationCase>& info) { return info.param.name; });

TEST(UtilizationTest, IgnoresDeletedFailedAndSucceededPods) {
  std::vector<Pod> pods = {Ready(1000, 600), Ready(1000, 600), Ready(1000, std::nullopt),
                           Ready(1000, std::nullopt), Ready(1000, std::nullopt)};
  pods[2].deleting = true;
  pods[3].phase = PodPhase::kFailed;
  pods[4].phase = PodPhase::kSucceeded;
  absl::StatusOr<UtilizationResult> r = ResourceUtilizationReplicas(2, 30, "cpu", pods, {}, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->replicas, 4);  // 60% of 30% -> 2.0 * 2 ready
  EXPECT_EQ(r->raw_average_milli, 600);
}

TEST(UtilizationTest, ErrorsInUpstreamOrder) {
  // No sample at all: the metrics API returned nothing.
  EXPECT_NE(ResourceUtilizationReplicas(1, 50, "cpu", {Ready(1000, std::nullopt)}, {}, {})
                .status()
                .message()
                .find("no metrics returned from resource metrics API"),
            absl::string_view::npos);
  // Samples exist but none of a ready pod.
  EXPECT_NE(ResourceUtilizationReplicas(1, 50, "cpu", {Unready(1000, 500)}, {}, {})
                .status()
                .message()
                .find("did not receive metrics"),
            absl::string_view::npos);
  // A pod without a request, even an ignored one.
  Pod no_request = Ready(0, std::nullopt);
  no_request.request_milli.reset();
  no_request.phase = PodPhase::kFailed;
  EXPECT_NE(ResourceUtilizationReplicas(1, 50, "cpu", {Ready(1000, 500), no_request}, {}, {})
                .status()
                .message()
                .find("missing request for"),
            absl::string_view::npos);
  // Only samples of unknown pods: they have no request to divide by.
  EXPECT_NE(ResourceUtilizationReplicas(1, 50, "cpu", {Ready(1000, std::nullopt)}, {500}, {})
                .status()
                .message()
                .find("no metrics returned matched known pods"),
            absl::string_view::npos);
}

TEST(UtilizationTest, UnmatchedSamplesCountAsEntriesButNotUsage) {
  // 200% of 100% on 2 ready pods -> 4; the unmatched sample adds no usage or request.
  absl::StatusOr<UtilizationResult> r = ResourceUtilizationReplicas(
      2, 100, "cpu", {Ready(1000, 2000), Ready(1000, 2000)}, {7000}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 4);
  EXPECT_EQ(r->utilization_percent, 200);
}

TEST(UtilizationTest, MemoryIgnoresReadiness) {
  absl::StatusOr<UtilizationResult> r = ResourceUtilizationReplicas(
      2, 50, "memory", {Unready(1000, 1000), Ready(1000, 1000)}, {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 4);
}

TEST(UtilizationTest, HugeValuesDoNotWrap) {
  const int64_t big = kMaxMilli / 2;
  absl::StatusOr<UtilizationResult> r = ResourceUtilizationReplicas(
      3, 50, "cpu", {Ready(1, big), Ready(1, big), Ready(1, big)}, {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utilization_percent, 2147483647);  // clamped, not wrapped
  EXPECT_EQ(r->replicas, 128849019);              // ceil(2147483647 / 50 * 3)
  EXPECT_EQ(r->raw_average_milli, big);
}

TEST(AverageValueTest, TruncatedAverageAndReadinessIgnored) {
  absl::StatusOr<UsageResult> r =
      AverageValueReplicas(3, 15000, /*cpu=*/false, "custom",
                           {Unready(0, 50000), Ready(0, 15000), Unready(0, 30000)}, {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->usage_milli, 31666);
  EXPECT_EQ(r->replicas, 7);
}

TEST(AverageValueTest, MissingPodsAtTargetOnScaleDown) {
  // avg 20000 of 20000 with two missing: ratio 1 -> no fill, within -> keep 5.
  absl::StatusOr<UsageResult> r =
      AverageValueReplicas(5, 20000, false, "custom",
                           {Ready(0, 20000), Ready(0, 19000), Ready(0, 21000),
                            Ready(0, std::nullopt), Ready(0, std::nullopt)},
                           {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 5);
  // avg 10000 of 20000, 2 missing filled at 20000: (30000+40000)/5 = 14000 -> 0.7 * 5 = 4.
  r = AverageValueReplicas(5, 20000, false, "custom",
                           {Ready(0, 10000), Ready(0, 10000), Ready(0, 10000),
                            Ready(0, std::nullopt), Ready(0, std::nullopt)},
                           {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 4);
  EXPECT_EQ(r->usage_milli, 10000);
}

TEST(AverageValueTest, CpuRawAverageUsesCpuReadiness) {
  absl::StatusOr<UsageResult> r = AverageValueReplicas(2, 500, /*cpu=*/true, "resource",
                                                       {Ready(0, 1000), Unready(0, 100)}, {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->usage_milli, 1000);  // the unready pod's sample is dropped
}

TEST(ObjectValueTest, ScalesByRunningReadyPodsAndFromZeroByRatio) {
  std::vector<Pod> pods = {Ready(0, std::nullopt), Ready(0, std::nullopt),
                           Unready(0, std::nullopt)};
  absl::StatusOr<UsageResult> r = ObjectValueReplicas(3, 20000, 10000, pods, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 4);  // 2.0 * 2 Running+Ready
  r = ObjectValueReplicas(0, 1000, 1000, {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 1);  // from zero: ceil(1.0), no tolerance
  EXPECT_FALSE(ObjectValueReplicas(3, 20000, 10000, {}, {}).ok());  // no pods to count
  r = ObjectValueReplicas(3, kMaxMilli, 1, pods, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, kMaxReplicas);
}

TEST(ObjectAverageValueTest, PerPodUsage) {
  UsageResult r = ObjectAverageValueReplicas(5, 6000, 2000, {});
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(r.usage_milli, 1200);
  r = ObjectAverageValueReplicas(0, 20000, 5000, {});
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(r.usage_milli, 0);
  r = ObjectAverageValueReplicas(1, kMaxMilli, kMaxMilli, {});
  EXPECT_EQ(r.replicas, 1);
  EXPECT_EQ(r.usage_milli, kMaxMilli);
}

TEST(ExternalTest, SumsSaturate) {
  const std::vector<Pod> pods = {Ready(0, std::nullopt), Ready(0, std::nullopt),
                                 Ready(0, std::nullopt)};
  absl::StatusOr<UsageResult> r =
      ExternalValueReplicas(3, {int64_t{1} << 62, int64_t{1} << 62}, kMaxMilli, pods, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->usage_milli, kMaxMilli);
  EXPECT_EQ(r->replicas, 3);
  r = ExternalAverageValueReplicas(1, {kMaxMilli, 5}, 1, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->usage_milli, kMaxMilli);
  EXPECT_EQ(r->replicas, kMaxReplicas);
  EXPECT_FALSE(ExternalValueReplicas(3, {}, 100, pods, {}).ok());
  r = ExternalAverageValueReplicas(0, {0}, 5000, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 0);
}

// ---- groupPods' cpu readiness ----

const absl::Time kNow = absl::FromUnixSeconds(1800000000);
const absl::Duration kPeriod = absl::Seconds(120);
const absl::Duration kDelay = absl::Seconds(10);

PodReadiness Readiness(std::optional<int> start_age, std::optional<bool> ready,
                       int transition_age = 0) {
  PodReadiness r;
  if (start_age) r.start_time = kNow - absl::Seconds(*start_age);
  if (ready) r.ready_condition = ReadyCondition{*ready, kNow - absl::Seconds(transition_age)};
  return r;
}

struct ReadinessCase {
  const char* name;
  PodReadiness pod;
  int sample_age;
  int window;
  bool want_unready;
};

class CpuReadinessTest : public testing::TestWithParam<ReadinessCase> {};

TEST_P(CpuReadinessTest, Classifies) {
  const ReadinessCase& c = GetParam();
  EXPECT_EQ(IsCpuUnready(c.pod, kNow - absl::Seconds(c.sample_age), absl::Seconds(c.window), kNow,
                         kPeriod, kDelay),
            c.want_unready);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CpuReadinessTest,
    testing::Values(ReadinessCase{"NoCondition", Readiness(0, std::nullopt), 0, 60, true},
                    ReadinessCase{"NoStartTime", Readiness(std::nullopt, true, 30), 0, 60, true},
                    // In the period: the sample must cover a full window after the transition.
                    ReadinessCase{"FreshSampleInPeriod", Readiness(60, true, 30), 0, 30, false},
                    ReadinessCase{"StaleSampleInPeriod", Readiness(60, true, 30), 0, 60, true},
                    ReadinessCase{"NotReadyInPeriod", Readiness(60, false, 30), 0, 1, true},
                    // The period ends exactly at start + 120 s: at that instant the pod is past it.
                    ReadinessCase{"PeriodEdge", Readiness(120, true, 120), 100, 60, false},
                    // After the period: only never-ready-since-start pods are distrusted.
                    ReadinessCase{"ReadyAfterPeriod", Readiness(180, true, 180), 120, 60, false},
                    ReadinessCase{"WentUnreadyLater", Readiness(600, false, 540), 0, 60, false},
                    ReadinessCase{"NeverReady", Readiness(600, false, 595), 0, 60, true}),
    [](const testing::TestParamInfo<ReadinessCase>& info) { return info.param.name; });

TEST(GroupPodTest, Groups) {
  Pod pod = Ready(1, 1);
  EXPECT_EQ(GroupPod(pod, true), PodGroup::kReady);
  pod.cpu_unready = true;
  EXPECT_EQ(GroupPod(pod, true), PodGroup::kUnready);
  EXPECT_EQ(GroupPod(pod, false), PodGroup::kReady);
  pod.metric_milli.reset();
  EXPECT_EQ(GroupPod(pod, true), PodGroup::kMissing);
  pod.phase = PodPhase::kPending;
  EXPECT_EQ(GroupPod(pod, true), PodGroup::kUnready);
  pod.phase = PodPhase::kSucceeded;
  EXPECT_EQ(GroupPod(pod, true), PodGroup::kIgnored);
  pod.phase = PodPhase::kRunning;
  pod.deleting = true;
  EXPECT_EQ(GroupPod(pod, true), PodGroup::kIgnored);
}

}  // namespace
}  // namespace limiar::policy::hpa
