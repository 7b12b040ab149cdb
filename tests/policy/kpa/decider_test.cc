#include "src/policy/kpa/decider.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace limiar::policy::kpa {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

absl::Time At(double s) { return kT0 + absl::Seconds(s); }

// Upstream's unit-test spec: 75 % utilization, rates 10, threshold 2, 60 s window.
DeciderSpec TestSpec(double target, double tbc) {
  DeciderSpec s;
  s.target_value = target;
  s.total_value = target / 0.75;
  s.target_burst_capacity = tbc;
  s.panic_threshold = 2;
  s.max_scale_up_rate = 10;
  s.max_scale_down_rate = 10;
  s.activator_capacity = 150;
  s.stable_window = absl::Seconds(60);
  s.reachable = true;
  return s;
}

ScaleResult Tick(Decider& d, double t, int32_t ready, double stable, double panic) {
  return d.Scale(At(t), ready, Observed{stable, panic});
}

struct RateCase {
  std::string name;
  double up_rate, down_rate;
  bool reachable;
  int32_t ready;
  double stable;
  int32_t want;
};

TEST(DeciderTest, RateLimits) {
  const std::vector<RateCase> cases = {
      {"up capped at ceil(10 x 1)", 10, 10, true, 1, 1000, 10},
      {"up capped at ceil(10 x 10)", 10, 10, true, 10, 1000, 100},
      {"small up rate: ceil(1.1 x 2) still grows by one pod", 1.1, 10, true, 2, 40, 3},
      {"zero ready counts as one", 10, 10, true, 0, 1000, 10},
      {"down floored at 100 / 10", 10, 10, true, 100, 1, 10},
      {"down floored at floor(100 / 1.1)", 10, 1.1, true, 100, 1, 90},
      {"unreachable: no down limit", 10, 1.1, false, 100, 1, 1},
      {"within limits", 10, 10, true, 5, 50, 5},
  };
  for (const RateCase& c : cases) {
    SCOPED_TRACE(c.name);
    DeciderSpec spec = TestSpec(10, 100);
    spec.max_scale_up_rate = c.up_rate;
    spec.max_scale_down_rate = c.down_rate;
    spec.reachable = c.reachable;
    Decider d(spec, kT0, 1);
    // The panic value stays low so that only the stable count decides.
    const ScaleResult r = Tick(d, 0, c.ready, c.stable, 0);
    EXPECT_TRUE(r.valid);
    EXPECT_EQ(r.desired_pods, c.want);
  }
}

TEST(DeciderTest, PanicEntersExtendsAndEndsAfterAFullStableWindow) {
  Decider d(TestSpec(1, 98), kT0, 1);
  // 25 / 10 ready >= 2: panic at t=0.
  ScaleResult r = Tick(d, 0, 10, 11, 25);
  EXPECT_TRUE(r.panic_mode);
  EXPECT_EQ(r.desired_pods, 25);
  EXPECT_EQ(d.state().panic_time, At(0));
  // Still over the threshold: the panic time moves.
  r = Tick(d, 10, 10, 11, 30);
  EXPECT_EQ(d.state().panic_time, At(10));
  EXPECT_EQ(r.desired_pods, 30);
  // Under the threshold: the panic holds, the time does not move.
  r = Tick(d, 40, 40, 30, 41);
  EXPECT_TRUE(r.panic_mode);
  EXPECT_EQ(d.state().panic_time, At(10));
  EXPECT_EQ(r.desired_pods, 41);
  // Exactly one stable window later: not yet over (strictly after).
  r = Tick(d, 70, 55, 50, 56);
  EXPECT_TRUE(r.panic_mode);
  EXPECT_EQ(r.desired_pods, 56);
  r = Tick(d, 70.5, 55, 50, 56);
  EXPECT_FALSE(r.panic_mode);
  EXPECT_EQ(r.desired_pods, 50);
  EXPECT_EQ(d.state().max_panic_pods, 0);
}

