// A restart must change no decision: a policy restored from a saved state decides, tick by
// tick, exactly as the one that never stopped.
#include <gtest/gtest.h>

#include <cmath>

#include "src/policy/policy_factory.h"
#include "tests/policy/owned_input.h"
#include "tests/support/policy_builders.h"

namespace limiar::policy {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

// Load per replica at tick i: a spike, a plateau and a drop that the windows must hold.
double LoadAt(int i) {
  if (i < 4) return 60;
  if (i < 10) return 200;
  if (i < 14) return 120;
  return 15;
}

OwnedInput At(int i, int32_t current) {
  OwnedInput in;
  in.now = kT0 + absl::Seconds(15 * i);
  in.current_replicas = current;
  in.ready_replicas = current;
  MetricObservation obs = testing::ReadyReplicas(MetricType::kRequests, current, LoadAt(i), in.now,
                                                 kT0 - absl::Hours(1));
  obs.stable_total = LoadAt(i) * current;
  obs.panic_total = LoadAt(i) * current;
  in.Add(obs);
  return in;
}

struct Step {
  int32_t desired;
  std::string reason;
};

// Runs ticks [from, to) starting at `current`, scaling as decided; returns the decisions.
std::vector<Step> Run(Policy& p, int from, int to, int32_t& current) {
  std::vector<Step> steps;
  for (int i = from; i < to; ++i) {
    absl::StatusOr<Recommendation> r = p.Recommend(At(i, current));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return steps;
    steps.push_back({r->desired_replicas, r->reason});
    if (r->desired_replicas != current) {
      p.RecordScale(kT0 + absl::Seconds(15 * i), current, r->desired_replicas);
      current = r->desired_replicas;
    }
  }
  return steps;
}

void ExpectRestartChangesNothing(const TargetPolicy& config) {
  constexpr int kTicks = 60;
  for (int cut : {3, 6, 9, 12, 15, 20, 30}) {
    absl::StatusOr<std::unique_ptr<Policy>> never_stopped = CreatePolicy(config);
    absl::StatusOr<std::unique_ptr<Policy>> first = CreatePolicy(config);
    absl::StatusOr<std::unique_ptr<Policy>> restarted = CreatePolicy(config);
    ASSERT_TRUE(never_stopped.ok() && first.ok() && restarted.ok());
    int32_t a = 2;
    const std::vector<Step> want = Run(**never_stopped, 0, kTicks, a);
    int32_t b = 2;
    Run(**first, 0, cut, b);
    PolicyState saved;
    (*first)->SaveState(saved);
    (*restarted)->RestoreState(saved);
    const std::vector<Step> got = Run(**restarted, cut, kTicks, b);
    ASSERT_EQ(got.size(), want.size() - cut);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].desired, want[cut + i].desired)
          << "restart after tick " << cut << ", tick " << cut + i << ": " << got[i].reason << " vs "
          << want[cut + i].reason;
    }
  }
}

TargetPolicy Base(Algorithm algorithm) {
  TargetPolicy t = testing::RequestsPolicy(2, 30);
  t.algorithm = algorithm;
  return t;
}

TEST(PolicyStateTest, HpaLegacyPathResumesItsStabilizationWindow) {
  ExpectRestartChangesNothing(Base(Algorithm::kHpa));
}

TEST(PolicyStateTest, HpaBehaviorResumesWindowsAndRateLimitEvents) {
  TargetPolicy t = Base(Algorithm::kHpa);
  HpaBehavior b = DefaultHpaBehavior();
  b.scale_up.policies = {{RatePolicyType::kPods, 2, absl::Seconds(60)}};
  b.scale_down.policies = {{RatePolicyType::kPods, 1, absl::Seconds(30)}};
  b.scale_down.stabilization_window = absl::Seconds(120);
  t.hpa.behavior = b;
  ExpectRestartChangesNothing(t);
}

TEST(PolicyStateTest, CooldownsAndFailureCountsSurvive) {
  TargetPolicy t = Base(Algorithm::kHpa);
  t.cooldown_up = absl::Seconds(45);
  t.cooldown_down = absl::Seconds(90);
  ExpectRestartChangesNothing(t);
}

TEST(PolicyStateTest, KpaResumesPanicAndScaleDownDelay) {
  TargetPolicy t = Base(Algorithm::kKpa);
  t.kpa.scale_down_delay = absl::Seconds(60);
  ExpectRestartChangesNothing(t);
}

TEST(PolicyStateTest, SavedStateCarriesTheGuardsTimers) {
  TargetPolicy t = Base(Algorithm::kHpa);
  t.cooldown_up = absl::Seconds(45);
  absl::StatusOr<std::unique_ptr<Policy>> p = CreatePolicy(t);
  ASSERT_TRUE(p.ok());
  (*p)->RecordScale(kT0, 2, 4);
  PolicyState s;
  (*p)->SaveState(s);
  EXPECT_EQ(s.last_scale_up, kT0);
  EXPECT_FALSE(s.last_scale_down.has_value());
}

}  // namespace
}  // namespace limiar::policy
