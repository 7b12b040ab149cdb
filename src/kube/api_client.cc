#include "src/kube/api_client.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/bounded_json.h"
#include "src/common/excerpt.h"
#include "src/common/regular_file.h"

namespace limiar::kube {
namespace {

using json = nlohmann::json;

// The API server explains a failure in a v1 Status object; its `message` is the most useful
// line ("pods is forbidden: User ... cannot list resource ..."). Quoted short, never whole.
struct ServerStatus {
  std::string message;
  std::string reason;
};

ServerStatus ReadServerStatus(const json& doc) {
  ServerStatus s;
  if (!doc.is_object()) return s;
  if (doc.contains("message") && doc["message"].is_string()) {
    s.message = Excerpt(doc["message"].get_ref<const std::string&>(), 300);
  }
  if (doc.contains("reason") && doc["reason"].is_string()) {
    s.reason = Excerpt(doc["reason"].get_ref<const std::string&>(), 60);
  }
  return s;
}

ServerStatus ReadServerStatus(const std::string& body) {
  const absl::StatusOr<json> doc = ParseBoundedJson(body, {1 << 20, 32}, "status");
  // `kind` is read only as a string: value("kind", "") throws on any other type, and a
  // hostile or broken server may send one (a fuzzer found {"kind": {...}}).
  if (doc.ok() && doc->is_object() && doc->contains("kind") && (*doc)["kind"].is_string() &&
      (*doc)["kind"].get_ref<const std::string&>() == "Status") {
    return ReadServerStatus(*doc);
  }
  return {Excerpt(body, 300), ""};
}

std::string Where(const ResourceRef& ref) {
  return ref.namespace_name.empty() ? "cluster-wide"
                                    : absl::StrCat("in namespace ", ref.namespace_name);
}

std::string Object(const ResourceRef& ref) {
  return ref.name.empty() ? ref.GroupResource()
                          : absl::StrCat(ref.GroupResource(), " \"", ref.name, "\"");
}

absl::Status StatusFrom(long code, const ServerStatus& said, const std::string& verb,
                        const ResourceRef& ref) {
  const std::string what = absl::StrCat(verb, " ", Object(ref), " ", Where(ref));
  const std::string server_said =
      said.message.empty() ? "" : absl::StrCat("; the API server said: ", said.message);
  const std::string resource =
      ref.subresource.empty() ? ref.resource : absl::StrCat(ref.resource, "/", ref.subresource);
  switch (code) {
    case 401:
      return absl::UnauthenticatedError(absl::StrCat(
          what,
          ": the API server rejected Limiar's credentials (HTTP 401): check that the token or "
          "client certificate is current and issued for this cluster",
          server_said));
    case 403:
      return absl::PermissionDeniedError(absl::StrCat(
          what, " is forbidden (HTTP 403): grant `", verb, "` on `", resource, "` in `",
          ref.namespace_name.empty() ? "the cluster (a ClusterRole)" : ref.namespace_name,
          "` to Limiar's service account (rule: apiGroups [\"", ref.group, "\"], resources [\"",
          resource, "\"], verbs [\"", verb, "\"])", server_said));
    case 404:
      if (ref.name.empty()) {
        return absl::NotFoundError(absl::StrCat(
            what, ": the API server does not serve ", ref.GroupResource(), " (HTTP 404)",
            ref.group == "metrics.k8s.io" ? ": is metrics-server installed?" : "", server_said));
      }
      return absl::NotFoundError(absl::StrCat(Object(ref), " not found ", Where(ref),
                                              " (HTTP 404): check its name and namespace",
                                              server_said));
    case 409:
      if (said.reason == "AlreadyExists") {
        return absl::AlreadyExistsError(
            absl::StrCat(Object(ref), " already exists ", Where(ref), server_said));
      }
      return absl::AbortedError(
          absl::StrCat(what, " conflicted with another change (HTTP 409): read it again and retry",
                       server_said));
    case 410:
      return absl::OutOfRangeError(absl::StrCat(
          what, ": the resourceVersion has expired (HTTP 410 Gone): list again", server_said));
    default:
      return http::HttpStatusToStatus(code,
                                      absl::StrCat(what, " answered HTTP ", code, server_said));
  }
}

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : params) {
    if (!value.empty()) parts.push_back(absl::StrCat(name, "=", http::UrlEncode(value)));
  }
  return parts.empty() ? "" : absl::StrCat("?", absl::StrJoin(parts, "&"));
}

