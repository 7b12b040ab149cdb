#include "src/sim/model/queueing.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace limiar::sim {
namespace {

// The recursion exactly as simulation.md writes it, to check the reciprocal form against.
double ErlangBAsWritten(int32_t c, double a) {
  double b = 1;
  for (int32_t k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b;
}

// The worked example of simulation.md: lambda = 100/s, 50 ms service.
QueueStep Example(int32_t servers) {
  QueueStep in;
  in.arrival_rate = 100;
  in.servers = servers;
  in.service_rate = 20;
  in.queue_limit = 1e6;
  return in;
}

void ExpectConserved(const QueueStep& in, const QueueResult& r) {
  const double arrivals = in.arrival_rate * in.dt;
  EXPECT_NEAR(r.served + r.dropped + (r.backlog - in.backlog), arrivals,
              1e-9 * std::max(1.0, arrivals + in.backlog));
  EXPECT_GE(r.served, 0);
  EXPECT_GE(r.dropped, 0);
  EXPECT_GE(r.backlog, 0);
}

TEST(ErlangTest, MatchesTheDocumentedValues) {
  EXPECT_NEAR(ErlangB(3, 2), 0.2105, 5e-5);
  EXPECT_NEAR(ErlangC(3, 2), 0.4444, 5e-5);
  EXPECT_DOUBLE_EQ(ErlangB(3, 2), 4.0 / 19);
  EXPECT_DOUBLE_EQ(ErlangC(3, 2), 4.0 / 9);
}

TEST(ErlangTest, ReciprocalRecursionEqualsTheWrittenOne) {
  for (int32_t c : {1, 2, 6, 50, 400}) {
    for (double rho : {0.01, 0.3, 0.8, 0.95, 0.999, 1.5}) {
      const double a = rho * c;
      EXPECT_NEAR(ErlangB(c, a), ErlangBAsWritten(c, a), 1e-12 * ErlangBAsWritten(c, a))
          << "c=" << c << " a=" << a;
    }
  }
}

TEST(ErlangTest, Limits) {
  EXPECT_EQ(ErlangB(0, 5), 1);  // B_0
  EXPECT_EQ(ErlangB(4, 0), 0);
  EXPECT_EQ(ErlangC(4, 0), 0);
  EXPECT_EQ(ErlangC(4, 4), 1);  // a >= c: every arrival waits
  EXPECT_EQ(ErlangC(4, 9), 1);
  EXPECT_EQ(ErlangC(0, 1), 1);
  // Far more servers than load: B underflows to its limit, never NaN.
  EXPECT_EQ(ErlangB(100000, 1), 0);
  EXPECT_EQ(ErlangC(100000, 1), 0);
  const double big = ErlangC(20000, 19000);
  EXPECT_GT(big, 0);
  EXPECT_LT(big, 1);
}

TEST(ErlangTest, WaitQuantiles) {
  const double c6 = ErlangC(6, 5);
  EXPECT_NEAR(ErlangCWaitQuantile(c6, 0.99, 6, 20, 100), 0.204, 5e-4);
  const double c8 = ErlangC(8, 5);
  EXPECT_NEAR(ErlangCWaitQuantile(c8, 0.99, 8, 20, 100), 0.047, 5e-4);
  // C <= 1 - p: at least a share p of requests does not wait at all.
  EXPECT_EQ(ErlangCWaitQuantile(c8, 0.5, 8, 20, 100), 0);
  EXPECT_EQ(ErlangCWaitQuantile(1, 0.99, 5, 20, 100), std::numeric_limits<double>::infinity());
}

TEST(StepQueueTest, StableStepIsErlangC) {
  const QueueResult six = StepQueue(Example(6));
  EXPECT_FALSE(six.overloaded);
  EXPECT_NEAR(six.latency.mean_wait, 0.029, 5e-4);
  EXPECT_NEAR(six.latency.p99 - 0.05, 0.204, 5e-4);
  EXPECT_NEAR(six.latency.p95 - 0.05, std::log(ErlangC(6, 5) / 0.05) / 20, 1e-12);
  EXPECT_NEAR(six.latency.p50 - 0.05, std::log(ErlangC(6, 5) / 0.5) / 20, 1e-12);
  EXPECT_DOUBLE_EQ(six.served, 100);
  EXPECT_EQ(six.dropped, 0);
  EXPECT_EQ(six.backlog, 0);
  EXPECT_DOUBLE_EQ(six.utilization, 100.0 / 120);

  const QueueResult eight = StepQueue(Example(8));
  EXPECT_NEAR(eight.latency.mean_wait, 0.0028, 5e-5);
  EXPECT_NEAR(eight.latency.p99 - 0.05, 0.047, 5e-4);
  EXPECT_DOUBLE_EQ(eight.latency.p50, 0.05);  // C = 0.17: the median request does not wait
}

TEST(StepQueueTest, BurstinessMultipliesTheWait) {
  QueueStep in = Example(6);
  const QueueResult plain = StepQueue(in);
  in.burstiness = 2.5;
  const QueueResult bursty = StepQueue(in);
  EXPECT_NEAR(bursty.latency.mean_wait, 2.5 * plain.latency.mean_wait, 1e-12);
  EXPECT_NEAR(bursty.latency.p99 - 0.05, 2.5 * (plain.latency.p99 - 0.05), 1e-12);
  EXPECT_NEAR(bursty.latency.p95 - 0.05, 2.5 * (plain.latency.p95 - 0.05), 1e-12);
}

TEST(StepQueueTest, OverloadGrowsTheBacklog) {
  QueueStep in = Example(6);  // c mu = 120/s
  in.arrival_rate = 150;
  QueueResult r = StepQueue(in);
  EXPECT_TRUE(r.overloaded);
  EXPECT_DOUBLE_EQ(r.backlog, 30);
  EXPECT_DOUBLE_EQ(r.served, 120);
  EXPECT_EQ(r.dropped, 0);
  EXPECT_DOUBLE_EQ(r.utilization, 1);
  ExpectConserved(in, r);

  // Once the backlog dominates, every request waits Q / (c mu).
  in.backlog = 570;
  r = StepQueue(in);
  EXPECT_DOUBLE_EQ(r.backlog, 600);
  EXPECT_DOUBLE_EQ(r.latency.mean_wait, 5);
  EXPECT_DOUBLE_EQ(r.latency.p50, 5.05);
  EXPECT_DOUBLE_EQ(r.latency.p99, 5.05);
}

TEST(StepQueueTest, BacklogShrinksThenErlangCResumes) {
  QueueStep in = Example(6);
  in.arrival_rate = 60;
  in.backlog = 100;
  QueueResult r = StepQueue(in);
  EXPECT_TRUE(r.overloaded);  // a backlog keeps the fluid model on
  EXPECT_DOUBLE_EQ(r.backlog, 40);
  EXPECT_DOUBLE_EQ(r.served, 120);
  ExpectConserved(in, r);

  in.backlog = r.backlog;
  r = StepQueue(in);
  EXPECT_EQ(r.backlog, 0);
  EXPECT_DOUBLE_EQ(r.served, 100);  // the 40 queued and the 60 arrived
  EXPECT_DOUBLE_EQ(r.utilization, 100.0 / 120);
  ExpectConserved(in, r);
  // Drained: the wait is M/M/c's at this load, as the next (stable) step will report.
  in.backlog = 0;
  const QueueResult stable = StepQueue(in);
  EXPECT_FALSE(stable.overloaded);
  EXPECT_DOUBLE_EQ(r.latency.mean_wait, stable.latency.mean_wait);
  EXPECT_DOUBLE_EQ(r.latency.p99, stable.latency.p99);
}

TEST(StepQueueTest, QueueLimitDrops) {
  QueueStep in = Example(6);
  in.arrival_rate = 200;
  in.queue_limit = 50;
  const QueueResult r = StepQueue(in);
  EXPECT_DOUBLE_EQ(r.served, 120);
  EXPECT_DOUBLE_EQ(r.backlog, 50);
  EXPECT_DOUBLE_EQ(r.dropped, 30);
  ExpectConserved(in, r);

  in.queue_limit = 0;  // nobody may wait
  const QueueResult none = StepQueue(in);
  EXPECT_EQ(none.backlog, 0);
  EXPECT_DOUBLE_EQ(none.dropped, 80);
}

TEST(StepQueueTest, TimeoutDropsWhatWouldWaitLonger) {
  QueueStep in = Example(6);
  in.arrival_rate = 200;
  in.timeout_s = 0.5;  // at 120/s, a backlog over 60 waits longer than 0.5 s
  const QueueResult r = StepQueue(in);
  EXPECT_DOUBLE_EQ(r.backlog, 60);
  EXPECT_DOUBLE_EQ(r.dropped, 20);
  EXPECT_DOUBLE_EQ(r.latency.mean_wait, 0.5);
  EXPECT_DOUBLE_EQ(r.latency.p99, 0.55);
  ExpectConserved(in, r);

  in.queue_limit = 10;  // the tighter of the two applies
  EXPECT_DOUBLE_EQ(StepQueue(in).backlog, 10);
}

TEST(StepQueueTest, NoServerDropsEverything) {
  QueueStep in = Example(0);
  in.backlog = 7;
  QueueResult r = StepQueue(in);
  EXPECT_DOUBLE_EQ(r.dropped, 107);
  EXPECT_EQ(r.served, 0);
  EXPECT_EQ(r.backlog, 0);
  EXPECT_TRUE(r.overloaded);
  EXPECT_EQ(r.latency.p99, 0);
  ExpectConserved(in, r);

  in.servers = 3;
  in.service_rate = 0;
  EXPECT_DOUBLE_EQ(StepQueue(in).dropped, 107);

  in = Example(0);
  in.arrival_rate = 0;
  EXPECT_FALSE(StepQueue(in).overloaded);
}

TEST(StepQueueTest, StepLengthScalesTheCounts) {
  QueueStep in = Example(6);
  in.arrival_rate = 150;
  in.dt = 0.5;
  const QueueResult r = StepQueue(in);
  EXPECT_DOUBLE_EQ(r.served, 60);
  EXPECT_DOUBLE_EQ(r.backlog, 15);
  ExpectConserved(in, r);
}

TEST(StepQueueTest, LatencyNeverFallsAsLoadRises) {
  // Across stable_rho the model switches from M/M/c to the fluid backlog; a bare fluid
  // latency (1 / mu with no backlog) would fall there and reward running hot.
  for (int32_t c : {1, 6, 40}) {
    QueueStep in = Example(c);
    double last_mean = 0, last_p95 = 0, last_p99 = 0;
    for (double rho = 0.5; rho < 1.2; rho += 0.001) {
      in.arrival_rate = rho * c * in.service_rate;
      const QueueResult r = StepQueue(in);
      EXPECT_GE(r.latency.mean_wait, last_mean - 1e-12) << "c=" << c << " rho=" << rho;
      EXPECT_GE(r.latency.p95, last_p95 - 1e-12) << "c=" << c << " rho=" << rho;
      EXPECT_GE(r.latency.p99, last_p99 - 1e-12) << "c=" << c << " rho=" << rho;
      last_mean = r.latency.mean_wait;
      last_p95 = r.latency.p95;
      last_p99 = r.latency.p99;
    }
  }
}

TEST(StepQueueTest, UtilizationIsTheBusyShare) {
  QueueStep in = Example(6);
  in.arrival_rate = 30;
  EXPECT_DOUBLE_EQ(StepQueue(in).utilization, 0.25);
  in.arrival_rate = 500;
  EXPECT_DOUBLE_EQ(StepQueue(in).utilization, 1);
  in.arrival_rate = 117;  // rho 0.975: fluid, yet not saturated
  EXPECT_DOUBLE_EQ(StepQueue(in).utilization, 117.0 / 120);
}

TEST(StepQueueTest, WaitsStopAtTheTimeout) {
  QueueStep in;
  in.arrival_rate = 0.9;
  in.servers = 1;
  in.service_rate = 1;
  in.timeout_s = 2;
  const QueueResult r = StepQueue(in);  // M/M/1 at rho 0.9: p99 wait 45 s
  EXPECT_FALSE(r.overloaded);
  EXPECT_DOUBLE_EQ(r.latency.p99, 3);
  EXPECT_DOUBLE_EQ(r.latency.mean_wait, 2);
}

TEST(StepQueueTest, StableRhoAboveOneStillNeedsSpareCapacity) {
  QueueStep in = Example(6);
  in.stable_rho = 1.5;
  in.arrival_rate = 119;
  EXPECT_FALSE(StepQueue(in).overloaded);
  in.arrival_rate = 130;
  const QueueResult r = StepQueue(in);
  EXPECT_TRUE(r.overloaded);
  EXPECT_TRUE(std::isfinite(r.latency.p99));
}

TEST(StepQueueTest, ConservesArrivalsEverywhere) {
  for (double lambda : {0.0, 3.0, 95.0, 119.9, 120.0, 180.0, 5000.0}) {
    for (int32_t c : {0, 1, 6}) {
      for (double backlog : {0.0, 0.5, 40.0, 900.0}) {
        for (double limit : {0.0, 25.0, 1e6}) {
          for (double timeout : {0.0, 0.2, 30.0}) {
            for (double dt : {0.25, 1.0, 15.0}) {
              QueueStep in;
              in.arrival_rate = lambda;
              in.servers = c;
              in.service_rate = 20;
              in.backlog = backlog;
              in.queue_limit = limit;
              in.timeout_s = timeout;
              in.dt = dt;
              const QueueResult r = StepQueue(in);
              ExpectConserved(in, r);
              EXPECT_LE(r.backlog, limit + 1e-9);
              EXPECT_GE(r.utilization, 0);
              EXPECT_LE(r.utilization, 1);
              EXPECT_TRUE(std::isfinite(r.latency.p99));
            }
          }
        }
      }
    }
  }
}

// Large services skip the O(c) Erlang C when a bound proves that under 1 % of requests
// wait: the percentiles must be exactly those of the full computation.
TEST(StepQueueTest, SkippingErlangCForLargeServicesChangesNoPercentile) {
  for (int32_t c : {1, 2, 6, 8, 32, 40, 64, 100, 250, 600}) {
    for (double rho = 0.05; rho < 0.95; rho += 0.01) {
      const double mu = 20;
      const double lambda = rho * c * mu;
      QueueStep in;
      in.arrival_rate = lambda;
      in.servers = c;
      in.service_rate = mu;
      in.queue_limit = 1e9;
      const QueueResult r = StepQueue(in);
      const double erlang_c = ErlangC(c, lambda / mu);
      for (auto [p, got] : {std::pair{0.50, r.latency.p50}, std::pair{0.95, r.latency.p95},
                            std::pair{0.99, r.latency.p99}}) {
        const double want = ErlangCWaitQuantile(erlang_c, p, c, mu, lambda) + 1 / mu;
        EXPECT_NEAR(got, want, 1e-12 * want) << "c=" << c << " rho=" << rho << " p=" << p;
      }
    }
  }
}

}  // namespace
}  // namespace limiar::sim
