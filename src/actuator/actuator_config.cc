#include "src/actuator/actuator_config.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/actuator/command_template.h"
#include "src/common/config/field_reader.h"
#include "src/common/loopback.h"

namespace limiar::actuator {
namespace {

using config::FieldReader;
using Need = config::FieldReader::Need;

// Every duration of the section: seconds, more than 0 and at most a day.
constexpr config::Bounds kSeconds = {.min = 0,
                                     .min_exclusive = true,
                                     .max = 86400,
                                     .must_be = "a number of seconds, > 0 and <= 86400"};

// An unknown key of a section gets the nearest key, else the list of them.
config::KnownKeys Keys(std::vector<std::string> keys) {
  std::string otherwise = absl::StrCat("expected one of ", absl::StrJoin(keys, ", "));
  return {.keys = std::move(keys), .otherwise = std::move(otherwise)};
}

constexpr ActuatorKind kKinds[] = {ActuatorKind::kLog, ActuatorKind::kExec, ActuatorKind::kWebhook,
                                   ActuatorKind::kGrpc, ActuatorKind::kKubernetes};

bool IsHttpUrl(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    if (absl::StartsWith(url, scheme) && url.size() > std::string(scheme).size() &&
        url[std::string(scheme).size()] != '/' &&
        url.find_first_of(" \t\r\n") == std::string::npos) {
      return true;
    }
  }
  return false;
}

void ReadUrl(const FieldReader& f, const std::string& key, std::string* out, Need need) {
  if (f.String(key, out, need) && !IsHttpUrl(*out)) {
    f.Error(key, "must be an http:// or https:// URL");
  }
}

void ReadTemplate(const FieldReader& f, const std::string& key,
                  const std::vector<std::string>& names, std::string* out, Need need) {
  if (!f.String(key, out, need)) return;
  absl::StatusOr<CommandTemplate> parsed = CommandTemplate::Parse(*out, names);
  if (!parsed.ok()) f.Error(key, std::string(parsed.status().message()));
}

void ReadRetry(const nlohmann::json& v, const std::string& path, RetryPolicy* retry,
               config::Diagnostics& diag) {
  const FieldReader f(v, path, diag, config::kMustBeGot);
  static const auto* known = new config::KnownKeys(
      Keys({"max_attempts", "initial_backoff_seconds", "max_backoff_seconds"}));
  f.RejectUnknownKeys(*known);
  f.Integer("max_attempts", {.min = 1, .max = 100}, &retry->max_attempts);
  f.Seconds("initial_backoff_seconds", kSeconds, &retry->initial_backoff);
  f.Seconds("max_backoff_seconds", kSeconds, &retry->max_backoff);
  if (retry->max_backoff < retry->initial_backoff) {
    f.Error("max_backoff_seconds", "must be >= initial_backoff_seconds");
  }
}

void ReadExec(const nlohmann::json& v, const std::string& path, ExecOptions* exec,
              config::Diagnostics& diag) {
  const FieldReader f(v, path, diag, config::kMustBeGot);
  static const auto* known =
      new config::KnownKeys(Keys({"command", "observe_command", "timeout_seconds"}));
  f.RejectUnknownKeys(*known);
  ReadTemplate(f, "command", ExecScalePlaceholders(), &exec->command, Need::kRequired);
  ReadTemplate(f, "observe_command", ExecObservePlaceholders(), &exec->observe_command,
               Need::kOptional);
  f.Seconds("timeout_seconds", kSeconds, &exec->timeout);
}

void ReadWebhook(const nlohmann::json& v, const std::string& path, WebhookOptions* webhook,
                 config::Diagnostics& diag) {
  const FieldReader f(v, path, diag, config::kMustBeGot);
  static const auto* known =
      new config::KnownKeys(Keys({"url", "observe_url", "bearer_token", "bearer_token_file",
                                  "headers", "ca_file", "timeout_seconds"}));
  f.RejectUnknownKeys(*known);
  ReadUrl(f, "url", &webhook->url, Need::kRequired);
  ReadUrl(f, "observe_url", &webhook->observe_url, Need::kOptional);
  f.String("bearer_token", &webhook->bearer_token);
  f.String("bearer_token_file", &webhook->bearer_token_file);
  if (f.Has("bearer_token") && f.Has("bearer_token_file")) {
    f.Error("bearer_token_file", "give bearer_token or bearer_token_file, not both");
  }
  const bool has_token = f.Has("bearer_token") || f.Has("bearer_token_file");
  f.HttpHeaders("headers", &webhook->headers, "an object of strings");
  for (const auto& [name, value] : webhook->headers) {
    const std::string where = absl::StrCat("headers.", name);
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "content-type" || lower == "content-length") {
      f.Error(where, "set by Limiar itself (the body is JSON)");
    } else if (lower == "authorization" && has_token) {
      f.Error(where, "conflicts with bearer_token / bearer_token_file");
    }
  }
  f.String("ca_file", &webhook->ca_file);
  f.Seconds("timeout_seconds", kSeconds, &webhook->timeout);
}

