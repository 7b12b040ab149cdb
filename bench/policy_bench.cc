// Policy evaluation and control-loop tick throughput (architecture.md targets: >= 2 M
// evaluations/s per core for one 20-replica hpa resource with behavior; a tick over
// 10,000 resources x 20 replicas < 50 ms).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "src/actuator/log_actuator.h"
#include "src/common/worker_pool.h"
#include "src/controller/control_loop.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy_factory.h"

namespace limiar {
namespace {

using policy::MetricType;

constexpr int kReplicas = 20;
const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

policy::TargetPolicy Target(const std::string& name, policy::Algorithm algorithm) {
  policy::TargetPolicy t;
  t.target = name;
  t.min_replicas = 2;
  t.max_replicas = 100;
  t.algorithm = algorithm;
  t.metrics.push_back({"scale", MetricType::kRequests, 65, 100});
  if (algorithm == policy::Algorithm::kHpa) t.hpa.behavior = policy::DefaultHpaBehavior();
  return t;
}

policy::MetricObservation Observation(double per_replica) {
  policy::MetricObservation obs;
  obs.metric = MetricType::kRequests;
  for (int i = 0; i < kReplicas; ++i) {
    policy::ReplicaSample s;
    s.replica_id = "r" + std::to_string(i);
    s.start_time = kT0 - absl::Hours(1);
    s.ready_transition = kT0 - absl::Hours(1);
    // Load varies per replica and per tick so no evaluation is a copy of the last.
    s.value = per_replica * (0.8 + 0.02 * i);
    s.sample_time = kT0;
    obs.replicas.push_back(s);
  }
  return obs;
}

// One evaluation per iteration, 15 s of virtual time apart, load swinging around the
// target so that stabilization, rate limits and the tolerance band all do work.
void EvaluateRepeatedly(benchmark::State& state, policy::Algorithm algorithm) {
  absl::StatusOr<std::unique_ptr<policy::Policy>> p =
      policy::CreatePolicy(Target("bench", algorithm));
  if (!p.ok()) {
    state.SkipWithError(p.status().ToString().c_str());
    return;
  }
  policy::PolicyInput in;
  in.current_replicas = kReplicas;
  in.ready_replicas = kReplicas;
  std::vector<policy::MetricObservation> observed = {Observation(65)};
  in.metrics = observed;
  int64_t i = 0;
  for (auto _ : state) {
    in.now = kT0 + absl::Seconds(15 * i);
    for (policy::ReplicaSample& s : observed[0].replicas) {
      s.value = 40.0 + static_cast<double>((i * 7) % 60);
      s.sample_time = in.now;
    }
    absl::StatusOr<policy::Recommendation> r = (*p)->Recommend(in);
    benchmark::DoNotOptimize(r);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_HpaBehavior20Replicas(benchmark::State& state) {
  EvaluateRepeatedly(state, policy::Algorithm::kHpa);
}
BENCHMARK(BM_HpaBehavior20Replicas);

void BM_Kpa20Replicas(benchmark::State& state) {
  EvaluateRepeatedly(state, policy::Algorithm::kKpa);
}
BENCHMARK(BM_Kpa20Replicas);

// A full observe -> decide -> act pass over N targets of 20 replicas each, through the
// in-memory latest-sample source and the log actuator (silent).
// Arg 0: targets; arg 1: threads deciding them (1: one after another, as the simulator;
// serve decides on a pool of one thread per core, up to 4).
void BM_ControlLoopTick(benchmark::State& state) {
  const int targets = static_cast<int>(state.range(0));
  WorkerPool workers(static_cast<size_t>(state.range(1)));
  // Samples recorded once stay usable for the whole run, so the benchmark measures the
  // tick, not ingest (bench/ measures ingest separately once push lands).
  metrics::SampleStoreOptions options;
  options.metric_window = absl::Hours(1000);
  options.max_age = absl::Hours(1000);
  options.retention = absl::Hours(1000);
  metrics::SampleStore source(options);
  std::vector<policy::TargetPolicy> configs;
  std::map<std::string, int32_t> initial;
  const policy::MetricObservation obs = Observation(65);
  for (int t = 0; t < targets; ++t) {
    const std::string name = "target-" + std::to_string(t);
    configs.push_back(Target(name, policy::Algorithm::kHpa));
    initial[name] = kReplicas;
    for (const policy::ReplicaSample& r : obs.replicas) {
      metrics::Sample s;
      s.target = name;
      s.metric = MetricType::kRequests;
      s.replica_id = r.replica_id;
      s.value = *r.value;
      s.time = kT0;
      s.start_time = r.start_time;
      s.ready_transition = r.ready_transition;
      if (!source.Add(s).ok()) state.SkipWithError("sample store refused a sample");
    }
  }
  actuator::LogActuator actuator(initial, nullptr);
  absl::StatusOr<std::unique_ptr<controller::ControlLoop>> loop =
      controller::ControlLoop::Create(configs, &source, &actuator, nullptr);
  if (!loop.ok()) {
    state.SkipWithError(loop.status().ToString().c_str());
    return;
  }
  if (workers.size() > 1) (*loop)->SetWorkers(&workers);
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*loop)->Tick(kT0 + absl::Seconds(15 * i++)));
  }
  state.SetItemsProcessed(state.iterations() * targets);
  // Peak resident memory of the whole process, store and policies included (target: 512 MB).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["max_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_ControlLoopTick)
    ->Args({10000, 1})
    ->Args({10000, static_cast<int64_t>(WorkerPool::SizeForMachine(4))})
    ->ArgNames({"targets", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace limiar

BENCHMARK_MAIN();
