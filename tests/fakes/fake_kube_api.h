// A fake Kubernetes API server for tests: HTTPS on 127.0.0.1 in the test process, speaking
// the real wire protocol (JSON over REST, watch streams, Status errors), so that a client
// under test cannot tell it from kube-apiserver for the calls Limiar makes: pods by
// list+watch, PodMetrics (metrics.k8s.io, as metrics-server serves them), Lease election,
// a ConfigMap, events.k8s.io/v1 Events and the scale subresource. Checked against the
// upstream Python client (tests/fakes/testdata/kube_client_check.py).
//
// Shapes follow apiserver and apimachinery: errors are metav1.Status bodies built as
// `pkg/api/errors/errors.go` builds them (NotFound, AlreadyExists, Conflict, Forbidden as
// the RBAC filter words it, Invalid, BadRequest, Expired, MethodNotAllowed); watches replay
// a bounded history after a resourceVersion as the watch cache does, and answer one that is
// older than the history with an ERROR event holding a 410 Expired Status; list items carry
// no kind/apiVersion, watch and get objects do. resourceVersion is one global counter (an
// etcd revision). See the .cc for what is simplified.
//
// Deterministic: nothing happens on a timer. Bookmarks are sent when a test calls
// SendBookmarks(), histories are compacted by CompactHistory(), watches end at their
// timeoutSeconds, on CloseWatches() or on destruction.
//
// Thread safety: every method may be called from any thread while the server runs.
#ifndef LIMIAR_TESTS_FAKES_FAKE_KUBE_API_H_
#define LIMIAR_TESTS_FAKES_FAKE_KUBE_API_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace limiar::testing {

// One request as the fake received it (every request, also those it refused).
struct KubeApiRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> params;  // query, percent-decoded; the last of a name wins
  std::string content_type;
  std::string body;
};

struct FakeKubeApiOptions {
  // Requests must carry "Authorization: Bearer <token>".
  std::string token = "limiar-test-token";
  // The user that Forbidden messages name.
  std::string user = "system:serviceaccount:limiar:limiar";
  // Watch events kept for watches that resume from a resourceVersion.
  size_t max_history = 1000;
  // kube-apiserver's limit on a request body (3 MiB), and a nesting bound for the parse.
  size_t max_body_bytes = 3 * 1024 * 1024;
  int max_body_depth = 64;
  // Requests kept for Requests(); older ones are dropped.
  size_t max_requests_kept = 10000;
  // Server threads: each open watch holds one, and so does each idle keep-alive connection.
  int threads = 64;
};

class FakeKubeApi {
 public:
  // Makes a CA and a server certificate for 127.0.0.1 in `cert_dir` (MakeTestCerts) and
  // serves HTTPS on an ephemeral port. Aborts the test binary if it cannot.
  explicit FakeKubeApi(const std::string& cert_dir, FakeKubeApiOptions options = {});
  // Ends every open watch, then stops the server and waits for its threads.
  ~FakeKubeApi();
  FakeKubeApi(const FakeKubeApi&) = delete;
  FakeKubeApi& operator=(const FakeKubeApi&) = delete;

  // "https://127.0.0.1:PORT".
  std::string base_url() const;
  // The CA (PEM file) that signed the server's certificate.
  const std::string& ca_file() const;
  const std::string& token() const;
  // Writes a kubeconfig (JSON, which is YAML) with one cluster (server URL and CA file),
  // one user (the token) and a current context with `namespace_name`.
  void WriteKubeconfig(const std::string& path, const std::string& namespace_name) const;

  // The REST path of `object` from its apiVersion, kind and metadata.namespace/name, e.g.
  // "/apis/apps/v1/namespaces/shop/deployments/web"; "" for a kind the fake does not serve.
  static std::string ObjectPath(const nlohmann::json& object);

  // Creates or replaces an object as a controller would (no preconditions): fills
  // metadata.resourceVersion, uid, creationTimestamp (and generation for apps/v1 kinds),
  // keeps uid and creationTimestamp of an object it replaces, and tells watches ADDED or
  // MODIFIED. Returns the stored object; null (and a test failure) for an unknown kind or
  // a missing name. PodMetrics get no resourceVersion and feed no watch, as metrics-server.
  nlohmann::json Put(nlohmann::json object);
  // Deletes the object at `path` (an ObjectPath); tells watches DELETED. False if absent.
  bool Remove(const std::string& path);
  std::optional<nlohmann::json> Get(const std::string& path) const;
  // The current resourceVersion (the last one handed out).
  int64_t ResourceVersion() const;

  // Refuses `verb` (get, list, watch, create, update, patch, delete; "*" for all) on
  // `resource` of API group `group` ("" for core) in `namespace_name` ("" for every
  // namespace) with 403 Forbidden, as RBAC would.
  void Deny(const std::string& verb, const std::string& group, const std::string& resource,
            const std::string& namespace_name);
  // The next `count` requests whose path starts with `path_prefix` get `http_status`
  // (429, 500, 503, ...) with a Status body, after authentication.
  void FailNext(const std::string& path_prefix, int count, int http_status);

  // Forgets the watch history: a watch from any older resourceVersion gets 410 Expired.
  void CompactHistory();
  // Sends a BOOKMARK at the current resourceVersion to every watch that allowed them.
  void SendBookmarks();
  // Ends every open watch stream now (after the events already queued).
  void CloseWatches();
  // While held, open watches queue their events and send none (a slow watch cache): a
  // client's read-your-writes is then seen to rest on more than the watch's speed.
  void HoldWatches(bool hold);
  // Watch streams open now: answered with their headers and not yet ended.
  int OpenWatchCount() const;
  // Waits up to `bound` until at least `count` watches are open; false if they were not.
  bool WaitForOpenWatches(int count, absl::Duration bound);

  std::vector<KubeApiRequest> Requests() const;

 private:
  class Impl;  // the server, its store and its watches (fake_kube_api.cc)
  std::unique_ptr<Impl> impl_;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_FAKES_FAKE_KUBE_API_H_
