// One observe -> decide -> act pass over every managed target. No threads, no clock
// reads: the caller says when `now` is. The live runner and the simulator both drive
// exactly this class.
#ifndef LIMIAR_CONTROLLER_CONTROL_LOOP_H_
#define LIMIAR_CONTROLLER_CONTROL_LOOP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/actuator/actuator.h"
#include "src/common/worker_pool.h"
#include "src/controller/decision.h"
#include "src/metrics/metric_source.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::controller {

// What a restart must keep of one target: its policy's history and its run-time mode.
struct TargetState {
  policy::PolicyState policy;
  policy::Mode mode = policy::Mode::kEnforce;
  // The count the target was left at (asked for and accepted, else observed); -1 unknown.
  // Actuators that cannot observe the platform (`log`, a bare `exec`) start from it.
  int32_t replicas = -1;
};

// Health of the loop itself (house rule 6): counters since construction.
struct LoopStats {
  int64_t ticks = 0;
  int64_t evaluations = 0;
  int64_t scale_events = 0;
  int64_t observe_failures = 0;  // actuator or metric source could not observe a target
  int64_t policy_failures = 0;   // the policy returned an error
  int64_t actuation_failures = 0;
  int64_t skipped_paused = 0;
};

// Whether this copy may actuate now: "" when it may, else why not ("follower: limiar-0
// leads"). Asked once per decision that would change a count; thread-safe, never blocking.
using ActuationGate = std::function<std::string()>;

class ControlLoop {
 public:
  // Builds one policy per target. `metrics`, `actuator` and `sink` (may be null) must
  // outlive the loop.
  static absl::StatusOr<std::unique_ptr<ControlLoop>> Create(
      std::vector<policy::TargetPolicy> targets, metrics::MetricSource* metrics,
      actuator::Actuator* actuator, DecisionSink* sink);

  // Evaluates every target once. Per-target failures are recorded in decisions and stats
  // and do not stop the pass; the status is non-OK only when no target could be observed.
  absl::Status Tick(absl::Time now);
  // Evaluates one target (the fast path for a spike). NotFound for an unknown target.
  absl::Status TickTarget(absl::Time now, const std::string& target);

  // While `gate` says why not, decisions that would change a count are made, logged and
  // kept but not actuated, as in dry-run: a leader election's followers stay hot, so a
  // takeover decides at once. Null (the default): always actuate.
  void SetActuationGate(ActuationGate gate) { gate_ = std::move(gate); }

  // With a pool, Tick reads the metrics and runs the policies of many targets at once on its
  // threads (`metrics` must then be thread-safe); the actuator and the sink are still called
  // from Tick's thread alone, in the targets' order, and the decisions are the same as
  // without. Null (the default): one target after another, as the simulator runs. The pool
  // must outlive the loop or be unset first.
  void SetWorkers(WorkerPool* workers);

  // Switches a target's mode at run time. NotFound for an unknown target.
  absl::Status SetMode(const std::string& target, policy::Mode mode);

  // Every target's state, by target name.
  std::map<std::string, TargetState> SaveState() const;
  // Restores the targets named in `saved`; others keep a fresh history, and saved targets
  // no longer managed are ignored. Returns the names restored.
  std::vector<std::string> RestoreState(const std::map<std::string, TargetState>& saved);
  // The saved state of `target`'s policy. NotFound for an unknown target.
  absl::StatusOr<policy::PolicyState> PolicyStateOf(const std::string& target) const;
  // Hands `update` the saved state of `target`'s policy and restores what it makes of it,
  // between passes (the forecast history's warm start). NotFound for an unknown target.
  absl::Status UpdatePolicyState(const std::string& target,
                                 const std::function<void(policy::PolicyState&)>& update);
  // For a blueprint reload: every target `previous` also manages keeps its state (as
  // RestoreState) and its last decision, so `status` and `explain` go on showing it until
  // the next evaluation. A reload changes the policy, not what was last decided.
  void InheritFrom(const ControlLoop& previous);

  // The mode a target runs in now. NotFound for an unknown target.
  absl::StatusOr<policy::Mode> ModeOf(const std::string& target) const;

  // The last decision for a target; null before its first evaluation or if unknown.
  const Decision* LastDecision(const std::string& target) const;
  const std::vector<policy::TargetPolicy>& targets() const { return targets_; }
  const LoopStats& stats() const { return stats_; }

 private:
  // How far a target's evaluation in this pass got, for Conclude to count and act on.
  enum class Found : uint8_t {
    kScaleUnknown,  // the actuator could not observe the target
    kPaused,
    kPolicyFailed,
    kRecommended,
  };
  struct Managed {
    std::unique_ptr<policy::Policy> policy;
    Found found = Found::kScaleUnknown;
    bool metrics_failed = false;
    bool to_recommend = false;  // Tick with workers: ObserveScale said the policy runs
    policy::Mode mode = policy::Mode::kEnforce;
    bool has_decision = false;
    Decision last;
    int32_t restored_replicas = -1;  // from a saved state, until the first decision
  };

  ControlLoop(std::vector<policy::TargetPolicy> targets, std::vector<Managed> managed,
              metrics::MetricSource* metrics, actuator::Actuator* actuator, DecisionSink* sink);
  // Reused across evaluations, one per worker: no per-tick allocation. input.metrics views
  // observations.
  struct Scratch {
    std::vector<policy::MetricObservation> observations;
    policy::PolicyInput input;
  };

  // ObserveScale, Recommend when it says so, then Conclude. Returns false when the target
  // could not be observed.
  bool Evaluate(absl::Time now, size_t index);
  // Starts the target's decision with the actuator's reading of its scale; false when
  // there is nothing for the policy to do (the scale is unknown, or the target paused).
  bool ObserveScale(absl::Time now, size_t index);
  // Reads the target's metrics and runs its policy. Touches only this target's state and
  // `scratch`: several run at once on the workers.
  void Recommend(absl::Time now, size_t index, Scratch& scratch);
  // Counts the pass's outcome, actuates a changed count (or says why not) and hands the
  // decision to the sink; false when the target could not be observed.
  bool Conclude(absl::Time now, size_t index);

  std::vector<policy::TargetPolicy> targets_;
  std::vector<Managed> managed_;
  absl::flat_hash_map<std::string, size_t> index_;
  metrics::MetricSource* metrics_;
  actuator::Actuator* actuator_;
  DecisionSink* sink_;
  ActuationGate gate_;
  WorkerPool* workers_ = nullptr;
  std::vector<Scratch> scratch_;  // [worker]
  LoopStats stats_;
};

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_CONTROL_LOOP_H_
