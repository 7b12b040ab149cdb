// Kubernetes Events for the decisions `limiar serve` actuates through the kubernetes
// actuator, on the Deployment it scaled, in the HPA's words: SuccessfulRescale ("New size:
// 4; reason: ..."), FailedRescale when the actuator failed, and a Warning for a target whose
// metrics cannot be read (FailedGet...Metric, ObserveFailed). Only the copy that may actuate
// records (with leader election, the leader). Sent by kube::EventRecorder: correlated into
// series, rate-limited per Deployment, never blocking the control loop.
#ifndef LIMIAR_SERVE_SCALE_EVENTS_H_
#define LIMIAR_SERVE_SCALE_EVENTS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "src/actuator/kubernetes_actuator.h"
#include "src/controller/decision.h"
#include "src/kube/events.h"

namespace limiar::serve {

// The Event a decision makes, if any. Pure.
std::optional<kube::EventNote> EventForDecision(const controller::Decision& d,
                                                const kube::ObjectReference& regarding);

class ScaleEvents final : public controller::DecisionSink {
 public:
  // `may_record` says whether this copy records now (null: always).
  static absl::StatusOr<std::unique_ptr<ScaleEvents>> Create(
      const actuator::KubernetesOptions& actuator, const std::string& identity,
      std::function<bool()> may_record);

  void OnDecision(const controller::Decision& d) override;
  // Sends what is queued, up to `timeout` (at a stop, so the last decision's Event is not
  // lost).
  void Flush(absl::Duration timeout) { recorder_->Flush(timeout); }
  kube::EventStats stats() const { return recorder_->stats(); }

 private:
  ScaleEvents(std::unique_ptr<kube::ApiClient> client, const std::string& identity,
              std::function<bool()> may_record);

  const std::unique_ptr<kube::ApiClient> client_;
  std::unique_ptr<actuator::KubernetesDeployments> deployments_;
  const std::function<bool()> may_record_;
  std::unique_ptr<kube::EventRecorder> recorder_;  // last: it sends through client_
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_SCALE_EVENTS_H_
