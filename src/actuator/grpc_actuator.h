// The `grpc` actuator: a client of the limiar.v1.Actuator service
// (proto/limiar/v1/actuator.proto) that a platform implements. Each call carries a
// deadline; the server's status code is passed through, so UNAVAILABLE, DEADLINE_EXCEEDED,
// INTERNAL and RESOURCE_EXHAUSTED are retried by RetryingActuator and the rest are not.
#ifndef LIMIAR_ACTUATOR_GRPC_ACTUATOR_H_
#define LIMIAR_ACTUATOR_GRPC_ACTUATOR_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "limiar/v1/actuator.grpc.pb.h"
#include "src/actuator/actuator.h"
#include "src/actuator/resource_names.h"

namespace limiar::actuator {

struct GrpcOptions {
  std::string address;  // a gRPC target: "host:port", "dns:///host:port", "unix:/path"
  // Decisions name targets and counts, and the platform acts on them: plaintext only when
  // asked for.
  bool tls = true;
  // With tls: PEM roots to verify the server with; empty: gRPC's default roots.
  std::string root_certs_file;
  // With tls: the name to check the server's certificate for instead of the address's
  // host (tests, or servers reached by IP). Empty: the host.
  std::string tls_server_name;
  absl::Duration timeout = absl::Seconds(5);  // the deadline of each call
};

class GrpcActuator final : public Actuator {
 public:
  // Reads root_certs_file (FailedPrecondition if unreadable) and makes the channel, which
  // connects lazily: an unreachable server shows up as UNAVAILABLE on the first call.
  // `resources` maps a target to the autoscale resource's name sent in `resource`; a
  // target not in it sends its own name.
  static absl::StatusOr<std::unique_ptr<GrpcActuator>> Create(
      const GrpcOptions& options, std::map<std::string, std::string> resources);

  // Block up to the timeout. Thread-safe.
  absl::StatusOr<ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const ScaleRequest& request) override;
  // Takes the resource names of the targets a reload added or renamed.
  void AddTargets(const std::map<std::string, TargetStart>& targets) override {
    resources_.Update(targets);
  }

 private:
  GrpcActuator(std::string address, absl::Duration timeout,
               std::unique_ptr<limiar::v1::Actuator::Stub> stub,
               std::map<std::string, std::string> resources);

  const std::string address_;
  const absl::Duration timeout_;
  const std::unique_ptr<limiar::v1::Actuator::Stub> stub_;
  ResourceNames resources_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_GRPC_ACTUATOR_H_
