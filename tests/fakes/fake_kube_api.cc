// What is simplified against kube-apiserver (each a deliberate gap, not an accident):
// - Paging: `limit` and `continue` are served, with the API server's token (base64 of
//   {"v","rv","start"}), but a later page shows the objects as they are now, not as they
//   were at the first page's resourceVersion, and no token expires (410).
// - Strategic merge patch is applied as a JSON merge patch: lists are replaced, not merged
//   by key, and `$patch` directives are not understood. Server-side apply is 415.
// - No defaulting or validation beyond: a name (or generateName) on create, spec.replicas
//   defaulting to 1 and status cleared on create for apps/v1 workloads, status kept across
//   updates of kinds with a status subresource (pods and the apps/v1 workloads).
// - The status subresource, deletecollection, dryRun, and a watch on a named object's path
//   are not served (404 or 405); a watch by fieldSelector=metadata.name=X is.
// - A watch whose client went away is noticed at its next event, its timeout or
//   CloseWatches(), not at once (nothing is written to an idle stream).
#include "tests/fakes/fake_kube_api.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "src/common/bounded_json.h"
#include "src/common/mutex.h"
#include "tests/fakes/kube_selectors.h"
#include "tests/support/local_http_server.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_dir.h"

namespace limiar::testing {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// One kind the fake serves. `workload`: apps/v1 (generation, spec.replicas defaulting,
// status kept on update, the scale subresource). `metrics`: served by metrics-server (get
// and list only, no resourceVersion).
struct ResourceType {
  const char* group;
  const char* version;
  const char* resource;
  const char* kind;
  bool workload = false;
  bool metrics = false;
  bool keeps_status = false;

  std::string ApiVersion() const {
    return *group == '\0' ? version : absl::StrCat(group, "/", version);
  }
  // schema.GroupResource.String(): "pods", "leases.coordination.k8s.io".
  std::string Qualified() const {
    return *group == '\0' ? resource : absl::StrCat(resource, ".", group);
  }
  // schema.GroupKind.String(): "Pod", "Lease.coordination.k8s.io".
  std::string QualifiedKind() const {
    return *group == '\0' ? kind : absl::StrCat(kind, ".", group);
  }
  std::string PathPrefix() const {
    return *group == '\0' ? absl::StrCat("/api/", version)
                          : absl::StrCat("/apis/", group, "/", version);
  }
};

const ResourceType kTypes[] = {
    {"", "v1", "pods", "Pod", false, false, true},
    {"", "v1", "configmaps", "ConfigMap"},
    {"apps", "v1", "deployments", "Deployment", true, false, true},
    {"apps", "v1", "statefulsets", "StatefulSet", true, false, true},
    {"apps", "v1", "replicasets", "ReplicaSet", true, false, true},
    {"coordination.k8s.io", "v1", "leases", "Lease"},
    {"events.k8s.io", "v1", "events", "Event"},
    {"metrics.k8s.io", "v1beta1", "pods", "PodMetrics", false, true},
};

const ResourceType* FindType(absl::string_view group, absl::string_view version,
                             absl::string_view resource) {
  for (const ResourceType& t : kTypes) {
    if (group == t.group && version == t.version && resource == t.resource) return &t;
  }
  return nullptr;
}

const ResourceType* TypeOfObject(const json& object) {
  if (!object.is_object()) return nullptr;
  const std::string api_version = object.value("apiVersion", "");
  const std::string kind = object.value("kind", "");
  for (const ResourceType& t : kTypes) {
    if (api_version == t.ApiVersion() && kind == t.kind) return &t;
  }
  return nullptr;
}

const char kModified[] =
    "the object has been modified; please apply your changes to the latest version and try "
    "again";

std::string MetaString(const json& object, const char* field) {
  if (!object.is_object()) return "";
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

// Go's %q for the names in messages (they are DNS labels in practice).
std::string GoQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// strconv.ParseBool, which the server uses for watch and allowWatchBookmarks: the Python
// client sends "True".
std::optional<bool> ParseGoBool(absl::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") {
    return false;
  }
  return std::nullopt;
}

std::string Now() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

// metav1.StatusDetails for a resource: name, group, kind (the resource), each omitted when
// empty, as Go's omitempty does.
ordered_json Details(const ResourceType* type, absl::string_view name) {
  ordered_json details = ordered_json::object();
  if (!name.empty()) details["name"] = name;
  if (type != nullptr && *type->group != '\0') details["group"] = type->group;
  if (type != nullptr) details["kind"] = type->resource;
  return details;
}

struct Route {
  const ResourceType* type = nullptr;
  std::string namespace_name;  // "" for the all-namespaces collection
  std::string name;
  std::string subresource;

