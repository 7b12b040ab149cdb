#include "src/cli/client_commands.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "limiar/v1/admin.grpc.pb.h"
#include "limiar/v1/samples.grpc.pb.h"
#include "src/cli/print_error.h"
#include "src/common/config/did_you_mean.h"
#include "src/common/plural.h"
#include "src/common/regular_file.h"
#include "src/common/text_table.h"
#include "src/controller/decision_proto.h"
#include "src/metrics/push/sample_validation.h"
#include "src/policy/names.h"

namespace limiar::cli {
namespace {

bool ReadFile(const std::string& path, absl::string_view what, std::string* out,
              std::ostream& err) {
  absl::StatusOr<std::string> text = ReadRegularFile(path, kMaxCredentialFileBytes, what);
  if (!text.ok()) {
    PrintError(err, text.status().message());
    return false;
  }
  *out = *std::move(text);
  return true;
}

std::shared_ptr<grpc::Channel> Channel(const ClientOptions& c, std::ostream& err) {
  if (c.tls_ca_file.empty()) {
    return grpc::CreateChannel(c.server, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions tls;
  if (!ReadFile(c.tls_ca_file, "CA certificate", &tls.pem_root_certs, err)) return nullptr;
  if (!c.tls_cert_file.empty() &&
      (!ReadFile(c.tls_cert_file, "client certificate", &tls.pem_cert_chain, err) ||
       !ReadFile(c.tls_key_file, "client key", &tls.pem_private_key, err))) {
    return nullptr;
  }
  return grpc::CreateChannel(c.server, grpc::SslCredentials(tls));
}

// A context with the deadline and, when configured, the bearer token.
bool Prepare(const ClientOptions& c, grpc::ClientContext& ctx, bool with_deadline,
             std::ostream& err) {
  if (with_deadline) {
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(static_cast<int64_t>(c.timeout_s * 1000)));
  }
  if (!c.token_file.empty()) {
    std::string token;
    if (!ReadFile(c.token_file, "token file", &token, err)) return false;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", absl::StripAsciiWhitespace(token)));
  }
  return true;
}

int Fail(const grpc::Status& s, const ClientOptions& c, std::ostream& err) {
  std::string message = absl::StrCat(c.server, ": ", s.error_message());
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    message.append(" (is `limiar serve` running there? --server sets the address)");
  }
  PrintError(err, message);
  return 1;
}

// "mode must be enforce, dry-run or paused; did you mean paused?"
std::string MustBeOneOf(absl::string_view what, absl::string_view given,
                        const std::vector<std::string>& names) {
  const std::string hint = config::DidYouMean(given, names, {}, "");
  return absl::StrCat(what, " must be ", policy::Alternatives(names), hint.empty() ? "" : "; ",
                      hint);
}

std::string ModeName(limiar::v1::Mode wire) {
  policy::Mode m;
  return controller::ModeFromProto(wire, &m) ? policy::ModeName(m) : "?";
}

std::string DecisionLine(const limiar::v1::Decision& d) {
  const absl::Time t =
      absl::FromUnixSeconds(d.time().seconds()) + absl::Nanoseconds(d.time().nanos());
  std::string line = absl::StrFormat("%s  %-16s %3d -> %-3d (%d ready)  %-19s %s",
                                     absl::FormatTime("%H:%M:%S", t, absl::UTCTimeZone()),
                                     d.target(), d.current_replicas(), d.desired_replicas(),
                                     d.ready_replicas(), d.reason(), d.message());
  if (d.actuated()) line.append("  [actuated]");
  if (!d.actuation_note().empty()) absl::StrAppend(&line, "  [", d.actuation_note(), "]");
  return line;
}

// Runs `call(stub, context)` on a fresh admin stub with a prepared context (deadline,
// token); 1 when the channel or the token cannot be set up.
template <typename Call>
int CallAdmin(const ClientOptions& client, std::ostream& err, Call call) {
  auto channel = Channel(client, err);
  if (!channel) return 1;
  auto stub = limiar::v1::Admin::NewStub(channel);
  grpc::ClientContext ctx;
  if (!Prepare(client, ctx, true, err)) return 1;
  return call(*stub, ctx);
}

}  // namespace

int RunPushCommand(const ClientOptions& client, const PushOptions& push, std::ostream& out,
                   std::ostream& err) {
  const std::optional<policy::MetricType> metric = policy::MetricTypeFromName(push.metric);
  if (!metric) {
    PrintError(err, MustBeOneOf("--metric", push.metric, policy::MetricTypeNames()));
    return 2;
  }
  const auto wire = static_cast<limiar::v1::Metric>(metrics::MetricToWire(*metric));
  if (push.replicas.empty() && !push.total && push.gone.empty()) {
    PrintError(err, "nothing to push: give --replica ID=VALUE, --total VALUE or --gone ID");
    return 2;
  }
  limiar::v1::SampleBatch batch;
  std::vector<std::string> labels;  // per sample, for the rejections
  auto add = [&](const std::string& label) {
    labels.push_back(label);
    limiar::v1::Sample* s = batch.add_samples();
    s->set_resource(push.resource);
    s->set_metric(wire);
    return s;  // no timestamp: "now" at the server
  };
  for (const std::string& r : push.replicas) {
    const size_t eq = r.find('=');
    double value = 0;
    if (eq == std::string::npos || eq == 0 || !absl::SimpleAtod(r.substr(eq + 1), &value)) {
      PrintError(err,
                 absl::StrCat("--replica \"", r, "\": expected ID=VALUE, e.g. storefront-0=130"));
      return 2;
    }
    limiar::v1::Sample* s = add(r);
    s->mutable_replica()->set_id(r.substr(0, eq));
    s->set_value(value);
  }
  if (push.total) add(absl::StrCat("total ", *push.total))->set_value(*push.total);
  for (const std::string& id : push.gone) {
    limiar::v1::Sample* s = add(absl::StrCat(id, " gone"));
    s->mutable_replica()->set_id(id);
    s->mutable_replica()->set_gone(true);
  }
  auto channel = Channel(client, err);
  if (!channel) return 1;
  auto stub = limiar::v1::Ingest::NewStub(channel);
  grpc::ClientContext ctx;
  if (!Prepare(client, ctx, true, err)) return 1;
  limiar::v1::PushResponse response;
  auto writer = stub->Push(&ctx, &response);
  writer->Write(batch);
  writer->WritesDone();
  const grpc::Status s = writer->Finish();
  if (!s.ok()) return Fail(s, client, err);
  const uint64_t rejected = response.rejected_size() + response.rejected_not_listed();
  out << response.accepted() << " accepted, " << rejected << " rejected\n";
  for (const auto& r : response.rejected()) {
    const std::string label = r.index() < labels.size() ? labels[r.index()] : "?";
    out << "  sample " << r.index() << " (" << label << "): " << r.reason() << "\n";
  }
  return rejected == 0 ? 0 : 1;
}

// Widths come from the content: a long target name shifts its column, not its row.
std::string StatusTable(const limiar::v1::StatusResponse& resp) {
  std::vector<std::vector<std::string>> rows = {
      {"TARGET", "ALGO", "MODE", "BOUNDS", "CURRENT", "READY", "DESIRED", "REASON", "WHY"}};
  for (const limiar::v1::TargetStatus& t : resp.targets()) {
    const limiar::v1::ResourceSummary& r = t.resource();
    std::vector<std::string> row = {r.target(), r.algorithm(), ModeName(r.mode()),
                                    absl::StrCat(r.min_replicas(), "..", r.max_replicas())};
    if (!t.has_last_decision()) {
      row.insert(row.end(), {"-", "-", "-", "-", "no evaluation yet"});
    } else {
      const limiar::v1::Decision& d = t.last_decision();
      row.insert(row.end(), {absl::StrCat(d.current_replicas()), absl::StrCat(d.ready_replicas()),
                             absl::StrCat(d.desired_replicas()), d.reason(), d.message()});
    }
    rows.push_back(std::move(row));
  }
  return AlignedTable(rows, "llllrrrll");
}

// "leader: limiar-a (this copy)" or "leader: limiar-a; limiar-b (this copy) follows".
std::string LeadershipLine(const limiar::v1::Leadership& l) {
  if (l.leading()) return absl::StrCat("leader: ", l.identity(), " (this copy)");
  return absl::StrCat("leader: ", l.holder().empty() ? "none yet" : l.holder(), "; ", l.identity(),
                      " (this copy) follows");
}

int RunStatusCommand(const ClientOptions& client, const std::string& target, bool as_json,
                     std::ostream& out, std::ostream& err) {
  return CallAdmin(client, err, [&](limiar::v1::Admin::Stub& stub, grpc::ClientContext& ctx) {
    limiar::v1::StatusRequest req;
    req.set_target(target);
    limiar::v1::StatusResponse resp;
    const grpc::Status s = stub.Status(&ctx, req, &resp);
    if (!s.ok()) return Fail(s, client, err);
    if (as_json) {
      std::string json;
      google::protobuf::util::JsonPrintOptions opts;
      opts.add_whitespace = true;
      (void)google::protobuf::util::MessageToJsonString(resp, &json, opts);
      out << json << "\n";
      return 0;
    }
    if (resp.has_leadership()) out << LeadershipLine(resp.leadership()) << "\n";
    out << StatusTable(resp);
    return 0;
  });
}

int RunExplainCommand(const ClientOptions& client, const std::string& target, std::ostream& out,
                      std::ostream& err) {
  return CallAdmin(client, err, [&](limiar::v1::Admin::Stub& stub, grpc::ClientContext& ctx) {
    limiar::v1::ExplainRequest req;
    req.set_target(target);
    limiar::v1::ExplainResponse resp;
    const grpc::Status s = stub.Explain(&ctx, req, &resp);
    if (!s.ok()) return Fail(s, client, err);
    out << target << ":\n";
    for (size_t i = 0; i < static_cast<size_t>(resp.steps_size()); ++i) {
      out << "  " << i + 1 << ". " << resp.steps(i) << "\n";
    }
    if (resp.has_decision()) out << "\nlast decision: " << DecisionLine(resp.decision()) << "\n";
    out << "\npolicy (as `limiar policy --json` resolves it):\n" << resp.policy_json() << "\n";
    return 0;
  });
}

int RunWatchCommand(const ClientOptions& client, const std::string& target, int count,
                    std::ostream& out, std::ostream& err) {
  auto channel = Channel(client, err);
  if (!channel) return 1;
  auto stub = limiar::v1::Admin::NewStub(channel);
  limiar::v1::WatchRequest req;
  req.set_target(target);
  int seen = 0;
  for (;;) {
    grpc::ClientContext ctx;
    if (!Prepare(client, ctx, false, err)) return 1;
    auto reader = stub->WatchDecisions(&ctx, req);
    limiar::v1::Decision d;
    int this_stream = 0;
    while ((count <= 0 || seen < count) && reader->Read(&d)) {
      out << DecisionLine(d) << std::endl;
      ++seen;
      ++this_stream;
    }
    if (count > 0 && seen >= count) {
      ctx.TryCancel();
      return 0;
    }
    const grpc::Status s = reader->Finish();
    // The server recycles connections (grpc.max_connection_age_s): a stream that delivered
    // and then became unavailable is taken up again on a new connection. One that
    // delivered nothing is an error: the server is gone, or refuses.
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE && this_stream > 0) continue;
    return s.ok() ? 0 : Fail(s, client, err);
  }
}

