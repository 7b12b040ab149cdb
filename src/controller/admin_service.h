// limiar.v1.Admin: list, status, explain, watch, set mode, reload. Reads and switches go
// through the Runner, so they never race a tick.
#ifndef LIMIAR_CONTROLLER_ADMIN_SERVICE_H_
#define LIMIAR_CONTROLLER_ADMIN_SERVICE_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "limiar/v1/admin.grpc.pb.h"
#include "src/controller/decision_broadcaster.h"
#include "src/controller/runner.h"

namespace limiar::controller {

struct AdminOptions {
  // Empty: no authentication (only sensible on loopback).
  std::string bearer_token;
  // The file `reload` reads, named in the refusal of any other path a client sends.
  std::string blueprint_path;
  // Open WatchDecisions streams at most; each holds a server thread. Beyond it a watch is
  // refused RESOURCE_EXHAUSTED, naming the limit and its config key.
  int max_watch_streams = 16;
  // With leader election: fills in who leads, for `status`. Null without.
  std::function<void(limiar::v1::Leadership*)> leadership;
};

class AdminService final : public limiar::v1::Admin::Service {
 public:
  struct ReloadOutcome {
    std::vector<std::string> targets;
    std::vector<std::string> warnings;
  };
  // Loads and validates the configured blueprint file and swaps it in; an error leaves
  // the running one. A client's `blueprint_path` is refused unless it is that file's path
  // (as older clients send it): a path from a client could name /dev/zero or a FIFO.
  using ReloadFn = std::function<absl::StatusOr<ReloadOutcome>()>;
  // Renders a target's resolved policy as JSON (the `limiar policy --json` form).
  using PolicyJsonFn = std::function<std::string(const policy::TargetPolicy&)>;

  AdminService(Runner* runner, DecisionBroadcaster* broadcaster, AdminOptions options,
               ReloadFn reload, PolicyJsonFn policy_json);

  grpc::Status ListResources(grpc::ServerContext* ctx, const limiar::v1::ListResourcesRequest*,
                             limiar::v1::ListResourcesResponse* out) override;
  grpc::Status Status(grpc::ServerContext* ctx, const limiar::v1::StatusRequest* req,
                      limiar::v1::StatusResponse* out) override;
  grpc::Status Explain(grpc::ServerContext* ctx, const limiar::v1::ExplainRequest* req,
                       limiar::v1::ExplainResponse* out) override;
  grpc::Status WatchDecisions(grpc::ServerContext* ctx, const limiar::v1::WatchRequest* req,
                              grpc::ServerWriter<limiar::v1::Decision>* writer) override;
  grpc::Status SetMode(grpc::ServerContext* ctx, const limiar::v1::SetModeRequest* req,
                       limiar::v1::SetModeResponse* out) override;
  grpc::Status Reload(grpc::ServerContext* ctx, const limiar::v1::ReloadRequest* req,
                      limiar::v1::ReloadResponse* out) override;

 private:
  grpc::Status Authorize(const grpc::ServerContext* ctx) const;

  Runner* runner_;
  DecisionBroadcaster* broadcaster_;
  const AdminOptions options_;
  std::atomic<int> watch_streams_{0};
  ReloadFn reload_;
  PolicyJsonFn policy_json_;
};

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_ADMIN_SERVICE_H_