  std::tuple<const ResourceType*, std::string, std::string> key() const {
    return {type, namespace_name, name};
  }
  bool scale() const { return subresource == "scale"; }
};

struct Reply {
  Reply() = default;
  Reply(int status_code, std::string text) : status(status_code), body(std::move(text)) {}

  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool streaming = false;  // a content provider answers
};

// The selectors of a list or watch request.
struct Selectors {
  LabelSelector labels;
  FieldSelector fields;
};

// A watch stream. The selectors are fixed at the start; `lines` and `closed` are guarded by
// FakeKubeApi::mu_.
struct Watcher {
  const ResourceType* type = nullptr;
  std::string namespace_name;
  Selectors selectors;
  bool bookmarks = false;
  CondVar::Deadline deadline;
  std::deque<std::string> lines;
  bool closed = false;
  // The response is being written: headers are out and the stream ends cleanly from now on.
  bool started = false;
  // The last chunk is going out: no longer open, although the server has yet to release it
  // (a client that saw the end must not find the watch still counted).
  bool ended = false;
  // Its own wake-up: one shared by a thousand watches woke them all at every event.
  CondVar news;
};

struct HistoryEntry {
  int64_t resource_version;
  const ResourceType* type;
  nlohmann::json old_object;  // null for ADDED
  nlohmann::json new_object;  // null for DELETED
};

struct DenyRule {
  std::string verb, group, resource, namespace_name;
};

struct FailRule {
  std::string path_prefix;
  int remaining;
  int http_status;
};

// (resource type, namespace, name): a std::map lists in etcd's key order.
using Key = std::tuple<const ResourceType*, std::string, std::string>;

// A metav1.Status failure, fields in the order the server writes them.
Reply StatusReply(int code, absl::string_view reason, absl::string_view message,
                  const ordered_json& details = nullptr) {
  ordered_json status = {{"kind", "Status"},
                         {"apiVersion", "v1"},
                         {"metadata", ordered_json::object()},
                         {"status", "Failure"},
                         {"message", message}};
  if (!reason.empty()) status["reason"] = reason;
  if (!details.is_null()) status["details"] = details;
  status["code"] = code;
  return Reply{code, status.dump()};
}

Reply NotFound(const ResourceType* type, const std::string& name) {
  return StatusReply(404, "NotFound",
                     absl::StrCat(type->Qualified(), " ", GoQuote(name), " not found"),
                     Details(type, name));
}

Reply NoSuchPath() {
  return StatusReply(404, "NotFound", "the server could not find the requested resource",
                     ordered_json::object());
}

Reply Conflict(const ResourceType* type, const std::string& name, absl::string_view why) {
  return StatusReply(409, "Conflict",
                     absl::StrCat("Operation cannot be fulfilled on ", type->Qualified(), " ",
                                  GoQuote(name), ": ", why),
                     Details(type, name));
}

Reply BadRequest(absl::string_view message) { return StatusReply(400, "BadRequest", message); }

// Where a paged list goes on: the API server's continue token is base64 of
// {"v":"meta.k8s.io/v1","rv":N,"start":KEY + "\u0000"}, KEY the last object's storage key.
struct ContinueFrom {
  int64_t resource_version = 0;
  std::string namespace_name;
  std::string name;
};

std::string ContinueToken(int64_t resource_version, const std::string& namespace_name,
                          const std::string& name) {
  const std::string key = namespace_name.empty() ? name : absl::StrCat(namespace_name, "/", name);
  return absl::WebSafeBase64Escape(
      json{{"v", "meta.k8s.io/v1"}, {"rv", resource_version}, {"start", key + '\0'}}.dump());
}

absl::StatusOr<ContinueFrom> ParseContinue(const std::string& token) {
  const absl::Status invalid = absl::InvalidArgumentError(
      "continue key is not valid: incorrect encoded start resourceVersion (version "
      "meta.k8s.io/v1)");
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded)) return invalid;
  const json parsed = json::parse(decoded, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || parsed.value("v", "") != "meta.k8s.io/v1" || !parsed.contains("rv") ||
      !parsed["rv"].is_number_integer() || !parsed.contains("start") ||
      !parsed["start"].is_string()) {
    return invalid;
  }
  std::string key = parsed["start"].get<std::string>();
  if (key.empty() || key.back() != '\0') return invalid;
  key.pop_back();
  ContinueFrom from;
  from.resource_version = parsed["rv"].get<int64_t>();
  const size_t slash = key.find('/');
  if (slash == std::string::npos) {
    from.name = key;
  } else {
    from.namespace_name = key.substr(0, slash);
    from.name = key.substr(slash + 1);
  }
  return from;
}

Reply MethodNotSupported(const ResourceType* type, absl::string_view action) {
  return StatusReply(
      405, "MethodNotAllowed",
      absl::StrCat(action, " is not supported on resources of kind ", GoQuote(type->Qualified())),
      Details(type, ""));
}

Reply JsonReply(int status, const json& object) { return Reply{status, object.dump()}; }

std::string EventLine(absl::string_view type, const json& object) {
  return absl::StrCat("{\"type\":\"", type, "\",\"object\":", object.dump(), "}\n");
}

// checkName in apiserver's handlers/rest.go: the body names the object the URL names.
std::optional<Reply> CheckName(const json& object, const std::string& name,
                               const std::string& namespace_name) {
  const std::string object_name = MetaString(object, "name");
  if (object_name != name) {
    return BadRequest(absl::StrCat("the name of the object (", object_name,
                                   ") does not match the name on the URL (", name, ")"));
  }
  const std::string object_namespace = MetaString(object, "namespace");
  if (!object_namespace.empty() && object_namespace != namespace_name) {
    return BadRequest(absl::StrCat("the namespace of the object (", object_namespace,
                                   ") does not match the namespace on the request (",
                                   namespace_name, ")"));
  }
  return std::nullopt;
}

// A body's apiVersion and kind, when given, must be the route's.
std::optional<Reply> CheckKind(const json& object, const std::string& api_version,
                               const std::string& kind) {
  const std::string got_version = object.value("apiVersion", "");
  const std::string got_kind = object.value("kind", "");
  if ((!got_version.empty() && got_version != api_version) ||
      (!got_kind.empty() && got_kind != kind)) {
    return BadRequest(absl::StrCat(got_kind, " in version ", GoQuote(got_version),
                                   " cannot be handled as a ", kind));
  }
  return std::nullopt;
}

// autoscaling/v1 Scale of a workload, as scaleFromDeployment (and its siblings) build it.
json ScaleOf(const json& object) {
  const json& meta = object["metadata"];
  json scale = {{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata",
                 {{"name", meta.value("name", "")},
                  {"namespace", meta.value("namespace", "")},
                  {"uid", meta.value("uid", "")},
                  {"resourceVersion", meta.value("resourceVersion", "")},
                  {"creationTimestamp", meta.value("creationTimestamp", "")}}},
                {"spec", json::object()},
                {"status", {{"replicas", 0}}}};
  const json spec = object.value("spec", json::object());
  const int64_t replicas = spec.value("replicas", int64_t{1});
  if (replicas != 0) scale["spec"]["replicas"] = replicas;  // omitempty
  const json status = object.value("status", json::object());
  scale["status"]["replicas"] = status.value("replicas", int64_t{0});
  absl::StatusOr<std::string> selector = LabelSelectorString(spec.value("selector", json()));
  if (selector.ok() && !selector->empty()) scale["status"]["selector"] = *selector;
  return scale;
}

// Server-set fields that an update cannot change, and the generation rule: it counts
// changes of spec (apps/v1 strategies' PrepareForUpdate).
void CarryOver(const ResourceType& type, const json& current, json& updated) {
  json& meta = updated["metadata"];
  const json& old_meta = current["metadata"];
  for (const char* field : {"uid", "creationTimestamp"}) {
    if (old_meta.contains(field)) meta[field] = old_meta[field];
  }
  if (type.keeps_status) {
    if (current.contains("status")) {
      updated["status"] = current["status"];
    } else {
      updated.erase("status");
    }
  }
  if (type.workload) {
    if (!updated["spec"].contains("replicas")) updated["spec"]["replicas"] = 1;
    const int64_t generation = old_meta.value("generation", int64_t{1});
    meta["generation"] =
        generation + (updated.value("spec", json()) != current.value("spec", json()) ? 1 : 0);
  }
}

bool IsJsonMediaType(absl::string_view content_type, absl::string_view media) {
  absl::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(type), media);
}

}  // namespace

class FakeKubeApi::Impl {
 public:
  Impl(const std::string& cert_dir, FakeKubeApiOptions options);
  // Ends every open watch; http_ (the last member) then stops and joins its threads.
  ~Impl();

  std::string base_url() const { return http_.base_url(); }
  const std::string& ca_file() const { return certs_.ca_cert; }
  const std::string& token() const { return options_.token; }
  void WriteKubeconfig(const std::string& path, const std::string& namespace_name) const;

