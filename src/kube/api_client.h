// The one Kubernetes API client: plain HTTPS + JSON over the project's libcurl client, for
// the handful of calls Limiar makes (get, list, watch, create, update, patch, delete on
// pods, the scale subresource, leases, configmaps, events, PodMetrics).
//
//   list:  GET  {path}?labelSelector=..&limit=500[&continue=..]   pages until no continue
//   watch: GET  {path}?watch=1&resourceVersion=RV&allowWatchBookmarks=true&timeoutSeconds=T
//          -> one JSON object per line: {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR,
//                                        "object": {...}}
//
// Errors are the API server's `Status` objects turned into what to do: a 403 names the
// verb, resource and namespace to grant ("grant `list` on `pods` in namespace `shop`"), a
// 404 the missing object. Codes: 401 Unauthenticated, 403 PermissionDenied, 404 NotFound,
// 409 Aborted (a Conflict: someone else changed the object; read it again) or
// AlreadyExists, 410 OutOfRange (the resourceVersion has expired: list again), 422 and 400
// InvalidArgument, 429 ResourceExhausted and 5xx Unavailable (both retryable).
// Bodies are bounded (size and depth) before they are parsed; watch lines too.
#ifndef LIMIAR_KUBE_API_CLIENT_H_
#define LIMIAR_KUBE_API_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/http/http_client.h"
#include "src/common/mutex.h"
#include "src/kube/cluster_access.h"
#include "src/kube/token_file.h"

namespace limiar::kube {

// An object, or a collection of them, as the REST path and RBAC name it.
struct ResourceRef {
  std::string group;           // "" for the core group; "apps", "coordination.k8s.io"
  std::string version = "v1";  // "v1", "v1beta1"
  std::string resource;        // plural, lower case: "pods", "deployments"
  std::string namespace_name;  // "" for cluster-scoped objects or all namespaces
  std::string name;            // "" for the collection
  std::string subresource;     // "scale", "status", or ""

  // "/api/v1/namespaces/NS/pods/NAME" or "/apis/GROUP/VERSION/namespaces/NS/RESOURCE/...".
  std::string Path() const;
  // "pods", "deployments.apps", "deployments.apps/scale": as RBAC and kubectl name them.
  std::string GroupResource() const;
  // The same reference with `name` (and no subresource).
  ResourceRef Named(std::string object_name) const;
};

struct ListOptions {
  std::string label_selector;  // "app=web,tier!=db"
  std::string field_selector;  // "metadata.name=web-1"
  int64_t page_size = 500;     // the `limit` of each page
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // from the list (or the last event) this continues
  bool bookmarks = true;
  // The server ends the stream after this (timeoutSeconds); the client gives it a minute
  // more before it calls the connection dead.
  absl::Duration server_timeout = absl::Minutes(5);
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK
  nlohmann::json object;
};

enum class PatchType { kMerge, kStrategicMerge, kJson };

struct ApiClientOptions {
  absl::Duration timeout = absl::Seconds(10);  // per request (not per watch)
  // One answer (a list page, a watch line) may not be larger: a page of 500 pods with
  // managedFields is a few MB.
  size_t max_body_bytes = 32 << 20;
  int max_json_depth = 64;
  std::string user_agent_suffix;  // e.g. the instance id, for the API server's audit log
  // Requests other than watches in flight at once, each on a kept-alive connection of its
  // own (a watch always has its own): KubePoller's parallel polls need more than one.
  int connections = 4;
};

// A time as the API's MicroTime ("2026-12-06T10:00:00.123456Z": Lease and Event times).
std::string FormatMicroTime(absl::Time t);

// The Status a non-2xx answer stands for; `verb` ("list") and `ref` make the message.
absl::Status StatusFromAnswer(long http_status, const std::string& body, const std::string& verb,
                              const ResourceRef& ref);

class ApiClient {
 public:
  // Checks that the access is usable (a token file readable, a client key with its
  // certificate); does not call the server.
  static absl::StatusOr<std::unique_ptr<ApiClient>> Create(ClusterAccess access,
                                                           ApiClientOptions options = {});

  // Each blocks up to the timeout (Watch: until the stream ends). Thread-safe: up to
  // options.connections requests run at once, each on a kept-alive connection of the pool
  // (more wait for one); each Watch opens a connection of its own, so watches on other
  // threads do not hold up requests.
  absl::StatusOr<nlohmann::json> Get(const ResourceRef& ref);
  // Every page: {"kind": ..., "metadata": {"resourceVersion": RV of the first page},
  // "items": [...]}.
  absl::StatusOr<nlohmann::json> List(const ResourceRef& collection, const ListOptions& options);
  absl::StatusOr<nlohmann::json> Create(const ResourceRef& collection,
                                        const nlohmann::json& object);
  // PUT: a stale metadata.resourceVersion is Aborted (409 Conflict).
  absl::StatusOr<nlohmann::json> Update(const ResourceRef& ref, const nlohmann::json& object);
  absl::StatusOr<nlohmann::json> Patch(const ResourceRef& ref, const nlohmann::json& patch,
                                       PatchType type = PatchType::kMerge);
  absl::Status Delete(const ResourceRef& ref);

  // Streams the collection's events to `on_event` until it returns false, `keep_going`
  // returns false (asked about once a second), or the server ends the stream: OK in all
  // three. An ERROR event is returned as its Status (410 Expired: OutOfRange).
  absl::Status Watch(const ResourceRef& collection, const WatchOptions& options,
                     const std::function<bool(const WatchEvent&)>& on_event,
                     const std::function<bool()>& keep_going = nullptr);

  const ClusterAccess& access() const { return access_; }

 private:
  ApiClient(ClusterAccess access, ApiClientOptions options);

  http::HttpRequest Request(const std::string& method, const std::string& url) const;
  // Sends with the current credentials; after a 401 with a token file, reads the file
  // again and retries once if the token changed (tokens rotate).
  absl::StatusOr<http::HttpResponse> Send(http::HttpRequest request, http::HttpClient& client,
                                          const http::StreamConsumer* stream = nullptr);
  // The parsed 2xx body, or the Status a non-2xx answer stands for.
  absl::StatusOr<nlohmann::json> Answer(const absl::StatusOr<http::HttpResponse>& response,
                                        const std::string& verb, const ResourceRef& ref) const;
  absl::StatusOr<nlohmann::json> Call(const std::string& method, const std::string& url,
                                      const std::string& verb, const ResourceRef& ref,
                                      const std::string& body = "",
                                      const std::string& content_type = "");

  // A kept-alive connection that no other call is using, waiting for one if all are.
  http::HttpClient* AcquireConnection();
  void ReleaseConnection(http::HttpClient* connection);

  const ClusterAccess access_;
  const ApiClientOptions options_;
  std::optional<TokenFile> token_file_;
  std::vector<std::unique_ptr<http::HttpClient>> connections_;  // options_.connections
  Mutex pool_mu_;
  CondVar connection_freed_;
  std::vector<http::HttpClient*> idle_ ABSL_GUARDED_BY(pool_mu_);
  uint64_t next_ticket_ ABSL_GUARDED_BY(pool_mu_) = 0;  // handed to each caller in turn
  uint64_t now_serving_ ABSL_GUARDED_BY(pool_mu_) = 0;  // the ticket whose turn it is
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_API_CLIENT_H_