void ReadGrpc(const nlohmann::json& v, const std::string& path, GrpcOptions* grpc,
              config::Diagnostics& diag) {
  const FieldReader f(v, path, diag, config::kMustBeGot);
  static const auto* known = new config::KnownKeys(
      Keys({"address", "tls", "root_certs_file", "tls_server_name", "timeout_seconds"}));
  f.RejectUnknownKeys(*known);
  f.NonEmptyString("address", &grpc->address, Need::kRequired);
  f.Bool("tls", &grpc->tls);
  if (f.String("root_certs_file", &grpc->root_certs_file) && !grpc->tls) {
    f.Error("root_certs_file", "is for TLS, which \"tls\": false turns off");
  }
  if (f.String("tls_server_name", &grpc->tls_server_name) && !grpc->tls) {
    f.Error("tls_server_name", "is for TLS, which \"tls\": false turns off");
  }
  f.Seconds("timeout_seconds", kSeconds, &grpc->timeout);
}

void ReadKubernetes(const nlohmann::json& v, const std::string& path, KubernetesOptions* k8s,
                    config::Diagnostics& diag) {
  const FieldReader f(v, path, diag, config::kMustBeGot);
  static const auto* known = new config::KnownKeys(
      Keys({"api_server", "namespace", "token_file", "ca_file", "namespace_file", "deployments",
            "sidecar_target", "pod_name", "timeout_seconds"}));
  f.RejectUnknownKeys(*known);
  ReadUrl(f, "api_server", &k8s->api_server, Need::kOptional);
  if (f.String("namespace", &k8s->namespace_name) &&
      !IsDns1123Name(k8s->namespace_name, /*label=*/true)) {
    f.Error("namespace", "must be a Kubernetes namespace name (lowercase letters, digits, '-')");
  }
  f.String("token_file", &k8s->token_file);
  f.String("ca_file", &k8s->ca_file);
  f.String("namespace_file", &k8s->namespace_file);
  f.StringMap("deployments", &k8s->deployments);
  for (const auto& [target, name] : k8s->deployments) {
    if (!IsDns1123Name(name, /*label=*/false)) {
      f.Error(absl::StrCat("deployments.", target),
              absl::StrCat("\"", name,
                           "\" is not a Deployment name (lowercase letters, digits, "
                           "'-', '.')"));
    }
  }
  f.NonEmptyString("sidecar_target", &k8s->sidecar_target);
  f.NonEmptyString("pod_name", &k8s->pod_name);
  f.Seconds("timeout_seconds", kSeconds, &k8s->timeout);
}

}  // namespace

const char* ActuatorKindName(ActuatorKind kind) {
  switch (kind) {
    case ActuatorKind::kLog:
      return "log";
    case ActuatorKind::kExec:
      return "exec";
    case ActuatorKind::kWebhook:
      return "webhook";
    case ActuatorKind::kGrpc:
      return "grpc";
    case ActuatorKind::kKubernetes:
      return "kubernetes";
  }
  return "?";
}

