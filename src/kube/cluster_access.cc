#include "src/kube/cluster_access.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "src/common/config/diagnostics.h"
#include "src/common/config/field_reader.h"
#include "src/common/config/json_path.h"
#include "src/common/config/known_keys.h"
#include "src/common/config/yaml_text.h"
#include "src/common/regular_file.h"
#include "src/kube/token_file.h"

namespace limiar::kube {
namespace {

using config::Child;
using config::Diagnostics;
using config::FieldReader;
using config::Index;
using json = nlohmann::json;

// kubeconfigs hold certificates inline; a megabyte is dozens of them.
constexpr size_t kMaxKubeconfigBytes = 1 << 20;
constexpr JsonLimits kKubeconfigLimits = {kMaxKubeconfigBytes, 32};
// The kubeconfig belongs to kubectl, whose keys Limiar does not all read: only a key
// within this many edits of one it reads is reported (a typo that would be ignored).
constexpr int kNearMiss = 2;

// The element of the list `list_key` (clusters, users, contexts) whose name is `name`, and
// its path; null after reporting that there is none.
const json* FindNamed(const json& doc, const std::string& list_key, const std::string& name,
                      const std::string& why, std::string* path, Diagnostics& diag) {
  std::vector<std::string> names;
  const json* list = doc.is_object() && doc.contains(list_key) ? &doc[list_key] : nullptr;
  if (list != nullptr && list->is_array()) {
    for (size_t i = 0; i < list->size(); ++i) {
      const json& entry = (*list)[i];
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) continue;
      if (entry["name"] == name) {
        *path = Index(list_key, i);
        return &entry;
      }
      names.push_back(entry["name"].get<std::string>());
    }
  }
  diag.Error(list_key, absl::StrCat("no entry named \"", name, "\" (", why, ")"),
             names.empty() ? absl::StrCat("add one to ", list_key)
                           : absl::StrCat("pick one of: ", absl::StrJoin(names, ", ")));
  return nullptr;
}

// A path from the kubeconfig: relative ones are relative to its folder, as clientcmd does.
std::string Resolve(const std::string& kubeconfig, const std::string& file) {
  if (file.empty() || std::filesystem::path(file).is_absolute()) return file;
  return (std::filesystem::path(kubeconfig).parent_path() / file).lexically_normal().string();
}

// A *-data field: base64 of PEM text.
void ReadData(const FieldReader& r, const std::string& key, std::string* pem) {
  std::string encoded;
  if (!r.NonEmptyString(key, &encoded)) return;
  encoded.erase(
      std::remove_if(encoded.begin(), encoded.end(), [](char c) { return absl::ascii_isspace(c); }),
      encoded.end());
  if (!absl::Base64Unescape(encoded, pem) || pem->empty()) {
    r.Error(key, "is not base64; paste the output of `base64 -w0 FILE`");
  }
}

// A key Limiar cannot honour: reported with what to do instead.
void Refuse(const FieldReader& r, const std::string& key, const std::string& todo) {
  if (!r.Has(key)) return;
  const json* v = r.Find(key);
  if (v->is_null() || (v->is_boolean() && !v->get<bool>()) ||
      (v->is_string() && v->get<std::string>().empty())) {
    return;  // written out but off
  }
  r.Error(key, absl::StrCat("is not supported by Limiar; ", todo));
}

void ReadCluster(const json& cluster, const std::string& path, const std::string& kubeconfig,
                 ClusterAccess* access, Diagnostics& diag) {
  static const config::KnownKeys* const known = new config::KnownKeys{
      .keys = {"server", "certificate-authority", "certificate-authority-data",
               "insecure-skip-tls-verify", "tls-server-name", "proxy-url", "disable-compression",
               "extensions"}};
  FieldReader r(cluster, path, diag);
  config::RejectNearMisses(cluster, path, *known, kNearMiss, diag);
  if (r.NonEmptyString("server", &access->server, FieldReader::Need::kRequired)) {
    if (!absl::StartsWith(access->server, "https://") &&
        !absl::StartsWith(access->server, "http://")) {
      r.Error("server", "must be an https:// URL (e.g. https://10.0.0.1:6443)");
    }
    while (absl::EndsWith(access->server, "/")) access->server.pop_back();
  }
  std::string ca_file;
  r.NonEmptyString("certificate-authority", &ca_file);
  access->ca_file = Resolve(kubeconfig, ca_file);
  ReadData(r, "certificate-authority-data", &access->ca_pem);
  Refuse(r, "insecure-skip-tls-verify",
         "Limiar always verifies the API server: give certificate-authority-data");
  Refuse(r, "tls-server-name", "use a server URL whose host the certificate names");
  Refuse(r, "proxy-url", "reach the API server directly");
}

void ReadUser(const json& user, const std::string& path, const std::string& kubeconfig,
              ClusterAccess* access, Diagnostics& diag) {
  static const config::KnownKeys* const known = new config::KnownKeys{
      .keys = {"token", "tokenFile", "client-certificate", "client-certificate-data", "client-key",
               "client-key-data", "username", "password", "exec", "auth-provider", "as", "as-uid",
               "as-groups", "as-user-extra", "extensions"}};
  FieldReader r(user, path, diag);
  config::RejectNearMisses(user, path, *known, kNearMiss, diag);
  const std::string make_token =
      "give a service-account token instead (token, or tokenFile; e.g. from `kubectl create "
      "token SERVICE_ACCOUNT`)";
  Refuse(r, "exec", "credential plugins do not run inside Limiar; " + make_token);
  Refuse(r, "auth-provider", "credential plugins do not run inside Limiar; " + make_token);
  for (const char* key : {"as", "as-uid", "as-groups", "as-user-extra"}) {
    Refuse(r, key, "give the credentials of the identity to act as");
  }
  r.NonEmptyString("token", &access->token);
  std::string file;
  if (r.NonEmptyString("tokenFile", &file)) access->token_file = Resolve(kubeconfig, file);
  if (r.NonEmptyString("client-certificate", &file)) {
    access->client_cert_file = Resolve(kubeconfig, file);
  }
  if (r.NonEmptyString("client-key", &file)) access->client_key_file = Resolve(kubeconfig, file);
  ReadData(r, "client-certificate-data", &access->client_cert_pem);
  ReadData(r, "client-key-data", &access->client_key_pem);
  r.NonEmptyString("username", &access->username);
  r.String("password", &access->password);

  const bool token = !access->token.empty() || !access->token_file.empty();
  const bool cert = !access->client_cert_file.empty() || !access->client_cert_pem.empty();
  const bool key = !access->client_key_file.empty() || !access->client_key_pem.empty();
  const bool basic = !access->username.empty();
  if (cert != key) {
    r.Error(cert ? "client-key" : "client-certificate",
            "required with the other: a client certificate needs its key");
  }
  if (static_cast<int>(token) + static_cast<int>(cert || key) + static_cast<int>(basic) > 1) {
    diag.Error(path, "more than one way to authenticate (token, client certificate, basic auth)",
               "keep one");
  }
}

}  // namespace