  json Put(json object) ABSL_LOCKS_EXCLUDED(mu_);
  bool Remove(const std::string& path) ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<json> Get(const std::string& path) const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t ResourceVersion() const ABSL_LOCKS_EXCLUDED(mu_);
  void Deny(const std::string& verb, const std::string& group, const std::string& resource,
            const std::string& namespace_name) ABSL_LOCKS_EXCLUDED(mu_);
  void FailNext(const std::string& path_prefix, int count, int http_status)
      ABSL_LOCKS_EXCLUDED(mu_);
  void CompactHistory() ABSL_LOCKS_EXCLUDED(mu_);
  void SendBookmarks() ABSL_LOCKS_EXCLUDED(mu_);
  void CloseWatches() ABSL_LOCKS_EXCLUDED(mu_);
  void HoldWatches(bool hold) ABSL_LOCKS_EXCLUDED(mu_);
  int OpenWatchCount() const ABSL_LOCKS_EXCLUDED(mu_);
  bool WaitForOpenWatches(int count, absl::Duration bound) ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<KubeApiRequest> Requests() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Serve(const httplib::Request& req, httplib::Response& res);
  Reply Dispatch(const httplib::Request& req, httplib::Response& res);
  Reply ListObjects(const Route& route, const httplib::Request& req) ABSL_LOCKS_EXCLUDED(mu_);
  Reply StartWatch(const Route& route, const httplib::Request& req, httplib::Response& res)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Writes what the watch has queued, waiting for news up to its deadline; ends the stream
  // when the watch is closed, timed out or the server stops.
  bool PumpWatch(Watcher& watcher, httplib::DataSink& sink) ABSL_LOCKS_EXCLUDED(mu_);
  Reply Create(const Route& route, const std::string& body) ABSL_LOCKS_EXCLUDED(mu_);
  Reply Update(const Route& route, const std::string& body) ABSL_LOCKS_EXCLUDED(mu_);
  Reply Patch(const Route& route, const std::string& content_type, const std::string& body)
      ABSL_LOCKS_EXCLUDED(mu_);
  Reply Delete(const Route& route, const std::string& body) ABSL_LOCKS_EXCLUDED(mu_);
  // Writes `updated` (the whole new object; for the scale subresource the new Scale) over the
  // stored object at `route` after the API server's checks.
  Reply Replace(const Route& route, json updated) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<Reply> CheckDenied(const std::string& verb, const Route& route)
      ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<Reply> TakeInjectedFailure(const std::string& path) ABSL_LOCKS_EXCLUDED(mu_);
  void Record(const httplib::Request& req) ABSL_LOCKS_EXCLUDED(mu_);

  // Stores `object` at `key` (null `object`: deletes it) with a new resourceVersion, appends
  // to the history and queues the event on every watch that sees it. Returns what it stored.
  json Commit(const Key& key, json object) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Enqueue(Watcher& watcher, const HistoryEntry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string NewUid() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Watches whose stream is being written (the lambda reads Watcher::started, under mu_).
  int StartedWatches() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeKubeApiOptions options_;
  const TestCerts certs_;

  mutable Mutex mu_;
  CondVar changed_;  // a watch has news, or one opened or closed
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool holding_ ABSL_GUARDED_BY(mu_) = false;  // HoldWatches
  int64_t resource_version_ ABSL_GUARDED_BY(mu_) = 1;
  int64_t uid_counter_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<Key, json> objects_ ABSL_GUARDED_BY(mu_);
  std::deque<HistoryEntry> history_ ABSL_GUARDED_BY(mu_);
  // A watch from a resourceVersion below this is Expired: the history starts after it.
  int64_t compacted_ ABSL_GUARDED_BY(mu_) = 1;
  int64_t next_watch_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int64_t, std::shared_ptr<Watcher>> watchers_ ABSL_GUARDED_BY(mu_);
  std::vector<DenyRule> deny_ ABSL_GUARDED_BY(mu_);
  std::vector<FailRule> failures_ ABSL_GUARDED_BY(mu_);
  std::deque<KubeApiRequest> requests_ ABSL_GUARDED_BY(mu_);

  // Last: stopped, and its threads joined, before the members its handlers use go away.
  LocalHttpServer http_;
};

FakeKubeApi::Impl::Impl(const std::string& cert_dir, FakeKubeApiOptions options)
    : options_(std::move(options)),
      certs_(MakeTestCerts(cert_dir)),
      http_(certs_.server_cert, certs_.server_key) {
  httplib::Server& server = http_.server();
  const int threads = options_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options_.max_body_bytes);
  // Idle keep-alive connections hold a thread each and delay shutdown by up to this.
  server.set_keep_alive_timeout(1);
  // kube-apiserver (Go's net/http) serves any number of requests on a connection;
  // cpp-httplib closes one after 5, and the TLS handshakes that followed were most of
  // serve's CPU in bench/kube_scale (10,000 targets' PodMetrics lists).
  server.set_keep_alive_max_count(std::numeric_limits<size_t>::max());
  // As kube-apiserver (Go sets TCP_NODELAY on every connection): without it an answer
  // written in two parts waits for the client's delayed ACK, about 40 ms a request.
  server.set_tcp_nodelay(true);
  const size_t limit = options_.max_body_bytes;
  const httplib::Server::HandlerWithResponse on_error = [limit](const httplib::Request&,
                                                                httplib::Response& res) {
    if (res.status != 413 || !res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const Reply reply = StatusReply(413, "RequestEntityTooLarge",
                                    absl::StrCat("Request entity too large: limit is ", limit));
    res.set_content(reply.body, "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(on_error);
  const auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    Serve(req, res);
  };
  server.Get(".*", serve);
  server.Post(".*", serve);
  server.Put(".*", serve);
  server.Patch(".*", serve);
  server.Delete(".*", serve);
  http_.Start();
}

FakeKubeApi::Impl::~Impl() {
  MutexLock lock(&mu_);
  stopping_ = true;
  changed_.SignalAll();
  for (auto& [id, watcher] : watchers_) watcher->news.SignalAll();
  // http_ (the last member) is destroyed next: it waits for the watches, which now end.
}

void FakeKubeApi::Impl::WriteKubeconfig(const std::string& path,
                                        const std::string& namespace_name) const {
  const ordered_json config = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       {{{"name", "fake"},
         {"cluster", {{"server", base_url()}, {"certificate-authority", ca_file()}}}}}},
      {"users", {{{"name", "fake"}, {"user", {{"token", token()}}}}}},
      {"contexts",
       {{{"name", "fake"},
         {"context", {{"cluster", "fake"}, {"user", "fake"}, {"namespace", namespace_name}}}}}},
      {"current-context", "fake"},
      {"preferences", ordered_json::object()}};
  WriteFile(path, config.dump(2) + "\n");
}