TEST(DeciderTest, PanicNeverScalesDownAndTakesTheLargerOfStableAndPanic) {
  Decider d(TestSpec(10, 93), kT0, 1);
  EXPECT_EQ(Tick(d, 0, 10, 100, 1000).desired_pods, 100);
  // Load gone: still 100 while panicking.
  EXPECT_EQ(Tick(d, 30, 10, 1, 1).desired_pods, 100);
  // The stable average above the panic one wins inside a panic.
  Decider e(TestSpec(1, 100), kT0, 1);
  e.set_state({At(-5), 5});
  EXPECT_EQ(Tick(e, 0, 5, 50, 30).desired_pods, 50);
  Decider f(TestSpec(1, 100), kT0, 1);
  f.set_state({At(-5), 5});
  EXPECT_EQ(Tick(f, 0, 5, 20, 30).desired_pods, 30);
  // And never below the panic's maximum.
  Decider g(TestSpec(1, 100), kT0, 1);
  g.set_state({At(-5), 40});
  EXPECT_EQ(Tick(g, 0, 5, 20, 30).desired_pods, 40);
}

TEST(DeciderTest, CreationStartsInPanicWithMoreThanOneReadyPod) {
  struct Case {
    absl::StatusOr<int32_t> ready;
    bool panic;
    int32_t max_panic_pods;
  };
  const std::vector<Case> cases = {{0, false, 0},
                                   {1, false, 1},
                                   {2, true, 2},
                                   {7, true, 7},
                                   {absl::UnavailableError("lister"), false, 0}};
  for (const Case& c : cases) {
    Decider d(TestSpec(10, 100), kT0, c.ready);
    EXPECT_EQ(d.state().panic_time.has_value(), c.panic);
    EXPECT_EQ(d.state().max_panic_pods, c.max_panic_pods);
    if (c.panic) {
      EXPECT_EQ(*d.state().panic_time, kT0);
    }
  }
  // Restarted with 8 ready and no load yet: holds 8 for the first stable window.
  Decider d(TestSpec(10, 100), kT0, 8);
  EXPECT_EQ(Tick(d, 2, 8, 0, 0).desired_pods, 8);
  EXPECT_EQ(Tick(d, 60, 8, 0, 0).desired_pods, 8);
  EXPECT_EQ(Tick(d, 61, 8, 0, 0).desired_pods, 0);
}

TEST(DeciderTest, ActivationScaleOnlyLiftsNonZeroCounts) {
  struct Case {
    int32_t activation;
    double stable;
    int32_t want;
  };
  const std::vector<Case> cases = {{2, 0, 0}, {2, 1, 2}, {2, 25, 3}, {1, 1, 1}, {5, 11, 5}};
  for (const Case& c : cases) {
    DeciderSpec spec = TestSpec(10, 75);
    spec.activation_scale = c.activation;
    Decider d(spec, kT0, 1);
    EXPECT_EQ(Tick(d, 0, 1, c.stable, 0).desired_pods, c.want) << c.activation << " " << c.stable;
  }
}

TEST(DeciderTest, ExcessBurstCapacity) {
  struct Case {
    double tbc;
    int32_t ready;
    double panic;
    int32_t want;
  };
  // total = 10 / 0.75 = 13.33 per pod.
  const std::vector<Case> cases = {
      {-1, 1, 26, -1},     // unlimited
      {0, 1, 49, 0},       // none
      {100, 1, 50, -137},  // floor(13.33 - 100 - 50)
      {61, 100, 1, 1271},  // floor(1333.3 - 61 - 1)
      {81, 0, 888, -969},  // the real 0 ready pods, not the floored 1
  };
  for (const Case& c : cases) {
    Decider d(TestSpec(10, c.tbc), kT0, 1);
    EXPECT_EQ(Tick(d, 0, c.ready, 0, c.panic).excess_burst_capacity, c.want) << c.tbc;
  }
}

TEST(DeciderTest, ScaleDownDelayKeepsTheMaximumOverTheWindow) {
  DeciderSpec spec = TestSpec(10, 0);
  spec.panic_threshold = 100;
  spec.scale_down_delay = absl::Minutes(5);
  Decider d(spec, absl::UnixEpoch(), 0);
  auto at = [&](absl::Duration t, double load) {
    return d.Scale(absl::UnixEpoch() + t, 0, Observed{load, load});
  };
  EXPECT_EQ(at(absl::Seconds(2), 40).desired_pods, 4);
  const ScaleResult held = at(absl::Minutes(5), 0);
  EXPECT_EQ(held.desired_pods, 4);
  EXPECT_EQ(held.undelayed_pods, 0);
  EXPECT_EQ(at(absl::Minutes(5) + absl::Seconds(2), 0).desired_pods, 0);
  // Gradual: the 4 scrolls out first, then the 3.
  EXPECT_EQ(at(absl::Minutes(9), 40).desired_pods, 4);
  EXPECT_EQ(at(absl::Minutes(10), 30).desired_pods, 4);
  EXPECT_EQ(at(absl::Minutes(11), 0).desired_pods, 4);
  EXPECT_EQ(at(absl::Minutes(14), 0).desired_pods, 3);
  EXPECT_EQ(at(absl::Minutes(15), 0).desired_pods, 0);
}

