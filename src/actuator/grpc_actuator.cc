#include "src/actuator/grpc_actuator.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "src/common/excerpt.h"
#include "src/common/regular_file.h"

namespace limiar::actuator {
namespace {

// grpc::StatusCode and absl::StatusCode share their numbering (both are google.rpc.Code).
// The platform's message is its text: quoted cut and escaped, as any peer's.
absl::Status FromGrpc(const grpc::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(context, ": ", Excerpt(status.error_message())));
}

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::microseconds(absl::ToInt64Microseconds(timeout)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcActuator>> GrpcActuator::Create(
    const GrpcOptions& options, std::map<std::string, std::string> resources) {
  if (options.address.empty()) return absl::InvalidArgumentError("grpc actuator: no address");
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  grpc::ChannelArguments args;
  if (options.tls) {
    grpc::SslCredentialsOptions ssl;
    if (!options.root_certs_file.empty()) {
      absl::StatusOr<std::string> roots = ReadRegularFile(
          options.root_certs_file, kMaxCredentialFileBytes, "root certificates file");
      if (!roots.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("grpc actuator: root_certs_file: ", roots.status().message()));
      }
      ssl.pem_root_certs = *std::move(roots);
    }
    credentials = grpc::SslCredentials(ssl);
    if (!options.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls_server_name);
    }
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.address, credentials, args);
  return std::unique_ptr<GrpcActuator>(new GrpcActuator(options.address, options.timeout,
                                                        limiar::v1::Actuator::NewStub(channel),
                                                        std::move(resources)));
}

GrpcActuator::GrpcActuator(std::string address, absl::Duration timeout,
                           std::unique_ptr<limiar::v1::Actuator::Stub> stub,
                           std::map<std::string, std::string> resources)
    : address_(std::move(address)),
      timeout_(timeout),
      stub_(std::move(stub)),
      resources_(std::move(resources)) {}

absl::StatusOr<ScaleState> GrpcActuator::Observe(const std::string& target) {
  grpc::ClientContext context;
  SetDeadline(&context, timeout_);
  limiar::v1::ObserveRequest request;
  request.set_target(target);
  limiar::v1::ObserveResponse response;
  const grpc::Status status = stub_->Observe(&context, request, &response);
  if (!status.ok()) {
    return FromGrpc(status, absl::StrCat("grpc actuator: Observe(\"", target, "\") at ", address_));
  }
  if (response.spec_replicas() < 0 || response.ready_replicas() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grpc actuator: Observe(\"", target, "\") at ", address_, " answered negative counts ",
        response.spec_replicas(), "/", response.ready_replicas()));
  }
  return ScaleState{response.spec_replicas(), response.ready_replicas()};
}

absl::Status GrpcActuator::SetReplicas(const ScaleRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, timeout_);
  limiar::v1::SetReplicasRequest message;
  message.set_resource(resources_.Of(request.target));
  message.set_target(request.target);
  message.set_replicas(request.replicas);
  message.set_reason(request.reason);
  message.set_message(request.message);
  limiar::v1::SetReplicasResponse response;
  return FromGrpc(stub_->SetReplicas(&context, message, &response),
                  absl::StrCat("grpc actuator: SetReplicas(\"", request.target, "\", ",
                               request.replicas, ") at ", address_));
}

}  // namespace limiar::actuator