absl::StatusOr<std::string> InClusterApiServer(const char* host, const char* port) {
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    return absl::FailedPreconditionError(
        "not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (or "
        "give a kubeconfig)");
  }
  const std::string h = host;
  // An IPv6 address needs brackets in a URL (Go's net.JoinHostPort does the same).
  if (absl::StrContains(h, ':')) return absl::StrCat("https://[", h, "]:", port);
  return absl::StrCat("https://", h, ":", port);
}

absl::StatusOr<ClusterAccess> InClusterAccess(const EnvLookup& env,
                                              const std::string& account_dir) {
  ClusterAccess access;
  absl::StatusOr<std::string> server =
      InClusterApiServer(env("KUBERNETES_SERVICE_HOST"), env("KUBERNETES_SERVICE_PORT"));
  if (!server.ok()) return server.status();
  access.server = *std::move(server);
  access.token_file = account_dir + "/token";
  access.ca_file = account_dir + "/ca.crt";
  access.description = absl::StrCat("in-cluster service account (", account_dir, ")");
  // Both must be there now; the token is read again per request as it rotates.
  const absl::StatusOr<std::string> token = TokenFile(access.token_file).Get();
  if (!token.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("in-cluster: ", token.status().message(),
                     "; is a service account token mounted (automountServiceAccountToken)?"));
  }
  const absl::StatusOr<std::string> ca =
      ReadRegularFile(access.ca_file, kMaxCredentialFileBytes, "service account CA");
  if (!ca.ok())
    return absl::FailedPreconditionError(absl::StrCat("in-cluster: ", ca.status().message()));
  const absl::StatusOr<std::string> ns =
      ReadRegularFile(account_dir + "/namespace", kMaxCredentialFileBytes, "namespace file");
  if (ns.ok() && !absl::StripAsciiWhitespace(*ns).empty()) {
    access.namespace_name = std::string(absl::StripAsciiWhitespace(*ns));
  }
  return access;
}