TEST(DeciderTest, ScaleDownDelayIsIgnoredWhenUnreachable) {
  DeciderSpec spec = TestSpec(10, 0);
  spec.panic_threshold = 100;
  spec.scale_down_delay = absl::Minutes(5);
  Decider d(spec, absl::UnixEpoch(), 0);
  EXPECT_EQ(d.Scale(absl::UnixEpoch() + absl::Seconds(2), 0, Observed{40, 40}).desired_pods, 4);
  EXPECT_EQ(d.Scale(absl::UnixEpoch() + absl::Minutes(1), 0, Observed{0, 0}).desired_pods, 4);
  spec.reachable = false;
  d.Update(spec);
  EXPECT_EQ(d.Scale(absl::UnixEpoch() + absl::Seconds(62), 0, Observed{0, 0}).desired_pods, 0);
}

TEST(DeciderTest, ZeroDelayScalesDownInsideOneBucket) {
  DeciderSpec spec = TestSpec(10, 0);
  spec.panic_threshold = 100;
  Decider d(spec, absl::UnixEpoch(), 0);
  EXPECT_EQ(d.Scale(absl::UnixEpoch(), 0, Observed{40, 40}).desired_pods, 4);
  EXPECT_EQ(d.Scale(absl::UnixEpoch() + absl::Milliseconds(500), 0, Observed{20, 20}).desired_pods,
            2);
}

TEST(DeciderTest, UpdateKeepsTheDelayWindowItWasCreatedWith) {
  DeciderSpec spec = TestSpec(10, 0);
  spec.panic_threshold = 100;
  Decider d(spec, kT0, 0);
  spec.scale_down_delay = absl::Minutes(5);
  d.Update(spec);
  EXPECT_EQ(Tick(d, 0, 0, 40, 40).desired_pods, 4);
  EXPECT_EQ(Tick(d, 10, 0, 0, 0).desired_pods, 0);
}

TEST(DeciderTest, UpdateChangesTheTarget) {
  Decider d(TestSpec(10, 77), kT0, 1);
  EXPECT_EQ(Tick(d, 0, 1, 100, 101).desired_pods, 10);
  d.Update(TestSpec(1, 71));
  EXPECT_EQ(Tick(d, 0, 10, 100, 101).desired_pods, 100);
}

TEST(DeciderTest, ErrorsGiveInvalidResultsAndLeaveTheStateAlone) {
  Decider d(TestSpec(10, 81), kT0, 5);
  const PanicState before = d.state();
  const ScaleResult pods = d.Scale(At(100), absl::InternalError("lister"), Observed{1000, 888});
  EXPECT_FALSE(pods.valid);
  EXPECT_EQ(pods.desired_pods, 0);
  EXPECT_EQ(pods.excess_burst_capacity, 0);
  const ScaleResult metric = d.Scale(At(100), 5, absl::UnavailableError("no data"));
  EXPECT_FALSE(metric.valid);
  EXPECT_TRUE(metric.panic_mode);
  EXPECT_EQ(d.state().panic_time, before.panic_time);
  EXPECT_EQ(d.state().max_panic_pods, before.max_panic_pods);
  // NotFound endpoints read as 0 ready pods, as upstream.
  const ScaleResult none = d.Scale(At(100), absl::NotFoundError("endpoints"), Observed{50, 0});
  EXPECT_TRUE(none.valid);
  EXPECT_EQ(none.ready_pods, 0);
  // A NaN would reach int32() upstream; here it is an invalid tick.
  EXPECT_FALSE(d.Scale(At(100), 5, Observed{NAN, 0}).valid);
}

}  // namespace
}  // namespace limiar::policy::kpa
