#include "src/policy/fast_path.h"

#include <algorithm>
#include <limits>

namespace limiar::policy {
namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}  // namespace

double FastPathTrigger(const TargetPolicy& t, const MetricTarget& m, double fast_path_pct) {
  const double target_value = m.capacity_per_replica * m.target_percent / 100.0;
  double trigger = fast_path_pct > 0 ? target_value * fast_path_pct / 100.0 : kNever;
  if (t.algorithm == Algorithm::kKpa) {
    trigger = std::min(trigger, target_value * t.kpa.panic_threshold_percentage / 100.0);
  }
  return trigger;
}

std::map<std::string, MetricTriggers> FastPathTriggers(const std::vector<TargetPolicy>& targets,
                                                       double fast_path_pct) {
  std::map<std::string, MetricTriggers> out;
  for (const TargetPolicy& t : targets) {
    MetricTriggers& per_metric = out[t.target];
    per_metric.fill(kNever);
    for (const MetricTarget& m : t.metrics) {
      per_metric[static_cast<size_t>(m.metric)] = FastPathTrigger(t, m, fast_path_pct);
    }
  }
  return out;
}

}  // namespace limiar::policy