std::vector<std::string> ActuatorSecurityWarnings(const ActuatorConfig& config,
                                                  const std::string& path) {
  std::vector<std::string> warnings;
  if (config.kind == ActuatorKind::kWebhook) {
    const WebhookOptions& w = config.webhook;
    bool has_token = !w.bearer_token.empty() || !w.bearer_token_file.empty();
    for (const auto& [name, value] : w.headers) {
      has_token = has_token || absl::EqualsIgnoreCase(name, "authorization");
    }
    for (const auto& [key, url] : {std::pair<const char*, const std::string&>{"url", w.url},
                                   {"observe_url", w.observe_url}}) {
      if (!has_token || !absl::StartsWith(url, "http://") || IsLoopbackHost(HostOfUrl(url))) {
        continue;
      }
      warnings.push_back(absl::StrCat(
          path, ".webhook.", key, ": the bearer token goes in clear text over http:// to ",
          HostOfUrl(url), ", where anyone on the way can read and replay it; use https://"));
    }
  }
  if (config.kind == ActuatorKind::kGrpc && !config.grpc.tls &&
      !IsLoopbackGrpcTarget(config.grpc.address)) {
    warnings.push_back(absl::StrCat(path, ".grpc.tls: false sends every decision in clear text to ",
                                    config.grpc.address,
                                    ", where it can be read or altered on the way; drop \"tls\": "
                                    "false unless that network is trusted"));
  }
  return warnings;
}

std::optional<ActuatorConfig> ReadActuatorConfig(const nlohmann::json& value,
                                                 const std::string& path,
                                                 config::Diagnostics& diag) {
  const config::ErrorsSince failed(diag);
  ActuatorConfig config;
  const FieldReader f(value, path, diag, config::kMustBeGot);
  std::vector<std::string> kind_names;
  for (ActuatorKind kind : kKinds) kind_names.push_back(ActuatorKindName(kind));
  static const auto* known = new config::KnownKeys([] {
    std::vector<std::string> allowed = {"kind", "retry"};
    for (ActuatorKind kind : kKinds) {
      if (kind != ActuatorKind::kLog) allowed.push_back(ActuatorKindName(kind));
    }
    return Keys(std::move(allowed));
  }());
  f.RejectUnknownKeys(*known);

  std::string kind_name;
  bool kind_known = false;
  if (f.String("kind", &kind_name, Need::kRequired)) {
    for (ActuatorKind kind : kKinds) {
      if (kind_name == ActuatorKindName(kind)) {
        config.kind = kind;
        kind_known = true;
      }
    }
    if (!kind_known) {
      f.Error("kind", absl::StrCat("unknown kind \"", kind_name, "\"; expected one of ",
                                   absl::StrJoin(kind_names, ", ")));
    }
  }
  if (const nlohmann::json* retry = f.Find("retry")) {
    ReadRetry(*retry, f.PathOf("retry"), &config.retry, diag);
  }
  // A section for another kind is a mistake (a kind switched without its settings).
  for (ActuatorKind kind : kKinds) {
    const std::string name = ActuatorKindName(kind);
    if (kind != ActuatorKind::kLog && f.Has(name) && kind_known && kind != config.kind) {
      f.Error(name, absl::StrCat("given, but kind is \"", kind_name, "\""));
    }
  }
  if (kind_known) {
    const std::string name = ActuatorKindName(config.kind);
    const nlohmann::json* section = f.Find(name);
    const bool optional = config.kind == ActuatorKind::kKubernetes;
    if (section == nullptr && config.kind != ActuatorKind::kLog && !optional) {
      f.Error(name, absl::StrCat("required when kind is \"", name, "\""));
    }
    if (section != nullptr) {
      const std::string at = f.PathOf(name);
      switch (config.kind) {
        case ActuatorKind::kLog:
          break;
        case ActuatorKind::kExec:
          ReadExec(*section, at, &config.exec, diag);
          break;
        case ActuatorKind::kWebhook:
          ReadWebhook(*section, at, &config.webhook, diag);
          break;
        case ActuatorKind::kGrpc:
          ReadGrpc(*section, at, &config.grpc, diag);
          break;
        case ActuatorKind::kKubernetes:
          ReadKubernetes(*section, at, &config.kubernetes, diag);
          break;
      }
    }
  }
  if (failed.any()) return std::nullopt;
  return config;
}

absl::StatusOr<ActuatorConfig> ParseActuatorConfig(const nlohmann::json& value,
                                                   const std::string& path) {
  return config::ReadAsStatus<ActuatorConfig>(
      [&](config::Diagnostics& diag) { return ReadActuatorConfig(value, path, diag); });
}

}  // namespace limiar::actuator
