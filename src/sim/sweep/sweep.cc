#include "src/sim/sweep/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/policy/blueprint/policy_json.h"
#include "src/sim/model/traffic.h"

namespace limiar::sim {
namespace {

// The resolved policies of `variant`, one JSON dump per target: equal dumps mean equal
// policies, whatever the knobs were called.
absl::StatusOr<std::vector<std::string>> Resolve(const Scenario& scenario,
                                                 const PolicyVariant& variant) {
  absl::StatusOr<std::vector<policy::TargetPolicy>> policies = ResolvePolicies(scenario, variant);
  if (!policies.ok()) return policies.status();
  std::vector<std::string> dumps;
  for (const policy::TargetPolicy& p : *policies) {
    dumps.push_back(policy::blueprint::ResolvedPolicyToJson(p).dump());
  }
  return dumps;
}

// The loader's note on `key` ("unused: algoritmo is hpa"), or "" when it has none.
std::string NoteOn(const std::string& resolved_dump, const std::string& key) {
  const nlohmann::json j = nlohmann::json::parse(resolved_dump);
  auto knobs = j.find("knobs");
  if (knobs == j.end() || !knobs->contains(key)) return "";
  return (*knobs)[key].value("note", "");
}

bool Overlap(const std::string& target_a, const std::string& target_b) {
  return target_a.empty() || target_b.empty() || target_a == target_b;
}

// FNV-1a, 64 bits: stable across compilers and runs, unlike std::hash.
class Fnv {
 public:
  void Add(absl::string_view s) {
    for (unsigned char c : s) Byte(c);
    Byte(0);  // separates "ab","c" from "a","bc"
  }
  void Add(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i) Byte(static_cast<unsigned char>(bits >> (8 * i)));
  }
  template <typename T>
  void Add(const std::optional<T>& v) {
    Add(v.has_value() ? 1.0 : 0.0);
    if (v) Add(static_cast<double>(*v));
  }
  uint64_t value() const { return h_; }

