#include "src/sim/engine/sim_cluster.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace limiar::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Replicas present at t = 0 started long before: past every start-up rule of the HPA.
constexpr double kLongAgo = -86400;

}  // namespace

SimCluster::SimCluster(std::vector<Target> targets, absl::Time origin, uint64_t seed,
                       RemoveFn on_remove)
    : origin_(origin), on_remove_(std::move(on_remove)) {
  state_.reserve(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    State s;
    s.target = targets[i];
    // One stream per target, so that adding a target does not reshuffle the others.
    std::seed_seq seq{seed, static_cast<uint64_t>(i), uint64_t{0x5157}};
    s.rng.seed(seq);
    s.sums.assign(s.target.policy->metrics.size(), 0.0);
    s.next_ready_t = kInf;
    int32_t initial = s.target.model->initial_replicas.value_or(
        std::max<int32_t>(1, s.target.policy->min_replicas));
    for (int32_t r = 0; r < initial; ++r) {
      s.replicas.push_back(MakeReplica(s, kLongAgo, kLongAgo));
    }
    s.ready = initial;
    state_.push_back(std::move(s));
  }
}

SimCluster::Replica SimCluster::MakeReplica(State& s, double start_t, double ready_t) {
  return {absl::StrCat(s.target.model->target, "-", s.next_id++), start_t, ready_t,
          origin_ + absl::Seconds(start_t), origin_ + absl::Seconds(ready_t)};
}

double SimCluster::StartupDelay(State& s) {
  const sim::StartupDelay& d = s.target.model->startup;
  switch (d.kind) {
    case StartupDelay::Kind::kFixed:
      return d.fixed_s;
    case StartupDelay::Kind::kUniform:
      return std::uniform_real_distribution<double>(d.min_s, d.max_s)(s.rng);
    case StartupDelay::Kind::kLognormal:
      return std::lognormal_distribution<double>(std::log(d.median_s), d.sigma)(s.rng);
  }
  return d.fixed_s;
}

void SimCluster::Start(State& s, double t, int32_t n) {
  for (int32_t i = 0; i < n; ++i) {
    const double ready_t = t + StartupDelay(s);
    s.replicas.push_back(MakeReplica(s, t, ready_t));
    s.next_ready_t = std::min(s.next_ready_t, ready_t);
  }
  Recount(s, t);
}

void SimCluster::Recount(State& s, double t) {
  int32_t ready = 0;
  double next = kInf;
  for (const Replica& r : s.replicas) {
    if (r.ready_t <= t) {
      ++ready;
    } else {
      next = std::min(next, r.ready_t);
    }
  }
  s.ready = ready;
  s.next_ready_t = next;
}

void SimCluster::Advance(double t) {
  now_ = t;
  for (State& s : state_) {
    if (t >= s.next_ready_t) Recount(s, t);
    if (!s.draining.empty()) {
      s.draining.erase(std::remove_if(s.draining.begin(), s.draining.end(),
                                      [&](double end) { return end <= t; }),
                       s.draining.end());
    }
  }
}

void SimCluster::LoseReplicas(size_t index, double t, double fraction, bool replace) {
  State& s = state_[index];
  const auto lost = static_cast<int32_t>(std::lround(fraction * s.replicas.size()));
  if (lost <= 0) return;
  std::vector<size_t> order(s.replicas.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), s.rng);
  order.resize(lost);
  std::sort(order.rbegin(), order.rend());  // erase from the back so indices hold
  for (size_t i : order) {
    on_remove_(s.target.model->target, s.replicas[i].id, t);
    s.replicas.erase(s.replicas.begin() + static_cast<std::ptrdiff_t>(i));
  }
  Recount(s, t);
  if (replace) Start(s, t, lost);
}

void SimCluster::Accumulate(size_t index, double arrival_rate) {
  State& s = state_[index];
  if (s.ready <= 0) return;  // nothing to scrape: no ready replica
  const double per_replica = arrival_rate / s.ready;
  const std::vector<policy::MetricTarget>& metrics = s.target.policy->metrics;
  for (size_t m = 0; m < metrics.size(); ++m) {
    double v = 0;
    switch (metrics[m].metric) {
      case policy::MetricType::kRequests:
        v = per_replica;
        break;
      case policy::MetricType::kCpu:
        // Cores used, saturating at the request: the policy's capacity for cpu.
        v = std::min(1.0, per_replica / s.target.capacity_rps) * metrics[m].capacity_per_replica;
        break;
      case policy::MetricType::kConnections:
        v = per_replica * s.target.model->connection_lifetime_s;  // Little's law
        break;
    }
    s.sums[m] += v;
  }
  ++s.steps;
}

void SimCluster::Scrape(size_t index, double t, std::vector<metrics::Sample>* out) {
  State& s = state_[index];
  if (s.steps > 0) {
    const std::vector<policy::MetricTarget>& metrics = s.target.policy->metrics;
    const absl::Time at = origin_ + absl::Seconds(t);
    out->reserve(out->size() + s.replicas.size() * metrics.size());
    for (const Replica& r : s.replicas) {
      if (r.ready_t > t) continue;  // not in the endpoints yet: not scraped
      for (size_t m = 0; m < metrics.size(); ++m) {
        metrics::Sample& sample = out->emplace_back();
        sample.target = s.target.model->target;
        sample.metric = metrics[m].metric;
        sample.replica_id = r.id;
        sample.value = s.sums[m] / s.steps;
        sample.time = at;
        sample.ready = true;
        sample.start_time = r.start_time;
        sample.ready_transition = r.ready_time;
        sample.ingest = metrics::Ingest::kScrape;
      }
    }
  }
  std::fill(s.sums.begin(), s.sums.end(), 0.0);
  s.steps = 0;
}

size_t SimCluster::IndexOf(const std::string& target) const {
  for (size_t i = 0; i < state_.size(); ++i) {
    if (state_[i].target.model->target == target) return i;
  }
  return state_.size();
}

absl::StatusOr<actuator::ScaleState> SimCluster::Observe(const std::string& target) {
  const size_t i = IndexOf(target);
  if (i == state_.size()) return absl::NotFoundError(absl::StrCat("no simulated target ", target));
  return actuator::ScaleState{spec(i), ready(i)};
}

absl::Status SimCluster::SetReplicas(const actuator::ScaleRequest& request) {
  if (actuator_down_) {
    return absl::UnavailableError("actuator outage (injected by the scenario)");
  }
  const size_t i = IndexOf(request.target);
  if (i == state_.size()) {
    return absl::NotFoundError(absl::StrCat("no simulated target ", request.target));
  }
  State& s = state_[i];
  const double t = absl::ToDoubleSeconds(request.time - origin_);
  const auto have = static_cast<int32_t>(s.replicas.size());
  if (request.replicas > have) {
    Start(s, t, request.replicas - have);
    return absl::OkStatus();
  }
  // Scale-down removes replicas at once, starting ones first and then the newest ready
  // ones (a ReplicaSet deletes unready pods first, then the youngest).
  int32_t to_remove = have - request.replicas;
  auto remove_where = [&](bool starting) {
    for (auto it = s.replicas.end(); it != s.replicas.begin() && to_remove > 0;) {
      --it;
      if ((it->ready_t > t) != starting) continue;
      on_remove_(s.target.model->target, it->id, t);
      if (!starting && s.target.model->drain_s > 0) {
        s.draining.push_back(t + s.target.model->drain_s);
      }
      it = s.replicas.erase(it);
      --to_remove;
    }
  };
  remove_where(true);
  remove_where(false);
  Recount(s, t);
  return absl::OkStatus();
}

}  // namespace limiar::sim