std::string FakeKubeApi::ObjectPath(const json& object) {
  const ResourceType* type = TypeOfObject(object);
  if (type == nullptr) return "";
  return absl::StrCat(type->PathPrefix(), "/namespaces/", MetaString(object, "namespace"), "/",
                      type->resource, "/", MetaString(object, "name"));
}

namespace {

// The route of a REST path, or nullopt for one the fake does not serve.
std::optional<Route> ParseRoute(absl::string_view path) {
  if (!absl::ConsumePrefix(&path, "/")) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  for (absl::string_view part : parts) {
    if (part.empty()) return std::nullopt;
  }
  absl::string_view group;
  size_t at = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    at = 1;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group = parts[1];
    at = 2;
  } else {
    return std::nullopt;
  }
  const absl::string_view version = parts[at++];
  const std::vector<absl::string_view> rest(parts.begin() + at, parts.end());
  Route route;
  absl::string_view resource;
  if (rest.size() >= 3 && rest.size() <= 5 && rest[0] == "namespaces") {
    route.namespace_name = std::string(rest[1]);
    resource = rest[2];
    if (rest.size() >= 4) route.name = std::string(rest[3]);
    if (rest.size() == 5) route.subresource = std::string(rest[4]);
  } else if (rest.size() == 1) {
    resource = rest[0];
  } else {
    return std::nullopt;
  }
  route.type = FindType(group, version, resource);
  if (route.type == nullptr) return std::nullopt;
  return route;
}

}  // namespace

void FakeKubeApi::Impl::Record(const httplib::Request& req) {
  KubeApiRequest seen{req.method, req.path, {}, req.get_header_value("Content-Type"), req.body};
  for (const auto& [name, value] : req.params) seen.params[name] = value;
  MutexLock lock(&mu_);
  requests_.push_back(std::move(seen));
  while (requests_.size() > options_.max_requests_kept) requests_.pop_front();
}

void FakeKubeApi::Impl::Serve(const httplib::Request& req, httplib::Response& res) {
  Record(req);
  Reply reply = Dispatch(req, res);
  if (reply.streaming) return;
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, "application/json");
}

std::optional<Reply> FakeKubeApi::Impl::TakeInjectedFailure(const std::string& path) {
  int status = 0;
  {
    MutexLock lock(&mu_);
    for (FailRule& rule : failures_) {
      if (rule.remaining > 0 && absl::StartsWith(path, rule.path_prefix)) {
        --rule.remaining;
        status = rule.http_status;
        break;
      }
    }
  }
  switch (status) {
    case 0:
      return std::nullopt;
    case 429: {
      Reply reply =
          StatusReply(429, "TooManyRequests", "Too many requests, please try again later.",
                      ordered_json{{"retryAfterSeconds", 1}});
      reply.headers.emplace_back("Retry-After", "1");
      return reply;
    }
    case 500:
      return StatusReply(500, "InternalError", "Internal error occurred: injected failure",
                         ordered_json{{"causes", {{{"message", "injected failure"}}}}});
    case 503:
      return StatusReply(503, "ServiceUnavailable", "injected failure: service unavailable");
    case 504:
      return StatusReply(504, "Timeout", "Timeout: injected failure");
    default:
      return StatusReply(status, "", absl::StrCat("injected failure ", status));
  }
}

std::optional<Reply> FakeKubeApi::Impl::CheckDenied(const std::string& verb, const Route& route) {
  const ResourceType* type = route.type;
  const std::string resource = route.subresource.empty()
                                   ? std::string(type->resource)
                                   : absl::StrCat(type->resource, "/", route.subresource);
  {
    MutexLock lock(&mu_);
    const bool denied = std::any_of(deny_.begin(), deny_.end(), [&](const DenyRule& rule) {
      return (rule.verb == "*" || rule.verb == verb) && rule.group == type->group &&
             rule.resource == resource &&
             (rule.namespace_name.empty() || rule.namespace_name == route.namespace_name);
    });
    if (!denied) return std::nullopt;
  }
  // responsewriters.Forbidden: forbiddenMessage(attributes) inside NewForbidden's message.
  const std::string scope = route.namespace_name.empty()
                                ? "at the cluster scope"
                                : absl::StrCat("in the namespace ", GoQuote(route.namespace_name));
  const std::string why =
      absl::StrCat("User ", GoQuote(options_.user), " cannot ", verb, " resource ",
                   GoQuote(resource), " in API group ", GoQuote(type->group), " ", scope);
  const std::string subject = route.name.empty()
                                  ? type->Qualified()
                                  : absl::StrCat(type->Qualified(), " ", GoQuote(route.name));
  return StatusReply(403, "Forbidden", absl::StrCat(subject, " is forbidden: ", why),
                     Details(type, route.name));
}

Reply FakeKubeApi::Impl::Dispatch(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("Authorization") != "Bearer " + options_.token) {
    return StatusReply(401, "Unauthorized", "Unauthorized");
  }
  if (std::optional<Reply> failure = TakeInjectedFailure(req.path)) return *failure;
  const std::optional<Route> route = ParseRoute(req.path);
  if (!route) return NoSuchPath();
  const ResourceType* type = route->type;

  std::string verb;
  const bool named = !route->name.empty();
  if (req.method == "GET" || req.method == "HEAD") {
    bool watch = false;
    if (req.has_param("watch")) {
      const std::optional<bool> value = ParseGoBool(req.get_param_value("watch"));
      if (!value) return BadRequest("watch: invalid boolean value");
      watch = *value;
    }
    verb = named ? "get" : watch ? "watch" : "list";
  } else if (req.method == "POST" && !named) {
    verb = "create";
  } else if (req.method == "PUT" && named) {
    verb = "update";
  } else if (req.method == "PATCH" && named) {
    verb = "patch";
  } else if (req.method == "DELETE" && named) {
    verb = "delete";
  } else {
    return StatusReply(405, "MethodNotAllowed",
                       "the server does not allow this method on the requested resource",
                       ordered_json::object());
  }
  if (!route->subresource.empty() &&
      (!route->scale() || !type->workload || verb == "delete" || verb == "create")) {
    return NoSuchPath();
  }
  if (std::optional<Reply> denied = CheckDenied(verb, *route)) return *denied;
  if (type->metrics && verb != "get" && verb != "list") return MethodNotSupported(type, verb);

  if (verb == "get") {
    MutexLock lock(&mu_);
    auto it = objects_.find(route->key());
    if (it == objects_.end()) return NotFound(type, route->name);
    return JsonReply(200, route->scale() ? ScaleOf(it->second) : it->second);
  }
  if (verb == "list") return ListObjects(*route, req);
  if (verb == "watch") return StartWatch(*route, req, res);
  if (verb == "create") return Create(*route, req.body);
  if (verb == "update") return Update(*route, req.body);
  if (verb == "patch") return Patch(*route, req.get_header_value("Content-Type"), req.body);
  return Delete(*route, req.body);
}

