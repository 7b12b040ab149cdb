#include "src/sim/model/queueing.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "src/common/mix64.h"
#include "src/sim/model/memo_table.h"

namespace limiar::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Waits (not response times) of one step, in seconds.
struct Waits {
  double mean = 0, p50 = 0, p95 = 0, p99 = 0;
};

// An upper bound on Erlang C: when it is at most 1 - 0.99, no percentile reported waits
// and the O(c) recursion can be skipped (it dominates a replay of a large service at
// moderate load). The bound: B = P(X = c) / P(X <= c) for X ~ Poisson(a), where
// P(X <= c) >= 1/2 once c >= a + 1 (the Poisson median is below a + 1/3), and Stirling's
// lower bound on c! gives ln B <= ln 2 + c (1 + ln(a/c)) - a - ln(2 pi c) / 2; then
// C <= c B / (c - a). Below 32 servers the recursion is cheaper than the logarithms.
double ErlangCBound(int32_t c, double a) {
  const double log_b =
      std::log(2.0) + c * (1 + std::log(a / c)) - a - 0.5 * std::log(2 * 3.141592653589793 * c);
  return c * std::exp(log_b) / (c - a);
}

// The bound grows with the load a for a given c, so each c has a largest load below which
// it holds: found once per c by bisection (keeping the side where it holds) and remembered
// per thread, so that a step pays one comparison instead of three transcendental calls.
// A pure function of c: the cache changes no result.
double NoWaitLoadLimit(int32_t c) {
  thread_local std::vector<double> limits;
  if (static_cast<size_t>(c) >= limits.size()) limits.resize(c + 1, -1);
  double& limit = limits[c];
  if (limit < 0) {
    double lo = 0, hi = c - 1.0;  // the bound needs c >= a + 1
    for (int i = 0; i < 60; ++i) {
      const double mid = (lo + hi) / 2;
      (mid > 0 && ErlangCBound(c, mid) < 0.01 ? lo : hi) = mid;
    }
    limit = lo;
  }
  return limit;
}

bool NoPercentileWaits(int32_t c, double a) { return c >= 32 && a <= NoWaitLoadLimit(c); }

// M/M/c waits at arrival rate `lambda` < c mu, stretched by the Allen-Cunneen factor,
// computed (MmcWaits below remembers them).
Waits ComputeMmcWaits(int32_t c, double mu, double lambda, double burstiness) {
  const double erlang_c = ErlangC(c, lambda / mu);
  const double spare = c * mu - lambda;
  Waits w;
  w.mean = burstiness * erlang_c / spare;
  // ErlangCWaitQuantile for p = 0.50, 0.95, 0.99 with one logarithm instead of three:
  // ln(C / (1 - p)) = ln C - ln(1 - p). This runs for every busy step of a replay.
  if (erlang_c > 0.5) {
    const double log_c = std::log(erlang_c);
    w.p50 = burstiness * (log_c - std::log(0.50)) / spare;
    w.p95 = burstiness * (log_c - std::log(0.05)) / spare;
    w.p99 = burstiness * (log_c - std::log(0.01)) / spare;
  } else if (erlang_c > 0.05) {
    const double log_c = std::log(erlang_c);
    w.p95 = burstiness * (log_c - std::log(0.05)) / spare;
    w.p99 = burstiness * (log_c - std::log(0.01)) / spare;
  } else if (erlang_c > 0.01) {
    w.p99 = burstiness * (std::log(erlang_c) - std::log(0.01)) / spare;
  }
  return w;
}

// The waits are a pure function of (c, mu, lambda, burstiness), and a replay asks for the
// same ones again and again: a trace's per-second counts are whole numbers and replicas are
// few, and the points of a sweep share a thread and its traffic. So the O(c) Erlang C and
// its logarithms are remembered per thread (1 MiB).
Waits MmcWaits(int32_t c, double mu, double lambda, double burstiness) {
  // Fewer than 1 % of requests wait: every percentile waits 0 and the mean wait is below
  // 0.01 / (c mu - lambda), reported as 0.
  if (NoPercentileWaits(c, lambda / mu)) return Waits{};
  struct Key {
    int32_t c;
    double mu, lambda, burstiness;
    bool operator==(const Key&) const = default;
  };
  thread_local MemoTable<Key, Waits, 14> memo;
  const uint64_t hash =
      Mix64(std::bit_cast<uint64_t>(lambda) ^ Mix64(static_cast<uint64_t>(c)) ^
            std::bit_cast<uint64_t>(mu) ^ (std::bit_cast<uint64_t>(burstiness) >> 1));
  return memo.Get(Key{c, mu, lambda, burstiness}, hash,
                  [](const Key& k) { return ComputeMmcWaits(k.c, k.mu, k.lambda, k.burstiness); });
}

