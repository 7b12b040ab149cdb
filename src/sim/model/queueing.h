// Queueing arithmetic of the cluster model (docs in ../shared/docs/simulation.md): M/M/c
// (Erlang C) while a step is stable, a fluid backlog with a queue limit and drops while it
// is overloaded. Pure functions, no state: the cluster model owns the backlog.
#ifndef LIMIAR_SIM_MODEL_QUEUEING_H_
#define LIMIAR_SIM_MODEL_QUEUEING_H_

#include <cstdint>

namespace limiar::sim {

// Erlang B blocking probability for `c` servers at offered load `a` (erlangs), by the
// stable recursion B_0 = 1, B_k = a B_(k-1) / (k + a B_(k-1)). O(c), no allocation.
double ErlangB(int32_t c, double a);
// Erlang C probability of waiting, C = c B / (c - a (1 - B)); 1 when a >= c.
double ErlangC(int32_t c, double a);

// Latency figures of one step, in seconds. The percentiles are of response time (wait
// quantile + mean service 1 / mu); `mean_wait` is the wait alone. They describe the
// requests served; when none is served (no server at all) they are 0, and the step's
// drops are what tells it apart. When Erlang C is provably under 1 % (a large service at
// moderate load) the mean wait, then below 0.01 / (c mu - lambda), is reported as 0.
struct StepLatency {
  double p50 = 0, p95 = 0, p99 = 0;
  double mean_wait = 0;
};

// Inputs of one step.
struct QueueStep {
  double arrival_rate = 0;   // lambda, requests/s
  int32_t servers = 0;       // c: ready replicas x workers per replica
  double service_rate = 1;   // mu per server, requests/s (1 / mean service time)
  double backlog = 0;        // requests queued at the start of the step
  double queue_limit = 0;    // most requests that may wait; beyond that they are dropped
  double timeout_s = 0;      // a request that would wait longer is dropped; 0: none
  double dt = 1;             // step length, seconds
  double burstiness = 1;     // Allen-Cunneen factor (ca^2 + cs^2) / 2 on the wait; 1 = M/M/c
  double stable_rho = 0.95;  // utilization below which an empty queue is treated as M/M/c
};

// Always served + dropped + (backlog - in.backlog) == arrival_rate * dt (up to rounding).
struct QueueResult {
  double served = 0;       // requests completed in the step
  double dropped = 0;      // requests refused (queue limit, timeout, or no server at all)
  double backlog = 0;      // requests queued at the end of the step
  double utilization = 0;  // busy share of the servers: lambda / (c mu) while stable, 1
                           // while the backlog keeps them busy all step
  StepLatency latency;
  bool overloaded = false;  // the fluid model applied
};

// The wait quantile of M/M/c: ln(C / (1 - p)) / (c mu - lambda) when C > 1 - p, else 0.
// Infinite when c mu <= lambda (the queue grows without bound).
double ErlangCWaitQuantile(double erlang_c, double p, int32_t c, double mu, double lambda);

// One step: M/M/c when rho < stable_rho and there is no backlog, else the fluid model
// Q <- max(0, Q + lambda dt - c mu dt), drops over the queue limit / timeout (a backlog
// beyond c mu timeout_s would wait longer than the timeout), latency ~ Q / (c mu) + 1 / mu.
// With no server at all every arrival and the backlog are dropped.
//
// In the fluid model the wait is never below the M/M/c wait at min(rho, stable_rho): the
// fluid backlog alone would report a bare 1 / mu at rho in [stable_rho, 1) with no backlog,
// less than at a lower load, and a sweep would then prefer running hot. The burstiness
// factor applies to that M/M/c wait only; a fluid backlog's wait is deterministic.
// Wait figures never exceed timeout_s when one is set: a longer wait is a drop.
// Allocation-free and O(c): it runs once per step and target in every replay.
QueueResult StepQueue(const QueueStep& in);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_MODEL_QUEUEING_H_
