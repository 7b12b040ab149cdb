#include "src/controller/admin_service.h"

#include "absl/strings/str_cat.h"
#include "src/common/bearer_token.h"
#include "src/common/excerpt.h"
#include "src/controller/decision_proto.h"

namespace limiar::controller {
namespace {

grpc::Status NotFound(const std::string& target) {
  return grpc::Status(
      grpc::StatusCode::NOT_FOUND,
      absl::StrCat("no managed target \"", target, "\"; `limiar status` lists the targets"));
}

}  // namespace

AdminService::AdminService(Runner* runner, DecisionBroadcaster* broadcaster, AdminOptions options,
                           ReloadFn reload, PolicyJsonFn policy_json)
    : runner_(runner),
      broadcaster_(broadcaster),
      options_(std::move(options)),
      reload_(std::move(reload)),
      policy_json_(std::move(policy_json)) {}

grpc::Status AdminService::Authorize(const grpc::ServerContext* ctx) const {
  if (options_.bearer_token.empty()) return grpc::Status::OK;
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "admin calls need `authorization: Bearer TOKEN` (limiar --token-file)");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (!BearerTokenMatches(value, options_.bearer_token)) {
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
  if (found && options_.leadership) options_.leadership(out->mutable_leadership());
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
  // Counted before the check, so that concurrent calls cannot all pass it.
  if (watch_streams_.fetch_add(1) >= options_.max_watch_streams) {
    watch_streams_.fetch_sub(1);
    return grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat(options_.max_watch_streams,
                     " watch streams are open, the limit (grpc.max_watch_streams in the serve "
                     "config): close one, or raise the limit along with grpc.max_threads"));
  }
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
  watch_streams_.fetch_sub(1);
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
  if (!req->blueprint_path().empty() && req->blueprint_path() != options_.blueprint_path) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("refused: the server reloads only the blueprint it was started with, ",
                     options_.blueprint_path, ", never a path a client names (",
                     Excerpt(req->blueprint_path(), 120), "): edit ", options_.blueprint_path,
                     " and run `limiar reload` without a path, or restart `limiar serve` with "
                     "--blueprint set to the new file"));
  }
  absl::StatusOr<ReloadOutcome> outcome = reload_();
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
