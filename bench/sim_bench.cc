// The simulator's speed targets (simulation.md): one replay of the 48 h per-second World
// Cup trace with a 15 s loop in under 50 ms, linear in steps and in resources. Run from the
// repository root (the scenario reads ../shared/traces); skipped when the traces are absent.
//   build/release/bench/sim_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <filesystem>

#include "absl/strings/str_format.h"
#include "src/sim/engine/scenario.h"
#include "src/sim/engine/simulation.h"

namespace limiar::sim {
namespace {

constexpr const char* kWorldCup = "simulations/worldcup98-48h.json";

const Scenario* WorldCup() {
  static const Scenario* scenario = [] {
    absl::StatusOr<Scenario> s = LoadScenarioFile(kWorldCup);
    return s.ok() ? new Scenario(*std::move(s)) : nullptr;
  }();
  return scenario;
}

const PreparedTraffic* WorldCupTraffic() {
  static const PreparedTraffic* traffic = [] {
    if (WorldCup() == nullptr) return static_cast<PreparedTraffic*>(nullptr);
    absl::StatusOr<PreparedTraffic> t = PrepareTraffic(*WorldCup());
    return t.ok() ? new PreparedTraffic(*std::move(t)) : nullptr;
  }();
  return traffic;
}

// Reading and rendering the 1.8 MB trace (once per scenario, shared by a sweep's points).
void BM_PrepareWorldCup48h(benchmark::State& state) {
  if (WorldCup() == nullptr) return state.SkipWithError("../shared/traces absent");
  for (auto _ : state) benchmark::DoNotOptimize(PrepareTraffic(*WorldCup()));
}
BENCHMARK(BM_PrepareWorldCup48h)->Unit(benchmark::kMillisecond);

// One replay: 172,800 steps, 11,520 control-loop passes. Arg 1 records the timeline and
// decisions (simulate/compare); 0 keeps only the summary (a sweep point).
void BM_ReplayWorldCup48h(benchmark::State& state) {
  if (WorldCupTraffic() == nullptr) return state.SkipWithError("../shared/traces absent");
  SimOptions options;
  options.record_timeline = options.record_decisions = state.range(0) != 0;
  for (auto _ : state) {
    absl::StatusOr<RunResult> r = RunSimulation(*WorldCup(), *WorldCupTraffic(), {}, options);
    if (!r.ok()) return state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(WorldCupTraffic()->steps),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReplayWorldCup48h)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Linear in steps: the first H hours of the trace.
void BM_ReplayHours(benchmark::State& state) {
  if (WorldCupTraffic() == nullptr) return state.SkipWithError("../shared/traces absent");
  Scenario s = *WorldCup();
  s.duration_s = state.range(0) * 3600.0;
  absl::StatusOr<PreparedTraffic> t = PrepareTraffic(s);
  if (!t.ok()) return state.SkipWithError(std::string(t.status().message()).c_str());
  SimOptions options;
  options.record_timeline = options.record_decisions = false;
  for (auto _ : state) benchmark::DoNotOptimize(RunSimulation(s, *t, {}, options));
}
BENCHMARK(BM_ReplayHours)->Arg(6)->Arg(12)->Arg(24)->Arg(48)->Unit(benchmark::kMillisecond);

// Linear in resources: N computes, each autoscaled and each fed 6 h of the trace.
void BM_ReplayTargets(benchmark::State& state) {
  if (WorldCup() == nullptr) return state.SkipWithError("../shared/traces absent");
  std::string resources, targets;
  for (int i = 0; i < state.range(0); ++i) {
    absl::StrAppendFormat(&resources,
                          R"(%s{"tipo": "compute", "nome": "web-%d", "config": {"replicas_min": 2,
        "replicas_max": 48}}, {"tipo": "autoscale", "nome": "scale-%d", "config": {
        "alvo_recurso_id": "web-%d", "metrica": "requests", "limiar": 65,
        "capacidade_por_replica": 100}})",
                          i == 0 ? "" : ",", i, i, i);
    absl::StrAppendFormat(&targets, R"(%s"web-%d": {"traffic": {"kind": "trace", "path": "%s"},
        "service_time_ms": 50})",
                          i == 0 ? "" : ",", i,
                          std::filesystem::absolute(WorldCup()->targets[0].traffic.path).string());
  }
  absl::StatusOr<Scenario> s = ParseScenario(
      absl::StrFormat(R"({"blueprint": {"nome": "n", "recursos": [%s]}, "duration_s": 21600,
        "targets": {%s}})",
                      resources, targets),
      "bench", ".");
  if (!s.ok()) return state.SkipWithError(std::string(s.status().message()).c_str());
  absl::StatusOr<PreparedTraffic> t = PrepareTraffic(*s);
  if (!t.ok()) return state.SkipWithError(std::string(t.status().message()).c_str());
  SimOptions options;
  options.record_timeline = options.record_decisions = false;
  for (auto _ : state) benchmark::DoNotOptimize(RunSimulation(*s, *t, {}, options));
}
BENCHMARK(BM_ReplayTargets)->Arg(1)->Arg(2)->Arg(4)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace limiar::sim

BENCHMARK_MAIN();