const char* ContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
  }
  return "application/merge-patch+json";
}

}  // namespace

std::string FormatMicroTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::string ResourceRef::Path() const {
  std::string path =
      group.empty() ? absl::StrCat("/api/", version) : absl::StrCat("/apis/", group, "/", version);
  if (!namespace_name.empty()) absl::StrAppend(&path, "/namespaces/", namespace_name);
  absl::StrAppend(&path, "/", resource);
  if (!name.empty()) absl::StrAppend(&path, "/", name);
  if (!subresource.empty()) absl::StrAppend(&path, "/", subresource);
  return path;
}

std::string ResourceRef::GroupResource() const {
  std::string out = group.empty() ? resource : absl::StrCat(resource, ".", group);
  if (!subresource.empty()) absl::StrAppend(&out, "/", subresource);
  return out;
}

ResourceRef ResourceRef::Named(std::string object_name) const {
  ResourceRef ref = *this;
  ref.name = std::move(object_name);
  ref.subresource.clear();
  return ref;
}

absl::Status StatusFromAnswer(long http_status, const std::string& body, const std::string& verb,
                              const ResourceRef& ref) {
  return StatusFrom(http_status, ReadServerStatus(body), verb, ref);
}

absl::StatusOr<std::unique_ptr<ApiClient>> ApiClient::Create(ClusterAccess access,
                                                             ApiClientOptions options) {
  if (access.server.empty()) return absl::InvalidArgumentError("kubernetes: no API server URL");
  auto client = std::unique_ptr<ApiClient>(new ApiClient(std::move(access), options));
  if (client->token_file_) {
    if (absl::StatusOr<std::string> token = client->token_file_->Get(); !token.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("kubernetes (", client->access_.description,
                                                        "): ", token.status().message()));
    }
  }
  for (const std::string* file : {&client->access_.ca_file, &client->access_.client_cert_file,
                                  &client->access_.client_key_file}) {
    if (file->empty()) continue;
    if (absl::StatusOr<std::string> text =
            ReadRegularFile(*file, kMaxCredentialFileBytes, "credential file");
        !text.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("kubernetes (", client->access_.description,
                                                        "): ", text.status().message()));
    }
  }
  return client;
}

ApiClient::ApiClient(ClusterAccess access, ApiClientOptions options)
    : access_(std::move(access)), options_(std::move(options)) {
  if (!access_.token_file.empty()) token_file_.emplace(access_.token_file);
  MutexLock lock(&pool_mu_);
  for (int i = 0; i < std::max(1, options_.connections); ++i) {
    connections_.push_back(std::make_unique<http::HttpClient>());
    idle_.push_back(connections_.back().get());
  }
}

http::HttpClient* ApiClient::AcquireConnection() {
  MutexLock lock(&pool_mu_);
  // First come, first served: a thread that releases a connection and asks again at once
  // must not starve one that waits (four pollers kept the pod informers' lists waiting
  // through a thousand /scale reads).
  const uint64_t ticket = next_ticket_++;
  while (idle_.empty() || ticket != now_serving_) connection_freed_.Wait(&pool_mu_);
  ++now_serving_;
  http::HttpClient* connection = idle_.back();
  idle_.pop_back();
  connection_freed_.SignalAll();  // the next ticket may find a connection too
  return connection;
}

void ApiClient::ReleaseConnection(http::HttpClient* connection) {
  MutexLock lock(&pool_mu_);
  idle_.push_back(connection);
  connection_freed_.SignalAll();
}

http::HttpRequest ApiClient::Request(const std::string& method, const std::string& url) const {
  http::HttpRequest request;
  request.method = method;
  request.url = url;
  request.timeout = options_.timeout;
  request.max_body_bytes = options_.max_body_bytes;
  request.ca_file = access_.ca_file;
  request.ca_pem = access_.ca_pem;
  request.client_cert_file = access_.client_cert_file;
  request.client_key_file = access_.client_key_file;
  request.client_cert_pem = access_.client_cert_pem;
  request.client_key_pem = access_.client_key_pem;
  request.bearer_token = access_.token;
  request.username = access_.username;
  request.password = access_.password;
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent",
                               options_.user_agent_suffix.empty()
                                   ? "limiar"
                                   : absl::StrCat("limiar/", options_.user_agent_suffix));
  return request;
}