// Response times from waits: a wait beyond the timeout is a drop, so no served request
// waits longer than `max_wait`.
StepLatency ToLatency(const Waits& w, double max_wait, double service_s) {
  StepLatency l;
  l.mean_wait = std::min(w.mean, max_wait);
  l.p50 = std::min(w.p50, max_wait) + service_s;
  l.p95 = std::min(w.p95, max_wait) + service_s;
  l.p99 = std::min(w.p99, max_wait) + service_s;
  return l;
}

}  // namespace

double ErlangB(int32_t c, double a) {
  if (c <= 0) return 1;
  if (a <= 0) return 0;
  // The same recursion in reciprocal form, x_k = 1/B_k = 1 + (k/a) x_(k-1): every term is
  // positive, so it is as stable as the original, and an overflow to infinity is the exact
  // limit B = 0. It runs once per step of a replay, so four steps are folded into one,
  // x_(k+4) = A + P x_k, with A and P computed off the dependency chain on x: the loop then
  // waits for one multiply-add per four servers instead of per server.
  const double inv_a = 1 / a;
  double x = 1;
  int32_t k = 0;
  for (; k + 4 <= c; k += 4) {
    const double r1 = (k + 1) * inv_a, r2 = (k + 2) * inv_a;
    const double r3 = (k + 3) * inv_a, r4 = (k + 4) * inv_a;
    const double sum = 1 + r4 * (1 + r3 * (1 + r2));
    const double product = (r4 * r3) * (r2 * r1);
    x = sum + product * x;
    if (x == kInf) return 0;
  }
  for (++k; k <= c; ++k) x = 1 + k * inv_a * x;
  return 1 / x;
}

double ErlangC(int32_t c, double a) {
  if (c <= 0 || a >= c) return 1;
  if (a <= 0) return 0;
  const double b = ErlangB(c, a);
  return c * b / (c - a * (1 - b));
}

double ErlangCWaitQuantile(double erlang_c, double p, int32_t c, double mu, double lambda) {
  const double spare = c * mu - lambda;
  if (spare <= 0) return kInf;
  if (erlang_c <= 1 - p) return 0;
  return std::log(erlang_c / (1 - p)) / spare;
}

QueueResult StepQueue(const QueueStep& in) {
  QueueResult r;
  const double arrivals = in.arrival_rate * in.dt;
  if (in.servers <= 0 || in.service_rate <= 0) {
    // The queue lives in the replicas: with none there is nothing to hold it either.
    r.dropped = arrivals + in.backlog;
    r.overloaded = r.dropped > 0;
    return r;
  }
  const int32_t c = in.servers;
  const double mu = in.service_rate;
  const double service_s = 1 / mu;
  const double capacity_rate = c * mu;
  const double lambda = in.arrival_rate;
  const double max_wait = in.timeout_s > 0 ? in.timeout_s : kInf;
  const double rho = lambda / capacity_rate;

  // M/M/c needs rho < 1 whatever stable_rho says.
  if (in.backlog <= 0 && rho < std::min(in.stable_rho, 1.0)) {
    r.served = arrivals;
    r.utilization = rho;
    r.latency = ToLatency(MmcWaits(c, mu, lambda, in.burstiness), max_wait, service_s);
    return r;
  }

  r.overloaded = true;
  const double capacity = capacity_rate * in.dt;
  double q = in.backlog + arrivals - capacity;
  r.served = capacity;
  if (q < 0) {
    r.served = in.backlog + arrivals;
    q = 0;
  }
  double limit = std::max(0.0, in.queue_limit);
  if (in.timeout_s > 0) limit = std::min(limit, capacity_rate * in.timeout_s);
  if (q > limit) {
    r.dropped = q - limit;
    q = limit;
  }
  r.backlog = q;
  r.utilization = r.served / capacity;

  const double fluid = q / capacity_rate;
  Waits floor;
  const double floor_lambda = std::min(lambda, std::min(in.stable_rho, 1.0) * capacity_rate);
  // With C <= 1 no M/M/c figure exceeds ln(100) / (c mu - lambda) (the p99): past that, a
  // long backlog needs no O(c) Erlang C.
  const double floor_bound = in.burstiness * std::log(100.0) / (capacity_rate - floor_lambda);
  if (floor_lambda > 0 && floor_lambda < capacity_rate && fluid < floor_bound) {
    floor = MmcWaits(c, mu, floor_lambda, in.burstiness);
  }
  const Waits w{std::max(fluid, floor.mean), std::max(fluid, floor.p50), std::max(fluid, floor.p95),
                std::max(fluid, floor.p99)};
  r.latency = ToLatency(w, max_wait, service_s);
  return r;
}

}  // namespace limiar::sim