int RunModeCommand(const ClientOptions& client, const std::string& target, const std::string& mode,
                   std::ostream& out, std::ostream& err) {
  limiar::v1::SetModeRequest req;
  req.set_target(target);
  const std::optional<policy::Mode> parsed = policy::ModeFromName(mode);
  if (!parsed) {
    PrintError(err, MustBeOneOf("mode", mode, policy::ModeNames()));
    return 2;
  }
  req.set_mode(controller::ModeToProto(*parsed));
  return CallAdmin(client, err, [&](limiar::v1::Admin::Stub& stub, grpc::ClientContext& ctx) {
    limiar::v1::SetModeResponse resp;
    const grpc::Status s = stub.SetMode(&ctx, req, &resp);
    if (!s.ok()) return Fail(s, client, err);
    out << target << ": " << ModeName(resp.previous()) << " -> " << mode << "\n";
    return 0;
  });
}

int RunReloadCommand(const ClientOptions& client, const std::string& blueprint, std::ostream& out,
                     std::ostream& err) {
  return CallAdmin(client, err, [&](limiar::v1::Admin::Stub& stub, grpc::ClientContext& ctx) {
    limiar::v1::ReloadRequest req;
    req.set_blueprint_path(blueprint);
    limiar::v1::ReloadResponse resp;
    const grpc::Status s = stub.Reload(&ctx, req, &resp);
    if (!s.ok()) return Fail(s, client, err);
    for (const std::string& w : resp.warnings()) err << "warning: " << w << "\n";
    out << "reloaded: " << Counted(resp.targets_size(), "target") << "\n";
    return 0;
  });
}

}  // namespace limiar::cli