absl::StatusOr<http::HttpResponse> ApiClient::Send(http::HttpRequest request,
                                                   http::HttpClient& client,
                                                   const http::StreamConsumer* stream) {
  for (int attempt = 0;; ++attempt) {
    std::string token;
    if (token_file_) {
      absl::StatusOr<std::string> read = token_file_->Get();
      if (!read.ok()) {
        return absl::FailedPreconditionError(absl::StrCat("kubernetes: ", read.status().message()));
      }
      token = *std::move(read);
      request.bearer_token = token;
    }
    absl::StatusOr<http::HttpResponse> response =
        stream != nullptr ? client.Stream(request, *stream) : client.Send(request);
    if (!response.ok() || response->status != 401 || !token_file_ || attempt > 0) return response;
    // The token may have rotated since the last stat; retry once if it did.
    token_file_->Invalidate();
    absl::StatusOr<std::string> fresh = token_file_->Get();
    if (!fresh.ok() || *fresh == token) return response;
  }
}

absl::StatusOr<json> ApiClient::Answer(const absl::StatusOr<http::HttpResponse>& response,
                                       const std::string& verb, const ResourceRef& ref) const {
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("kubernetes: ", verb, " ", Object(ref), " ", Where(ref), ": ",
                                     response.status().message()));
  }
  if (response->status < 200 || response->status >= 300) {
    absl::Status refused = StatusFromAnswer(response->status, response->body, verb, ref);
    if (response->status == 401 && token_file_) {
      // Which file the refused token came from is the first thing to check.
      return absl::Status(refused.code(), absl::StrCat(refused.message(), " (token from ",
                                                       token_file_->path(), ")"));
    }
    return refused;
  }
  absl::StatusOr<json> doc =
      ParseBoundedJson(response->body, {options_.max_body_bytes, options_.max_json_depth},
                       "the API server's answer");
  if (doc.ok() && !doc->is_object()) {
    doc = absl::InvalidArgumentError("the API server's answer is not a JSON object");
  }
  if (!doc.ok()) {
    return absl::InternalError(absl::StrCat("kubernetes: ", verb, " ", Object(ref), " ", Where(ref),
                                            ": ", doc.status().message()));
  }
  return doc;
}

absl::StatusOr<json> ApiClient::Call(const std::string& method, const std::string& url,
                                     const std::string& verb, const ResourceRef& ref,
                                     const std::string& body, const std::string& content_type) {
  http::HttpRequest request = Request(method, url);
  request.body = body;
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  http::HttpClient* connection = AcquireConnection();
  absl::StatusOr<http::HttpResponse> response = Send(std::move(request), *connection);
  ReleaseConnection(connection);
  return Answer(response, verb, ref);
}

absl::StatusOr<json> ApiClient::Get(const ResourceRef& ref) {
  return Call("GET", access_.server + ref.Path(), "get", ref);
}

absl::StatusOr<json> ApiClient::List(const ResourceRef& collection, const ListOptions& options) {
  json all;
  std::string continue_token;
  // Bounded: a server that hands out continue tokens forever is a broken server.
  for (int page = 0; page < 10'000; ++page) {
    const std::string url =
        absl::StrCat(access_.server, collection.Path(),
                     Query({{"labelSelector", options.label_selector},
                            {"fieldSelector", options.field_selector},
                            {"limit", options.page_size > 0 ? absl::StrCat(options.page_size) : ""},
                            {"continue", continue_token}}));
    absl::StatusOr<json> answer = Call("GET", url, "list", collection);
    if (!answer.ok()) return answer.status();
    json& items = (*answer)["items"];
    if (!items.is_array() && !items.is_null()) {
      return absl::InternalError(absl::StrCat("kubernetes: list ", Object(collection), " ",
                                              Where(collection), ": items is not a list"));
    }
    const json& meta = (*answer)["metadata"];
    continue_token = meta.is_object() && meta.contains("continue") && meta["continue"].is_string()
                         ? meta["continue"].get<std::string>()
                         : "";
    if (page == 0) {
      all = std::move(*answer);
      if (!all["items"].is_array()) all["items"] = json::array();
    } else if (items.is_array()) {
      for (json& item : items) all["items"].push_back(std::move(item));
    }
    if (continue_token.empty()) {
      if (all["metadata"].is_object()) all["metadata"].erase("continue");
      return all;
    }
  }
  return absl::InternalError(
      absl::StrCat("kubernetes: list ", Object(collection), ": more than 10000 pages"));
}

