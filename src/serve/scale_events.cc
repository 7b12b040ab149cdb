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
  std::string namespace_name = access->namespace_name;
  absl::StatusOr<std::unique_ptr<kube::ApiClient>> client =
      kube::ApiClient::Create(*std::move(access));
  if (!client.ok()) return client.status();
  return std::unique_ptr<ScaleEvents>(new ScaleEvents(*std::move(client), std::move(namespace_name),
                                                      actuator.deployments, identity,
                                                      std::move(may_record)));
}

ScaleEvents::ScaleEvents(std::unique_ptr<kube::ApiClient> client, std::string namespace_name,
                         std::map<std::string, std::string> deployments,
                         const std::string& identity, std::function<bool()> may_record)
    : client_(std::move(client)),
      namespace_(std::move(namespace_name)),
      deployments_(std::move(deployments)),
      may_record_(std::move(may_record)) {
  kube::EventOptions options;
  options.reporting_instance = identity;
  recorder_ = std::make_unique<kube::EventRecorder>(client_.get(), options);
}

void ScaleEvents::OnDecision(const controller::Decision& d) {
  if (may_record_ && !may_record_()) return;
  const kube::ObjectReference regarding{"apps/v1", "Deployment", namespace_,
                                        actuator::DeploymentOf(deployments_, d.target)};
  if (std::optional<kube::EventNote> note = EventForDecision(d, regarding)) {
    recorder_->Record(*std::move(note), d.time);
  }
}

}  // namespace limiar::serve