absl::StatusOr<ClusterAccess> KubeconfigAccess(const std::string& path,
                                               const std::string& context) {
  absl::StatusOr<std::string> text = ReadRegularFile(path, kMaxKubeconfigBytes, "kubeconfig");
  if (!text.ok()) return text.status();
  Diagnostics diag(path);
  const std::optional<json> doc = config::ParseYaml(*text, kKubeconfigLimits, diag);
  if (!doc) return diag.ToStatus();
  const FieldReader top(*doc, "", diag, config::kMustBeNot,
                        "a kubeconfig (an object with clusters, users and contexts)");
  if (!top.ok()) return diag.ToStatus();

  std::string name = context;
  if (name.empty() && !top.NonEmptyString("current-context", &name)) {
    if (!diag.has_errors()) {
      diag.Error("current-context", "no context chosen",
                 "set one (kubectl config use-context NAME) or name the context in Limiar's "
                 "config");
    }
    return diag.ToStatus();
  }
  ClusterAccess access;
  access.description = absl::StrCat("kubeconfig ", path, ", context ", name);
  std::string context_path;
  const json* entry = FindNamed(*doc, "contexts", name,
                                context.empty() ? "the current-context" : "the context asked for",
                                &context_path, diag);
  if (entry == nullptr) return diag.ToStatus();
  const FieldReader outer(*entry, context_path, diag);
  const json* ctx = outer.Find("context");
  if (ctx == nullptr) {
    outer.Error("context", "required");
    return diag.ToStatus();
  }
  const std::string ctx_path = Child(context_path, "context");
  static const config::KnownKeys* const known_context =
      new config::KnownKeys{.keys = {"cluster", "user", "namespace", "extensions"}};
  config::RejectNearMisses(*ctx, ctx_path, *known_context, kNearMiss, diag);
  const FieldReader c(*ctx, ctx_path, diag);
  std::string cluster_name;
  std::string user_name;
  c.NonEmptyString("cluster", &cluster_name, FieldReader::Need::kRequired);
  c.NonEmptyString("user", &user_name);
  c.NonEmptyString("namespace", &access.namespace_name);

  if (!cluster_name.empty()) {
    std::string cluster_path;
    if (const json* cluster = FindNamed(*doc, "clusters", cluster_name,
                                        absl::StrCat(ctx_path, ".cluster"), &cluster_path, diag)) {
      const FieldReader outer_cluster(*cluster, cluster_path, diag);
      if (const json* body = outer_cluster.Find("cluster")) {
        ReadCluster(*body, Child(cluster_path, "cluster"), path, &access, diag);
      } else {
        outer_cluster.Error("cluster", "required");
      }
    }
  }
  if (!user_name.empty()) {
    std::string user_path;
    if (const json* user = FindNamed(*doc, "users", user_name, absl::StrCat(ctx_path, ".user"),
                                     &user_path, diag)) {
      const FieldReader outer_user(*user, user_path, diag);
      if (const json* body = outer_user.Find("user")) {
        ReadUser(*body, Child(user_path, "user"), path, &access, diag);
      }
    }
  }
  if (diag.has_errors()) return diag.ToStatus();
  return access;
}

absl::StatusOr<ClusterAccess> DefaultClusterAccess(const EnvLookup& env) {
  const char* kubeconfig = env("KUBECONFIG");
  if (kubeconfig != nullptr && *kubeconfig != '\0') {
    // kubectl merges a list; Limiar reads its first file.
    const std::vector<std::string> files = absl::StrSplit(kubeconfig, ':', absl::SkipEmpty());
    if (!files.empty()) return KubeconfigAccess(files.front());
  }
  const char* host = env("KUBERNETES_SERVICE_HOST");
  if (host != nullptr && *host != '\0') return InClusterAccess(env);
  const char* home = env("HOME");
  const std::string home_config =
      home != nullptr && *home != '\0' ? absl::StrCat(home, "/.kube/config") : "";
  if (!home_config.empty() && std::filesystem::exists(home_config)) {
    return KubeconfigAccess(home_config);
  }
  return absl::FailedPreconditionError(
      "no Kubernetes cluster to talk to: not in a pod (KUBERNETES_SERVICE_HOST is unset), no "
      "$KUBECONFIG and no ~/.kube/config; give a kubeconfig");
}

}  // namespace limiar::kube