absl::StatusOr<json> ApiClient::Create(const ResourceRef& collection, const json& object) {
  return Call("POST", access_.server + collection.Path(), "create", collection, object.dump(),
              "application/json");
}

absl::StatusOr<json> ApiClient::Update(const ResourceRef& ref, const json& object) {
  return Call("PUT", access_.server + ref.Path(), "update", ref, object.dump(), "application/json");
}

absl::StatusOr<json> ApiClient::Patch(const ResourceRef& ref, const json& patch, PatchType type) {
  return Call("PATCH", access_.server + ref.Path(), "patch", ref, patch.dump(), ContentType(type));
}

absl::Status ApiClient::Delete(const ResourceRef& ref) {
  return Call("DELETE", access_.server + ref.Path(), "delete", ref).status();
}

absl::Status ApiClient::Watch(const ResourceRef& collection, const WatchOptions& options,
                              const std::function<bool(const WatchEvent&)>& on_event,
                              const std::function<bool()>& keep_going) {
  const int64_t timeout_s = std::max<int64_t>(1, absl::ToInt64Seconds(options.server_timeout));
  const std::string url =
      absl::StrCat(access_.server, collection.Path(),
                   Query({{"watch", "1"},
                          {"resourceVersion", options.resource_version},
                          {"allowWatchBookmarks", options.bookmarks ? "true" : ""},
                          {"labelSelector", options.label_selector},
                          {"fieldSelector", options.field_selector},
                          {"timeoutSeconds", absl::StrCat(timeout_s)}}));
  http::HttpRequest request = Request("GET", url);
  request.timeout = absl::Seconds(timeout_s) + absl::Minutes(1);

  std::string pending;  // the part of a line not yet ended
  absl::Status event_status;
  // One line, one event.
  const auto handle_line = [&](absl::string_view line) {
    absl::StatusOr<json> doc =
        ParseBoundedJson(line, {options_.max_body_bytes, options_.max_json_depth}, "a watch event");
    if (!doc.ok() || !doc->is_object() || !doc->contains("type") || !(*doc)["type"].is_string() ||
        !doc->contains("object") || !(*doc)["object"].is_object()) {
      event_status = absl::InternalError(absl::StrCat(
          "kubernetes: watch ", Object(collection), " ", Where(collection),
          ": not a watch event: ", doc.ok() ? Excerpt(line, 120) : doc.status().message()));
      return false;
    }
    WatchEvent event{(*doc)["type"].get<std::string>(), std::move((*doc)["object"])};
    if (event.type == "ERROR") {
      // A code that is not a whole number of HTTP's range is no code: 500, as for none.
      const auto given = event.object.find("code");
      const long code = given != event.object.end() && given->is_number_integer() &&
                                given->get<int64_t>() >= 100 && given->get<int64_t>() <= 599
                            ? static_cast<long>(given->get<int64_t>())
                            : 500L;
      event_status = StatusFrom(code, ReadServerStatus(event.object), "watch", collection);
      return false;
    }
    return on_event(event);
  };
  http::StreamConsumer consumer;
  consumer.on_data = [&](absl::string_view piece) {
    pending.append(piece.data(), piece.size());
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      const absl::string_view line = absl::string_view(pending).substr(start, nl - start);
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      if (!handle_line(line)) return false;
    }
    pending.erase(0, start);
    if (pending.size() > options_.max_body_bytes) {
      event_status = absl::ResourceExhaustedError(
          absl::StrCat("kubernetes: watch ", Object(collection), " ", Where(collection),
                       ": an event larger than ", options_.max_body_bytes, " bytes"));
      return false;
    }
    return true;
  };
  bool told_to_stop = false;  // possibly before the answer's headers came
  if (keep_going) {
    consumer.keep_going = [&] { return !(told_to_stop = !keep_going()); };
  }
  http::HttpClient own_connection;
  const absl::StatusOr<http::HttpResponse> response =
      Send(std::move(request), own_connection, &consumer);
  if (!event_status.ok()) return event_status;
  if (told_to_stop) return absl::OkStatus();
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("kubernetes: watch ", Object(collection), " ",
                                     Where(collection), ": ", response.status().message()));
  }
  if (response->status < 200 || response->status >= 300) {
    return StatusFromAnswer(response->status, response->body, "watch", collection);
  }
  return absl::OkStatus();
}

}  // namespace limiar::kube