 private:
  void Byte(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  uint64_t h_ = 14695981039346656037ULL;
};

}  // namespace

absl::StatusOr<SweepPlan> MakeSweepPlan(absl::string_view policy_spec,
                                        const std::vector<std::string>& grid_flags,
                                        absl::string_view shard) {
  SweepPlan plan;
  if (!policy_spec.empty()) plan.policy_spec = std::string(policy_spec);
  absl::StatusOr<PolicyVariant> base = ParsePolicyVariant(plan.policy_spec);
  if (!base.ok()) return base.status();
  plan.base = *std::move(base);
  absl::StatusOr<Grid> grid = ParseGrid(grid_flags);
  if (!grid.ok()) return grid.status();
  plan.grid = *std::move(grid);
  for (const KnobOverride& fixed : plan.base.overrides) {
    for (const GridAxis& axis : plan.grid.axes) {
      if (CanonicalKnobKey(fixed.key) == axis.key && Overlap(fixed.target, axis.target)) {
        return absl::InvalidArgumentError(absl::StrCat("--policy \"", plan.policy_spec, "\" fixes ",
                                                       fixed.key, " and --grid \"", axis.ToString(),
                                                       "\" varies it; drop it from one of them"));
      }
    }
  }
  absl::StatusOr<Shard> s = ParseShard(shard);
  if (!s.ok()) return s.status();
  plan.shard = *s;
  return plan;
}

absl::StatusOr<std::vector<std::string>> ValidateSweep(const Scenario& scenario,
                                                       const SweepPlan& plan) {
  if (absl::StatusOr<std::vector<std::string>> r = Resolve(scenario, plan.base); !r.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--policy \"", plan.policy_spec, "\": ", r.status().message()));
  }
  const PolicyVariant first = PointVariant(plan.base, plan.grid, 0);
  std::vector<std::string> warnings;
  for (size_t a = 0; a < plan.grid.axes.size(); ++a) {
    const GridAxis& axis = plan.grid.axes[a];
    std::vector<std::vector<std::string>> resolved;
    for (const GridValue& value : axis.values) {
      // Alone on the base first: a failure then is this value's own. A value may need
      // another axis (replicas_min=12 with replicas_max=20), so it also gets a chance
      // with point 0's values of the other axes.
      PolicyVariant alone = plan.base;
      alone.overrides.push_back({axis.target, axis.key, value.value});
      absl::StatusOr<std::vector<std::string>> r = Resolve(scenario, alone);
      if (!r.ok()) {
        PolicyVariant with_others = first;
        with_others.overrides[plan.base.overrides.size() + a].value = value.value;
        if (Resolve(scenario, with_others).ok()) continue;
        return absl::InvalidArgumentError(
            absl::StrCat("--grid \"", axis.ToString(), "\": ", axis.Column(), "=", value.text,
                         " is rejected before any run: ", r.status().message(),
                         "; fix it or leave it out of the grid"));
      }
      resolved.push_back(*std::move(r));
    }
    if (axis.values.size() < 2 || resolved.size() != axis.values.size()) continue;
    // The loader notes a knob the policy does not read (a KPA window under hpa) on every
    // target the axis sets; otherwise equal resolutions mean the values change nothing.
    std::string note;
    bool unread = true;
    for (size_t t = 0; t < scenario.targets.size() && t < resolved.front().size(); ++t) {
      if (!axis.target.empty() && scenario.targets[t].target != axis.target) continue;
      const std::string n = NoteOn(resolved.front()[t], axis.key);
      if (n.empty()) unread = false;
      if (note.empty()) note = n;
    }
    const bool same =
        std::all_of(resolved.begin(), resolved.end(),
                    [&](const std::vector<std::string>& r) { return r == resolved.front(); });
    if ((unread && !note.empty()) || same) {
      warnings.push_back(
          absl::StrCat("--grid \"", axis.ToString(), "\": ",
                       unread && !note.empty()
                           ? absl::StrCat("the policy does not read ", axis.key, " (", note, ")")
                           : "every value gives the same policy",
                       "; its points only repeat each other's runs"));
    }
  }
  if (absl::StatusOr<std::vector<std::string>> r = Resolve(scenario, first); !r.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--grid: point 0 (", plan.grid.DescribePoint(0),
                     ") is rejected before any run: ", r.status().message()));
  }
  return warnings;
}

int EffectiveJobs(int jobs) {
  if (jobs > 0) return jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

// A sweep needs the figures only: no timeline, no decision log; summaries of its ranges.
SimOptions FiguresOnly(const SweepPlan& plan) {
  SimOptions sim;
  sim.record_timeline = false;
  sim.record_decisions = false;
  if (plan.train) sim.windows.push_back(*plan.train);
  if (plan.test) sim.windows.push_back(*plan.test);
  return sim;
}

PointResult FiguresOf(const SweepPlan& plan, int64_t point, RunResult run) {
  PointResult r;
  r.point = point;
  for (ResourceRun& res : run.resources) {
    size_t w = 0;
    r.targets.push_back(plan.train ? res.window_summaries[w++] : std::move(res.summary));
    if (plan.test) r.test.push_back(res.window_summaries[w]);
  }
  return r;
}

}  // namespace

absl::StatusOr<PointResult> RunBaseline(const Scenario& scenario, const PreparedTraffic& traffic,
                                        const SweepPlan& plan, const PolicyVariant& baseline) {
  absl::StatusOr<RunResult> run = RunSimulation(scenario, traffic, baseline, FiguresOnly(plan));
  if (!run.ok()) {
    return absl::Status(run.status().code(),
                        absl::StrCat("baseline ", baseline.name, ": ", run.status().message()));
  }
  return FiguresOf(plan, -1, *std::move(run));
}