namespace {

// A field other than the server's field set for the kind is refused as kube-apiserver
// refuses it.
absl::StatusOr<Selectors> ParseSelectors(const ResourceType* type, const httplib::Request& req) {
  Selectors s;
  const std::string label_text = req.get_param_value("labelSelector");
  const std::string field_text = req.get_param_value("fieldSelector");
  if (label_text.size() > 4096 || field_text.size() > 4096) {
    return absl::InvalidArgumentError("selector too long");
  }
  absl::StatusOr<LabelSelector> labels = ParseLabelSelector(label_text);
  if (!labels.ok()) return labels.status();
  absl::StatusOr<FieldSelector> fields = ParseFieldSelector(field_text);
  if (!fields.ok()) return fields.status();
  for (const FieldRequirement& r : *fields) {
    const bool pod_field = std::string(type->resource) == "pods" && !type->metrics &&
                           (r.field == "spec.nodeName" || r.field == "status.phase" ||
                            r.field == "spec.schedulerName" || r.field == "status.podIP" ||
                            r.field == "spec.serviceAccountName");
    if (r.field != "metadata.name" && r.field != "metadata.namespace" && !pod_field) {
      return absl::InvalidArgumentError(absl::StrCat("field label not supported: ", r.field));
    }
  }
  s.labels = std::move(*labels);
  s.fields = std::move(*fields);
  return s;
}

bool Sees(const Selectors& s, const std::string& namespace_name, const json& object) {
  if (object.is_null()) return false;
  if (!namespace_name.empty() && MetaString(object, "namespace") != namespace_name) return false;
  const json meta = object.value("metadata", json::object());
  return LabelsMatch(s.labels, meta.value("labels", json())) && FieldsMatch(s.fields, object);
}

}  // namespace

Reply FakeKubeApi::Impl::ListObjects(const Route& route, const httplib::Request& req) {
  absl::StatusOr<Selectors> selectors = ParseSelectors(route.type, req);
  if (!selectors.ok()) return BadRequest(selectors.status().message());
  const ResourceType* type = route.type;
  int64_t limit = 0;  // 0: every item; metrics-server does not page
  if (!type->metrics && req.has_param("limit") && !req.get_param_value("limit").empty() &&
      (!absl::SimpleAtoi(req.get_param_value("limit"), &limit) || limit < 0)) {
    return BadRequest(
        absl::StrCat("limit: Invalid value: ", GoQuote(req.get_param_value("limit"))));
  }
  MutexLock lock(&mu_);
  // Keys sort by type, namespace, name: a namespaced list reads only its namespace's range,
  // and a page goes on after the key its token names.
  const std::string& ns = route.namespace_name;
  auto it = objects_.lower_bound(Key{type, ns, ""});
  int64_t list_version = resource_version_;
  if (const std::string token = req.get_param_value("continue"); !token.empty()) {
    absl::StatusOr<ContinueFrom> from = ParseContinue(token);
    if (!from.ok()) return BadRequest(from.status().message());
    list_version = from->resource_version;
    it = objects_.upper_bound(Key{type, from->namespace_name, from->name});
  }
  std::string body = absl::StrCat("{\"kind\":\"", type->kind, "List\",\"apiVersion\":\"",
                                  type->ApiVersion(), "\",\"metadata\":{");
  // metrics-server's lists carry no resourceVersion: they are not read from etcd.
  if (!type->metrics) absl::StrAppend(&body, "\"resourceVersion\":\"", list_version, "\"");
  std::string items;
  int64_t count = 0;
  // Taken here, under mu_: the thread-safety analysis does not see into the lambda.
  const auto end = objects_.end();
  const auto in_range = [&](auto i) {
    return i != end && std::get<0>(i->first) == type && (ns.empty() || std::get<1>(i->first) == ns);
  };
  for (; in_range(it); ++it) {
    if (!Sees(*selectors, ns, it->second)) continue;
    if (limit > 0 && count == limit) break;
    // Items of a typed list carry no kind or apiVersion.
    json item = it->second;
    item.erase("kind");
    item.erase("apiVersion");
    absl::StrAppend(&items, count == 0 ? "" : ",", item.dump());
    ++count;
  }
  // More may follow when the page is full and the range goes on (the API server, too, may
  // hand out a token whose page comes back empty).
  if (limit > 0 && count == limit && in_range(it)) {
    const auto& last = std::prev(it)->first;
    absl::StrAppend(&body, type->metrics ? "" : ",", "\"continue\":\"",
                    ContinueToken(list_version, std::get<1>(last), std::get<2>(last)), "\"");
  }
  absl::StrAppend(&body, "},\"items\":[", items, "]}");
  return Reply{200, std::move(body)};
}

void FakeKubeApi::Impl::Enqueue(Watcher& watcher, const HistoryEntry& entry) {
  if (entry.type != watcher.type || watcher.closed) return;
  const bool saw = Sees(watcher.selectors, watcher.namespace_name, entry.old_object);
  const bool sees = Sees(watcher.selectors, watcher.namespace_name, entry.new_object);
  if (sees) {
    watcher.lines.push_back(EventLine(saw ? "MODIFIED" : "ADDED", entry.new_object));
  } else if (saw) {
    // The cache watcher's rule: the object as it was, at the event's resourceVersion.
    json gone = entry.old_object;
    gone["metadata"]["resourceVersion"] = absl::StrCat(entry.resource_version);
    watcher.lines.push_back(EventLine("DELETED", gone));
  }
  if (sees || saw) watcher.news.SignalAll();
}

