#include "src/actuator/actuator_factory.h"

#include <random>
#include <utility>

#include "src/actuator/exec_actuator.h"
#include "src/actuator/grpc_actuator.h"
#include "src/actuator/kubernetes_actuator.h"
#include "src/actuator/log_actuator.h"
#include "src/actuator/retrying_actuator.h"
#include "src/actuator/webhook_actuator.h"

namespace limiar::actuator {
namespace {

absl::StatusOr<std::unique_ptr<Actuator>> CreateKind(const ActuatorConfig& config,
                                                     ActuatorEnvironment& env) {
  switch (config.kind) {
    case ActuatorKind::kLog:
      return std::make_unique<LogActuator>(std::move(env.initial_replicas), env.log);
    case ActuatorKind::kExec: {
      auto exec = ExecActuator::Create(config.exec, std::move(env.initial_replicas),
                                       std::move(env.resources));
      if (!exec.ok()) return exec.status();
      return std::unique_ptr<Actuator>(*std::move(exec));
    }
    case ActuatorKind::kWebhook:
      return std::make_unique<WebhookActuator>(config.webhook, std::move(env.initial_replicas));
    case ActuatorKind::kGrpc: {
      auto grpc = GrpcActuator::Create(config.grpc, std::move(env.resources));
      if (!grpc.ok()) return grpc.status();
      return std::unique_ptr<Actuator>(*std::move(grpc));
    }
    case ActuatorKind::kKubernetes: {
      auto kubernetes = KubernetesActuator::Create(config.kubernetes);
      if (!kubernetes.ok()) return kubernetes.status();
      return std::unique_ptr<Actuator>(*std::move(kubernetes));
    }
  }
  return absl::InvalidArgumentError("unknown actuator kind");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Actuator>> CreateActuator(const ActuatorConfig& config, Clock* clock,
                                                         ActuatorEnvironment environment) {
  absl::StatusOr<std::unique_ptr<Actuator>> inner = CreateKind(config, environment);
  if (!inner.ok()) return inner.status();
  return std::unique_ptr<Actuator>(std::make_unique<RetryingActuator>(
      *std::move(inner), ActuatorKindName(config.kind), config.retry, clock,
      std::mt19937_64(environment.jitter_seed), environment.stats));
}

}  // namespace limiar::actuator
