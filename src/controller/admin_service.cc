#include "src/controller/admin_service.h"

#include "absl/strings/str_cat.h"
#include "src/common/bearer_token.h"
#include "src/controller/decision_proto.h"

namespace limiar::controller {
namespace {

grpc::Status NotFound(const std::string& target) {
  return grpc::Status(
      grpc::StatusCode::NOT_FOUND,
      absl::StrCat("no managed target \"", target, "\"; `limiar status` lists the targets"));
}

}  // namespace

AdminService::AdminService(Runner* runner, DecisionBroadcaster* broadcaster,
                           std::string bearer_token, ReloadFn reload, PolicyJsonFn policy_json)
    : runner_(runner),
      broadcaster_(broadcaster),
      token_(std::move(bearer_token)),
      reload_(std::move(reload)),
      policy_json_(std::move(policy_json)) {}

grpc::Status AdminService::Authorize(const grpc::ServerContext* ctx) const {
  if (token_.empty()) return grpc::Status::OK;
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "admin calls need `authorization: Bearer TOKEN` (limiar --token-file)");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (!BearerTokenMatches(value, token_)) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "wrong bearer token");
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::ListResources(grpc::ServerContext* ctx,
                                         const limiar::v1::ListResourcesRequest*,
                                         limiar::v1::ListResourcesResponse* out) {
  if (grpc::Status s = Authorize(ctx); !s.ok()) return s;
  runner_->WithLoop([&](ControlLoop& loop) {
    for (const policy::TargetPolicy& t : loop.targets()) {
      SummaryToProto(t, *loop.ModeOf(t.target), out->add_resources());
    }
  });
  return grpc::Status::OK;
}

grpc::Status AdminService::Status(grpc::ServerContext* ctx, const limiar::v1::StatusRequest* req,
                                  limiar::v1::StatusResponse* out) {
  if (grpc::Status s = Authorize(ctx); !s.ok()) return s;
  bool found = req->target().empty();
  runner_->WithLoop([&](ControlLoop& loop) {
    for (const policy::TargetPolicy& t : loop.targets()) {
      if (!req->target().empty() && t.target != req->target()) continue;
      found = true;
      limiar::v1::TargetStatus* ts = out->add_targets();
      SummaryToProto(t, *loop.ModeOf(t.target), ts->mutable_resource());
      if (const Decision* d = loop.LastDecision(t.target)) {
        DecisionToProto(*d, ts->mutable_last_decision());
      }
    }
  });
  return found ? grpc::Status::OK : NotFound(req->target());
}

grpc::Status AdminService::Explain(grpc::ServerContext* ctx, const limiar::v1::ExplainRequest* req,
                                   limiar::v1::ExplainResponse* out) {
  if (grpc::Status s = Authorize(ctx); !s.ok()) return s;
  bool found = false;
  bool decided = false;
  runner_->WithLoop([&](ControlLoop& loop) {
    for (const policy::TargetPolicy& t : loop.targets()) {
      if (t.target != req->target()) continue;
      found = true;
      out->set_policy_json(policy_json_(t));
      if (const Decision* d = loop.LastDecision(t.target)) {
        decided = true;
        DecisionToProto(*d, out->mutable_decision());
        for (std::string& step : ExplainSteps(*d, t)) out->add_steps(std::move(step));
      }
    }
  });
  if (!found) return NotFound(req->target());
  if (!decided) out->add_steps("no evaluation yet: the first tick has not run");
  return grpc::Status::OK;
}

grpc::Status AdminService::WatchDecisions(grpc::ServerContext* ctx,
                                          const limiar::v1::WatchRequest* req,
                                          grpc::ServerWriter<limiar::v1::Decision>* writer) {
  if (grpc::Status s = Authorize(ctx); !s.ok()) return s;
  std::shared_ptr<DecisionBroadcaster::Subscription> sub = broadcaster_->Subscribe(req->target());
  limiar::v1::Decision wire;
  while (!ctx->IsCancelled() && !sub->closed()) {
    // Wake regularly to notice a cancelled call even when nothing is decided.
    std::optional<Decision> d = sub->Next(absl::Milliseconds(200));
    if (!d) continue;
    wire.Clear();
    DecisionToProto(*d, &wire);
    if (!writer->Write(wire)) break;
  }
  broadcaster_->Unsubscribe(sub);
  return grpc::Status::OK;
}

grpc::Status AdminService::SetMode(grpc::ServerContext* ctx, const limiar::v1::SetModeRequest* req,
                                   limiar::v1::SetModeResponse* out) {
  if (grpc::Status s = Authorize(ctx); !s.ok()) return s;
  policy::Mode mode;
  if (!ModeFromProto(req->mode(), &mode)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "mode must be MODE_ENFORCE, MODE_DRY_RUN or MODE_PAUSED");
  }
  absl::Status result;
  runner_->WithLoop([&](ControlLoop& loop) {
    absl::StatusOr<policy::Mode> previous = loop.ModeOf(req->target());
    if (!previous.ok()) {
      result = previous.status();
      return;
    }
    out->set_previous(ModeToProto(*previous));
    result = loop.SetMode(req->target(), mode);
  });
  return result.ok() ? grpc::Status::OK : NotFound(req->target());
}

grpc::Status AdminService::Reload(grpc::ServerContext* ctx, const limiar::v1::ReloadRequest* req,
                                  limiar::v1::ReloadResponse* out) {
  if (grpc::Status s = Authorize(ctx); !s.ok()) return s;
  absl::StatusOr<ReloadOutcome> outcome = reload_(req->blueprint_path());
  if (!outcome.ok()) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("blueprint refused, the running one is kept:\n", outcome.status().message()));
  }
  for (const std::string& t : outcome->targets) out->add_targets(t);
  for (const std::string& w : outcome->warnings) out->add_warnings(w);
  return grpc::Status::OK;
}

}  // namespace limiar::controller
