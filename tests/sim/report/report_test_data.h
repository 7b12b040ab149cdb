// Synthetic runs for the report tests: a flash sale (a ramp to ten times the baseline, a
// hold, a decay) with deterministic jitter, a replica model that follows demand after a
// start-up delay, decisions every control-loop interval and a couple of injected events.
// The numbers are plausible rather than simulated; the report only has to draw them.
#ifndef LIMIAR_TESTS_SIM_REPORT_REPORT_TEST_DATA_H_
#define LIMIAR_TESTS_SIM_REPORT_REPORT_TEST_DATA_H_

#include <string>
#include <vector>

#include "src/sim/model/sim_result.h"

namespace limiar::sim::testing {

struct SyntheticRunOptions {
  std::string policy = "blueprint";
  std::string target = "checkout";
  int steps = 3600;              // one per second
  double start_delay_s = 60;     // replicas take this long to become ready
  double headroom = 1.3;         // capacity asked for per unit of demand
  double jitter = 0.05;          // relative, deterministic
  bool allow_violations = true;  // false: latency held under the SLO, nothing dropped
  double price_per_replica_hour = 0;
};

RunResult SyntheticFlashSaleRun(const SyntheticRunOptions& options);

// A report over `runs` with a 250 ms p95 SLO, 1 s steps and a 15 s loop.
Report SyntheticReport(std::vector<RunResult> runs);

// How many times `needle` occurs in `haystack` (non-overlapping).
int CountOf(const std::string& haystack, const std::string& needle);

}  // namespace limiar::sim::testing

#endif  // LIMIAR_TESTS_SIM_REPORT_REPORT_TEST_DATA_H_
