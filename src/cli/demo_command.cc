#include "src/cli/demo_command.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "src/cli/demo_cluster.h"
#include "src/controller/control_loop.h"
#include "src/policy/blueprint/blueprint_loader.h"

namespace limiar::cli {
namespace {

constexpr absl::Duration kTick = absl::Seconds(15);
constexpr absl::Duration kStartup = absl::Seconds(30);
constexpr int kTicks = 61;  // 15 minutes: the spike, its decay, and the 5-minute scale-down hold

// Demand in units of one replica's capacity: a flash sale with a 10x spike.
double DemandAt(absl::Duration t) {
  const double s = absl::ToDoubleSeconds(t);
  const double base = 1.1;
  const double peak = 10 * base;
  if (s < 75) return base;
  if (s < 135) return base + (peak - base) * (s - 60) / 75;
  if (s < 315) return peak;
  if (s < 420) return peak - (peak - base) * (s - 300) / 120;
  return base;
}

const char* Unit(policy::MetricType m) {
  switch (m) {
    case policy::MetricType::kCpu:
      return "cores";
    case policy::MetricType::kRequests:
      return "requests/s";
    case policy::MetricType::kConnections:
      return "connections";
  }
  return "";
}

class TablePrinter final : public controller::DecisionSink {
 public:
  TablePrinter(std::ostream& out, absl::Time origin) : out_(out), origin_(origin) {}
  void SetDemand(double demand) { demand_ = demand; }
  void OnDecision(const controller::Decision& d) override {
    const double per_replica = d.ready_replicas > 0 ? demand_ / d.ready_replicas : 0;
    const std::string row = absl::StrFormat(
        "%8.0f %5d %5d %9.1f %7d  %-19s %s", demand_, d.current_replicas, d.ready_replicas,
        per_replica, d.desired_replicas, d.recommendation.reason, d.recommendation.message);
    // A run of identical ticks is one row and a count: the eye should land on changes.
    if (row == last_row_) {
      ++repeats_;
    } else {
      Flush();
      out_ << absl::StrFormat("%5ds %s\n", absl::ToInt64Seconds(d.time - origin_), row);
      last_row_ = row;
    }
    max_desired_ = std::max(max_desired_, d.desired_replicas);
    if (d.actuated) (d.desired_replicas > d.current_replicas ? ups_ : downs_)++;
  }
  // Prints the pending "same as above" count, if any.
  void Flush() {
    if (repeats_ > 0) out_ << absl::StrFormat("%6s (%d more ticks like this)\n", "...", repeats_);
    repeats_ = 0;
  }
  int32_t max_desired() const { return max_desired_; }
  int ups() const { return ups_; }
  int downs() const { return downs_; }

 private:
  std::ostream& out_;
  absl::Time origin_;
  double demand_ = 0;
  int32_t max_desired_ = 0;
  int ups_ = 0;
  int downs_ = 0;
  std::string last_row_;
  int repeats_ = 0;
};

}  // namespace

int RunDemoCommand(const DemoOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<policy::blueprint::LoadedBlueprint> loaded =
      policy::blueprint::LoadBlueprintFile(options.blueprint_path);
  if (!loaded.ok()) {
    err << "error: " << loaded.status().message() << "\n";
    return 1;
  }
  for (const std::string& w : loaded->warnings) err << "warning: " << w << "\n";
  if (loaded->targets.empty()) {
    err << "error: " << options.blueprint_path
        << ": no autoscale resources, so nothing to demonstrate; pass --blueprint with a "
           "blueprint that has one (e.g. ../shared/blueprints/ecommerce-high-traffic.json)\n";
    return 1;
  }
  auto chosen = loaded->targets.begin();
  if (!options.target.empty()) {
    chosen =
        std::find_if(loaded->targets.begin(), loaded->targets.end(),
                     [&](const policy::TargetPolicy& t) { return t.target == options.target; });
    if (chosen == loaded->targets.end()) {
      err << "error: --target " << options.target << ": no managed target of that name in "
          << options.blueprint_path << "\n";
      return 2;
    }
  }
  const policy::TargetPolicy target = *chosen;
  const policy::MetricTarget& metric = target.metrics.front();
  const double capacity = metric.capacity_per_replica;

  const absl::Time origin = absl::FromUnixSeconds(1795766400);  // 2026-11-27T08:00:00Z
  DemoCluster cluster(target.target, target.min_replicas, origin, kStartup);
  TablePrinter printer(out, origin);
  absl::StatusOr<std::unique_ptr<controller::ControlLoop>> loop =
      controller::ControlLoop::Create({target}, &cluster, &cluster, &printer);
  if (!loop.ok()) {
    err << "error: " << loop.status().message() << "\n";
    return 1;
  }

  out << absl::StrFormat(
      "limiar demo: %s, target %s: %s at %g%% of %g %s per replica, %d..%d replicas, %s\n",
      options.blueprint_path, target.target, policy::MetricTypeName(metric.metric),
      metric.target_percent, capacity, Unit(metric.metric), target.min_replicas,
      target.max_replicas, policy::AlgorithmName(target.algorithm));
  out << absl::StrFormat(
      "built-in flash sale: baseline %g %s, 10x spike from t=75s, decay from t=315s; new "
      "replicas ready after %ds; one tick every %ds\n\n",
      DemandAt(absl::ZeroDuration()) * capacity, Unit(metric.metric),
      absl::ToInt64Seconds(kStartup), absl::ToInt64Seconds(kTick));
  out << absl::StrFormat("%6s %8s %5s %5s %9s %7s  %-19s %s\n", "t", "demand", "spec", "ready",
                         "per-ready", "desired", "reason", "why");
  for (int i = 0; i < kTicks; ++i) {
    const absl::Time now = origin + i * kTick;
    const double demand = DemandAt(now - origin) * capacity;
    cluster.Advance(now, DemandAt(now - origin));
    printer.SetDemand(demand);
    if (absl::Status s = (*loop)->Tick(now); !s.ok()) {
      err << "error: tick at t=" << absl::ToInt64Seconds(now - origin) << "s: " << s.message()
          << "\n";
      return 1;
    }
  }
  printer.Flush();
  out << absl::StrFormat(
      "\n%d scale-ups, %d scale-downs, peak %d replicas. Every row above is the production "
      "ControlLoop on virtual time; `limiar policy --blueprint %s` shows the knobs behind it.\n",
      printer.ups(), printer.downs(), printer.max_desired(), options.blueprint_path);
  return 0;
}

}  // namespace limiar::cli