Reply FakeKubeApi::Impl::StartWatch(const Route& route, const httplib::Request& req,
                                    httplib::Response& res) {
  absl::StatusOr<Selectors> selectors = ParseSelectors(route.type, req);
  if (!selectors.ok()) return BadRequest(selectors.status().message());
  auto watcher = std::make_shared<Watcher>();
  watcher->type = route.type;
  watcher->namespace_name = route.namespace_name;
  watcher->selectors = std::move(*selectors);
  if (req.has_param("allowWatchBookmarks")) {
    const std::optional<bool> value = ParseGoBool(req.get_param_value("allowWatchBookmarks"));
    if (!value) return BadRequest("allowWatchBookmarks: invalid boolean value");
    watcher->bookmarks = *value;
  }
  int64_t timeout_seconds = 24 * 3600;
  if (req.has_param("timeoutSeconds") &&
      (!absl::SimpleAtoi(req.get_param_value("timeoutSeconds"), &timeout_seconds) ||
       timeout_seconds < 0)) {
    return BadRequest("timeoutSeconds: invalid value");
  }
  watcher->deadline = CondVar::After(absl::Seconds(std::min<int64_t>(timeout_seconds, 24 * 3600)));
  const std::string rv_text = req.get_param_value("resourceVersion");
  int64_t from = 0;
  if (!rv_text.empty() && !absl::SimpleAtoi(rv_text, &from)) {
    return BadRequest(
        absl::StrCat("resourceVersion: Invalid value: ", GoQuote(rv_text.substr(0, 64))));
  }

  int64_t id;
  {
    MutexLock lock(&mu_);
    if (from == 0) {
      // No resourceVersion (or "0"): the current state as synthetic ADDED events first.
      for (auto it = objects_.lower_bound(Key{route.type, "", ""});
           it != objects_.end() && std::get<0>(it->first) == route.type; ++it) {
        if (Sees(watcher->selectors, route.namespace_name, it->second)) {
          watcher->lines.push_back(EventLine("ADDED", it->second));
        }
      }
    } else if (from < compacted_) {
      // The watch cache's answer to a resourceVersion older than its window: one ERROR event
      // holding a 410 Expired Status, then the end of the stream.
      const ordered_json status = {
          {"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", ordered_json::object()},
          {"status", "Failure"},
          {"message", absl::StrCat("too old resource version: ", from, " (", compacted_, ")")},
          {"reason", "Expired"},
          {"code", 410}};
      watcher->lines.push_back(
          absl::StrCat("{\"type\":\"ERROR\",\"object\":", status.dump(), "}\n"));
      watcher->closed = true;
    } else {
      for (const HistoryEntry& entry : history_) {
        if (entry.resource_version > from) Enqueue(*watcher, entry);
      }
    }
    id = next_watch_id_++;
    watchers_[id] = watcher;
    changed_.SignalAll();
  }
  res.status = 200;
  res.set_chunked_content_provider(
      "application/json",
      [this, watcher](size_t, httplib::DataSink& sink) { return PumpWatch(*watcher, sink); },
      [this, id](bool) {
        MutexLock lock(&mu_);
        watchers_.erase(id);
        changed_.SignalAll();
      });
  Reply reply;
  reply.streaming = true;
  return reply;
}

bool FakeKubeApi::Impl::PumpWatch(Watcher& watcher, httplib::DataSink& sink) {
  std::deque<std::string> lines;
  bool end = false;
  {
    MutexLock lock(&mu_);
    if (!watcher.started) {
      watcher.started = true;
      changed_.SignalAll();
    }
    bool timed_out = false;
    while ((watcher.lines.empty() || holding_) && !watcher.closed && !stopping_ && !timed_out) {
      timed_out = watcher.news.WaitUntil(&mu_, watcher.deadline);
    }
    lines.swap(watcher.lines);
    end = watcher.closed || stopping_ || timed_out;
    if (end) {
      watcher.ended = true;
      changed_.SignalAll();
    }
  }
  for (const std::string& line : lines) {
    if (!sink.write(line.data(), line.size())) return false;
  }
  if (end) sink.done();
  return true;
}

std::string FakeKubeApi::Impl::NewUid() {
  return absl::StrFormat("6c1f0000-0000-4000-8000-%012x", ++uid_counter_);
}

json FakeKubeApi::Impl::Commit(const Key& key, json object) {
  auto it = objects_.find(key);
  HistoryEntry entry{++resource_version_, std::get<0>(key),
                     it == objects_.end() ? json() : it->second, json()};
  if (object.is_null()) {
    if (it != objects_.end()) objects_.erase(it);
  } else {
    object["metadata"]["resourceVersion"] = absl::StrCat(resource_version_);
    objects_[key] = object;
    entry.new_object = object;
  }
  for (auto& [id, watcher] : watchers_) Enqueue(*watcher, entry);
  history_.push_back(std::move(entry));
  while (history_.size() > options_.max_history) {
    compacted_ = history_.front().resource_version;
    history_.pop_front();
  }
  changed_.SignalAll();
  return object;
}

json FakeKubeApi::Impl::Put(json object) {
  const ResourceType* type = TypeOfObject(object);
  const std::string name = MetaString(object, "name");
  const std::string namespace_name = MetaString(object, "namespace");
  if (type == nullptr || name.empty() || namespace_name.empty()) {
    ADD_FAILURE() << "FakeKubeApi::Put needs a served apiVersion/kind, metadata.name and "
                     "metadata.namespace: "
                  << object.dump().substr(0, 300);
    return json();
  }
  const Key key{type, namespace_name, name};
  MutexLock lock(&mu_);
  auto it = objects_.find(key);
  json& meta = object["metadata"];
  if (it != objects_.end()) {
    const json& old_meta = it->second["metadata"];
    for (const char* field : {"uid", "creationTimestamp"}) {
      if (old_meta.contains(field)) meta[field] = old_meta[field];
    }
  }
  if (!meta.contains("creationTimestamp")) meta["creationTimestamp"] = Now();
  if (type->metrics) {
    objects_[key] = object;
    return object;
  }
  if (!meta.contains("uid")) meta["uid"] = NewUid();
  if (type->workload) {
    if (!object["spec"].contains("replicas")) object["spec"]["replicas"] = 1;
    const bool spec_changed =
        it != objects_.end() && it->second.value("spec", json()) != object.value("spec", json());
    meta["generation"] =
        it == objects_.end()
            ? int64_t{1}
            : it->second["metadata"].value("generation", int64_t{1}) + (spec_changed ? 1 : 0);
  }
  return Commit(key, std::move(object));
}

bool FakeKubeApi::Impl::Remove(const std::string& path) {
  const std::optional<Route> route = ParseRoute(path);
  if (!route || route->name.empty()) return false;
  MutexLock lock(&mu_);
  auto it = objects_.find(route->key());
  if (it == objects_.end()) return false;
  if (route->type->metrics) {
    objects_.erase(it);
  } else {
    Commit(route->key(), json());
  }
  return true;
}