absl::StatusOr<std::vector<PointResult>> RunSweep(const Scenario& scenario,
                                                  const PreparedTraffic& traffic,
                                                  const SweepPlan& plan,
                                                  const SweepRunOptions& options) {
  const std::vector<int64_t> points = ShardPoints(plan.grid, plan.shard);
  const int64_t n = static_cast<int64_t>(points.size());
  std::vector<PointResult> results(n);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  const SimOptions sim = FiguresOnly(plan);

  std::atomic<int64_t> next{0};
  std::atomic<bool> stop{false};
  // Locals, so std::mutex and "guarded by" comments: lock annotations name members only.
  std::mutex mu;
  std::condition_variable cv;
  int64_t done = 0;       // guarded by mu
  int64_t failed_at = n;  // guarded by mu: the first failing position
  absl::Status failure;   // guarded by mu
  auto fail = [&](int64_t k, absl::Status status) {
    std::lock_guard<std::mutex> lock(mu);
    if (k < failed_at) {
      failed_at = k;
      failure = absl::Status(
          status.code(), absl::StrCat("point ", points[k], " (", plan.grid.DescribePoint(points[k]),
                                      "): ", status.message()));
    }
    stop = true;
    cv.notify_all();
  };
  auto worker = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const int64_t k = next.fetch_add(1);
      if (k >= n) return;
      try {
        absl::StatusOr<RunResult> run =
            RunSimulation(scenario, traffic, PointVariant(plan.base, plan.grid, points[k]), sim);
        if (!run.ok()) {
          fail(k, run.status());
          return;
        }
        results[k] = FiguresOf(plan, points[k], *std::move(run));  // one writer per position
      } catch (const std::exception& e) {
        fail(k, absl::InternalError(absl::StrCat("the simulation threw: ", e.what())));
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (++done == n) cv.notify_all();
    }
  };

  std::vector<std::thread> threads;
  const int jobs = static_cast<int>(std::min<int64_t>(EffectiveJobs(options.jobs), n));
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  {
    // The calling thread only reports progress: it wakes when the workers finish or fail,
    // or when it is time to redraw.
    std::unique_lock<std::mutex> lock(mu);
    const auto interval = absl::ToChronoMilliseconds(options.progress_interval);
    while (done < n && !stop) {
      cv.wait_for(lock, interval, [&] { return done == n || stop.load(); });
      if (options.on_progress && done < n && !stop) {
        const SweepProgress p{done, n, elapsed()};
        lock.unlock();
        options.on_progress(p);
        lock.lock();
      }
    }
  }
  for (std::thread& t : threads) t.join();
  if (!failure.ok()) return failure;
  if (options.on_progress) options.on_progress({n, n, elapsed()});
  return results;
}

std::string ScenarioFingerprint(const Scenario& s, const PreparedTraffic& traffic) {
  Fnv h;
  h.Add(s.blueprint.dump());
  h.Add(static_cast<double>(absl::ToUnixNanos(s.start)));
  for (double v :
       {s.duration_s, s.step_s, static_cast<double>(s.seed), s.loop_interval_s, s.metrics.delay_s,
        s.metrics.window_s, s.metrics.max_age_s, s.slo.latency_percentile, s.slo.latency_ms,
        s.slo.max_drop_rate, s.price_per_replica_hour}) {
    h.Add(v);
  }
  h.Add(s.metrics.scrape_interval_s);
  h.Add(s.slo.max_violation_s);
  for (const TargetModel& t : s.targets) {
    h.Add(t.target);
    h.Add(DescribeTraffic(t.traffic));
    h.Add(t.capacity_rps);
    h.Add(t.service_time_ms);
    h.Add(t.initial_replicas);
    for (double v : {t.queue_per_replica, t.timeout_s, t.burstiness, t.connection_lifetime_s,
                     static_cast<double>(t.startup.kind), t.startup.fixed_s, t.startup.min_s,
                     t.startup.max_s, t.startup.median_s, t.startup.sigma, t.drain_s}) {
      h.Add(v);
    }
    for (const auto& [key, value] : t.policy) h.Add(absl::StrCat(key, "=", value.dump()));
  }
  for (const SimEvent& e : s.events) {
    h.Add(e.target);
    for (double v :
         {static_cast<double>(e.kind), e.at_s, e.duration_s, e.fraction, e.replace ? 1.0 : 0.0}) {
      h.Add(v);
    }
  }
  for (const std::vector<double>& rates : traffic.rate) {
    for (double r : rates) h.Add(r);
  }
  return absl::StrFormat("%016x", h.value());
}

}  // namespace limiar::sim
