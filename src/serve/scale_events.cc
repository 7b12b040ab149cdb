#include "src/serve/scale_events.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace limiar::serve {

std::optional<kube::EventNote> EventForDecision(const controller::Decision& d,
                                                const kube::ObjectReference& regarding) {
  const std::string& reason = d.recommendation.reason;
  const std::string& why = d.recommendation.message;
  if (d.actuated) {
    return kube::EventNote{regarding, "Normal", "SuccessfulRescale", "Scale",
                           absl::StrCat("New size: ", d.desired_replicas, "; reason: ", why)};
  }
  if (absl::StartsWith(d.actuation_note, "actuator failed")) {
    return kube::EventNote{regarding, "Warning", "FailedRescale", "Scale",
                           absl::StrCat("New size: ", d.desired_replicas, "; reason: ", why,
                                        "; error: ", d.actuation_note)};
  }
  if (absl::StartsWith(reason, "FailedGet") || reason == "ObserveFailed" ||
      reason == "MetricsUnavailable") {
    return kube::EventNote{regarding, "Warning", reason, "Observe", why};
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<ScaleEvents>> ScaleEvents::Create(
    const actuator::KubernetesOptions& actuator, const std::string& identity,
    std::function<bool()> may_record) {
  absl::StatusOr<kube::ClusterAccess> access = actuator::KubernetesActuatorAccess(actuator);
  if (!access.ok()) return access.status();
  absl::StatusOr<std::unique_ptr<kube::ApiClient>> client =
      kube::ApiClient::Create(*std::move(access));
  if (!client.ok()) return client.status();
  auto events = std::unique_ptr<ScaleEvents>(
      new ScaleEvents(*std::move(client), identity, std::move(may_record)));
  absl::StatusOr<std::unique_ptr<actuator::KubernetesDeployments>> deployments =
      actuator::KubernetesDeployments::Create(actuator, events->client_.get());
  if (!deployments.ok()) return deployments.status();
  events->deployments_ = *std::move(deployments);
  return events;
}

ScaleEvents::ScaleEvents(std::unique_ptr<kube::ApiClient> client, const std::string& identity,
                         std::function<bool()> may_record)
    : client_(std::move(client)), may_record_(std::move(may_record)) {
  kube::EventOptions options;
  options.reporting_instance = identity;
  recorder_ = std::make_unique<kube::EventRecorder>(client_.get(), options);
}

void ScaleEvents::OnDecision(const controller::Decision& d) {
  if (may_record_ && !may_record_()) return;
  // Only decisions that make an Event look the Deployment up (the sidecar's, through the
  // API server, once).
  std::optional<kube::EventNote> note = EventForDecision(d, {});
  if (!note) return;
  absl::StatusOr<std::string> deployment = deployments_->Of(d.target);
  if (!deployment.ok()) return;  // the actuator reports the same failure
  note->regarding = {"apps/v1", "Deployment", client_->access().namespace_name, *deployment};
  recorder_->Record(*std::move(note), d.time);
}

}  // namespace limiar::serve