std::optional<json> FakeKubeApi::Impl::Get(const std::string& path) const {
  const std::optional<Route> route = ParseRoute(path);
  if (!route || route->name.empty()) return std::nullopt;
  MutexLock lock(&mu_);
  auto it = objects_.find(route->key());
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

int64_t FakeKubeApi::Impl::ResourceVersion() const {
  MutexLock lock(&mu_);
  return resource_version_;
}

namespace {

// The request body as JSON within the options' bounds; a BadRequest reply otherwise.
absl::StatusOr<json> ParseBody(const std::string& body, const FakeKubeApiOptions& options) {
  return ParseBoundedJson(body, JsonLimits{options.max_body_bytes, options.max_body_depth},
                          "request body");
}

}  // namespace

Reply FakeKubeApi::Impl::Create(const Route& route, const std::string& body) {
  const ResourceType* type = route.type;
  absl::StatusOr<json> parsed = ParseBody(body, options_);
  if (!parsed.ok()) return BadRequest(parsed.status().message());
  json object = std::move(*parsed);
  if (!object.is_object()) return BadRequest("the request body is not a JSON object");
  if (std::optional<Reply> wrong = CheckKind(object, type->ApiVersion(), type->kind)) return *wrong;
  if (route.namespace_name.empty()) return MethodNotSupported(type, "create");
  if (!object["metadata"].is_object()) object["metadata"] = json::object();
  json& meta = object["metadata"];
  const std::string object_namespace = MetaString(object, "namespace");
  if (!object_namespace.empty() && object_namespace != route.namespace_name) {
    return BadRequest(
        "the namespace of the provided object does not match the namespace sent on the request");
  }
  if (!MetaString(object, "resourceVersion").empty()) {
    return BadRequest("resourceVersion should not be set on objects to be created");
  }
  object["apiVersion"] = type->ApiVersion();
  object["kind"] = type->kind;
  meta["namespace"] = route.namespace_name;

  MutexLock lock(&mu_);
  std::string name = MetaString(object, "name");
  const std::string generate_name = MetaString(object, "generateName");
  if (name.empty() && !generate_name.empty()) {
    // names.SimpleNameGenerator: five characters from a consonant-and-digit alphabet.
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t n = static_cast<uint64_t>(uid_counter_ + 1) * 2654435761u;
    name = generate_name;
    for (int i = 0; i < 5; ++i, n /= 27) name += kAlphabet[n % 27];
    meta["name"] = name;
  }
  if (name.empty()) {
    // NewInvalid(qualifiedKind, name, field.ErrorList{field.Required(...)}).
    ordered_json details = ordered_json::object();
    if (*type->group != '\0') details["group"] = type->group;
    details["kind"] = type->kind;
    details["causes"] = {{{"reason", "FieldValueRequired"},
                          {"message", "Required value: name or generateName is required"},
                          {"field", "metadata.name"}}};
    return StatusReply(422, "Invalid",
                       absl::StrCat(type->QualifiedKind(),
                                    " \"\" is invalid: metadata.name: Required value: name or "
                                    "generateName is required"),
                       details);
  }
  const Key key{type, route.namespace_name, name};
  if (objects_.count(key) != 0) {
    return StatusReply(409, "AlreadyExists",
                       absl::StrCat(type->Qualified(), " ", GoQuote(name), " already exists"),
                       Details(type, name));
  }
  meta["uid"] = NewUid();
  meta["creationTimestamp"] = Now();
  if (type->workload) {
    meta["generation"] = 1;
    if (!object["spec"].contains("replicas")) object["spec"]["replicas"] = 1;
    object["status"] = json::object();  // PrepareForCreate
  }
  return JsonReply(201, Commit(key, std::move(object)));
}

Reply FakeKubeApi::Impl::Update(const Route& route, const std::string& body) {
  absl::StatusOr<json> parsed = ParseBody(body, options_);
  if (!parsed.ok()) return BadRequest(parsed.status().message());
  if (!parsed->is_object()) return BadRequest("the request body is not a JSON object");
  const bool scale = route.scale();
  if (std::optional<Reply> wrong =
          CheckKind(*parsed, scale ? "autoscaling/v1" : route.type->ApiVersion(),
                    scale ? "Scale" : route.type->kind)) {
    return *wrong;
  }
  if (std::optional<Reply> wrong = CheckName(*parsed, route.name, route.namespace_name)) {
    return *wrong;
  }
  MutexLock lock(&mu_);
  return Replace(route, std::move(*parsed));
}

Reply FakeKubeApi::Impl::Replace(const Route& route, json updated) {
  const ResourceType* type = route.type;
  const Key key = route.key();
  auto it = objects_.find(key);
  if (it == objects_.end()) return NotFound(type, route.name);
  const json& current = it->second;
  const std::string precondition = MetaString(updated, "resourceVersion");
  if (!precondition.empty() && precondition != MetaString(current, "resourceVersion")) {
    return Conflict(type, route.name, kModified);
  }
  if (route.scale()) {
    // The scale subresource changes spec.replicas of the workload and nothing else.
    json workload = current;
    workload["spec"]["replicas"] = updated.value("spec", json::object()).value("replicas", 0);
    updated = std::move(workload);
  }
  updated["apiVersion"] = type->ApiVersion();
  updated["kind"] = type->kind;
  updated["metadata"]["namespace"] = route.namespace_name;
  updated["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
  CarryOver(*type, current, updated);
  if (updated == current) {
    // A no-op update writes nothing: no new resourceVersion, no event (as etcd3's store).
    return JsonReply(200, route.scale() ? ScaleOf(current) : current);
  }
  const json stored = Commit(key, std::move(updated));
  return JsonReply(200, route.scale() ? ScaleOf(stored) : stored);
}

Reply FakeKubeApi::Impl::Patch(const Route& route, const std::string& content_type,
                               const std::string& body) {
  enum class Kind { kMerge, kJsonPatch } kind;
  if (IsJsonMediaType(content_type, "application/merge-patch+json") ||
      IsJsonMediaType(content_type, "application/strategic-merge-patch+json")) {
    kind = Kind::kMerge;
  } else if (IsJsonMediaType(content_type, "application/json-patch+json")) {
    kind = Kind::kJsonPatch;
  } else {
    return StatusReply(415, "UnsupportedMediaType",
                       absl::StrCat("the body of the request was in an unknown format - accepted "
                                    "media types include: application/json-patch+json, "
                                    "application/merge-patch+json, "
                                    "application/strategic-merge-patch+json"));
  }
  absl::StatusOr<json> parsed = ParseBody(body, options_);
  if (!parsed.ok()) return BadRequest(parsed.status().message());
  const json& patch = *parsed;
  if (kind == Kind::kMerge && !patch.is_object()) {
    return BadRequest("a merge patch must be a JSON object");
  }
  if (kind == Kind::kJsonPatch) {
    if (!patch.is_array()) return BadRequest("a JSON patch must be a JSON array of operations");
    if (patch.size() > 10000) {
      return StatusReply(413, "RequestEntityTooLarge",
                         absl::StrCat("Request entity too large: The allowed maximum operations "
                                      "in a JSON patch is 10000, got ",
                                      patch.size()));
    }
  }
  MutexLock lock(&mu_);
  auto it = objects_.find(route.key());
  if (it == objects_.end()) return NotFound(route.type, route.name);
  json patched = route.scale() ? ScaleOf(it->second) : it->second;
  if (kind == Kind::kMerge) {
    patched.merge_patch(patch);  // RFC 7396
  } else {
    try {
      patched = patched.patch(patch);  // RFC 6902; a failed "test" throws as well
    } catch (const json::exception&) {
      // jsonPatcher.applyJSPatch: NewGenericServerResponse(422, ...) without a cause.
      return StatusReply(422, "Invalid",
                         "the server rejected our request due to an error in our request",
                         ordered_json::object());
    }
  }
  if (!patched.is_object()) return BadRequest("the patched object is not a JSON object");
  if (std::optional<Reply> wrong = CheckName(patched, route.name, route.namespace_name)) {
    return *wrong;
  }
  return Replace(route, std::move(patched));
}

Reply FakeKubeApi::Impl::Delete(const Route& route, const std::string& body) {
  std::string precondition;
  if (!body.empty()) {
    absl::StatusOr<json> options = ParseBody(body, options_);
    if (!options.ok()) return BadRequest(options.status().message());
    if (options->is_object()) {
      const json preconditions = options->value("preconditions", json::object());
      if (preconditions.is_object()) precondition = preconditions.value("resourceVersion", "");
    }
  }
  const ResourceType* type = route.type;
  MutexLock lock(&mu_);
  auto it = objects_.find(route.key());
  if (it == objects_.end()) return NotFound(type, route.name);
  const json current = it->second;
  const std::string current_rv = MetaString(current, "resourceVersion");
  if (!precondition.empty() && precondition != current_rv) {
    return Conflict(type, route.name,
                    absl::StrCat("Precondition failed: ResourceVersion in precondition: ",
                                 precondition, ", ResourceVersion in object meta: ", current_rv));
  }
  Commit(route.key(), json());
  if (std::string(type->resource) == "pods") return JsonReply(200, current);
  ordered_json details = Details(type, route.name);
  details["uid"] = MetaString(current, "uid");
  const ordered_json status = {{"kind", "Status"},
                               {"apiVersion", "v1"},
                               {"metadata", ordered_json::object()},
                               {"status", "Success"},
                               {"details", details}};
  return Reply{200, status.dump()};
}

void FakeKubeApi::Impl::Deny(const std::string& verb, const std::string& group,
                             const std::string& resource, const std::string& namespace_name) {
  MutexLock lock(&mu_);
  deny_.push_back(DenyRule{verb, group, resource, namespace_name});
}

void FakeKubeApi::Impl::FailNext(const std::string& path_prefix, int count, int http_status) {
  MutexLock lock(&mu_);
  failures_.push_back(FailRule{path_prefix, count, http_status});
}

void FakeKubeApi::Impl::CompactHistory() {
  MutexLock lock(&mu_);
  history_.clear();
  compacted_ = resource_version_;
}

void FakeKubeApi::Impl::SendBookmarks() {
  MutexLock lock(&mu_);
  for (auto& [id, watcher] : watchers_) {
    if (!watcher->bookmarks || watcher->closed) continue;
    const json object = {{"kind", watcher->type->kind},
                         {"apiVersion", watcher->type->ApiVersion()},
                         {"metadata", {{"resourceVersion", absl::StrCat(resource_version_)}}}};
    watcher->lines.push_back(EventLine("BOOKMARK", object));
    watcher->news.SignalAll();
  }
  changed_.SignalAll();
}

void FakeKubeApi::Impl::HoldWatches(bool hold) {
  MutexLock lock(&mu_);
  holding_ = hold;
  for (auto& [id, watcher] : watchers_) watcher->news.SignalAll();
}

void FakeKubeApi::Impl::CloseWatches() {
  MutexLock lock(&mu_);
  for (auto& [id, watcher] : watchers_) {
    watcher->closed = true;
    watcher->news.SignalAll();
  }
  changed_.SignalAll();
}

int FakeKubeApi::Impl::StartedWatches() const {
  return static_cast<int>(std::count_if(watchers_.begin(), watchers_.end(), [](const auto& entry) {
    return entry.second->started && !entry.second->ended;
  }));
}

int FakeKubeApi::Impl::OpenWatchCount() const {
  MutexLock lock(&mu_);
  return StartedWatches();
}

bool FakeKubeApi::Impl::WaitForOpenWatches(int count, absl::Duration bound) {
  const CondVar::Deadline deadline = CondVar::After(bound);
  MutexLock lock(&mu_);
  while (StartedWatches() < count) {
    if (changed_.WaitUntil(&mu_, deadline)) break;
  }
  return StartedWatches() >= count;
}

std::vector<KubeApiRequest> FakeKubeApi::Impl::Requests() const {
  MutexLock lock(&mu_);
  return std::vector<KubeApiRequest>(requests_.begin(), requests_.end());
}

FakeKubeApi::FakeKubeApi(const std::string& cert_dir, FakeKubeApiOptions options)
    : impl_(std::make_unique<Impl>(cert_dir, std::move(options))) {}
FakeKubeApi::~FakeKubeApi() = default;

std::string FakeKubeApi::base_url() const { return impl_->base_url(); }
const std::string& FakeKubeApi::ca_file() const { return impl_->ca_file(); }
const std::string& FakeKubeApi::token() const { return impl_->token(); }
void FakeKubeApi::WriteKubeconfig(const std::string& path,
                                  const std::string& namespace_name) const {
  impl_->WriteKubeconfig(path, namespace_name);
}
json FakeKubeApi::Put(json object) { return impl_->Put(std::move(object)); }
bool FakeKubeApi::Remove(const std::string& path) { return impl_->Remove(path); }
std::optional<json> FakeKubeApi::Get(const std::string& path) const { return impl_->Get(path); }
int64_t FakeKubeApi::ResourceVersion() const { return impl_->ResourceVersion(); }
void FakeKubeApi::Deny(const std::string& verb, const std::string& group,
                       const std::string& resource, const std::string& namespace_name) {
  impl_->Deny(verb, group, resource, namespace_name);
}
void FakeKubeApi::FailNext(const std::string& path_prefix, int count, int http_status) {
  impl_->FailNext(path_prefix, count, http_status);
}
void FakeKubeApi::CompactHistory() { impl_->CompactHistory(); }
void FakeKubeApi::SendBookmarks() { impl_->SendBookmarks(); }
void FakeKubeApi::CloseWatches() { impl_->CloseWatches(); }

void FakeKubeApi::HoldWatches(bool hold) { impl_->HoldWatches(hold); }
int FakeKubeApi::OpenWatchCount() const { return impl_->OpenWatchCount(); }
bool FakeKubeApi::WaitForOpenWatches(int count, absl::Duration bound) {
  return impl_->WaitForOpenWatches(count, bound);
}
std::vector<KubeApiRequest> FakeKubeApi::Requests() const { return impl_->Requests(); }

}  // namespace limiar::testing
