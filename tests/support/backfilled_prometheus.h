// A real Debian Prometheus on 127.0.0.1 whose storage holds a past that no scrape made:
// samples written as OpenMetrics, turned into TSDB blocks by `promtool tsdb
// create-blocks-from openmetrics` (Prometheus' own backfill) and served by a Prometheus
// that scrapes nothing. What range queries over days of history are tested against.
// Tests skip when it is not installed (apt-get install prometheus).
#ifndef LIMIAR_TESTS_SUPPORT_BACKFILLED_PROMETHEUS_H_
#define LIMIAR_TESTS_SUPPORT_BACKFILLED_PROMETHEUS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/support/child_process.h"

namespace limiar::testing {

struct GaugePoint {
  absl::Time time;  // whole seconds
  double value = 0;
};

class BackfilledPrometheus {
 public:
  // Why this machine cannot run one ("" when it can): `prometheus` or `promtool` missing.
  static std::string Missing();

  // Writes `points` of the unlabelled gauge `metric` under `dir`, backfills them, starts
  // Prometheus over that storage on a free port and waits (at most 30 s) until it answers
  // queries. Errors carry promtool's or Prometheus' output.
  absl::Status Start(const std::string& dir, const std::string& metric,
                     const std::vector<GaugePoint>& points);
  std::string base_url() const;
  // Stops it by pid; the destructor does too.
  void Stop() { process_.Stop(); }

 private:
  ChildProcess process_;
  int port_ = -1;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_BACKFILLED_PROMETHEUS_H_
