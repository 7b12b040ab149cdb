#include "src/actuator/actuator_config.h"

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar::actuator {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

absl::StatusOr<ActuatorConfig> Parse(const char* text) {
  return ParseActuatorConfig(json::parse(text));
}

std::string ErrorOf(const char* text) {
  absl::StatusOr<ActuatorConfig> config = Parse(text);
  EXPECT_FALSE(config.ok()) << text;
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

TEST(ActuatorConfigTest, LogNeedsNothing) {
  absl::StatusOr<ActuatorConfig> config = Parse(R"({"kind": "log"})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kind, ActuatorKind::kLog);
  EXPECT_EQ(config->retry.max_attempts, 3);  // defaults resolved
  EXPECT_EQ(config->retry.initial_backoff, absl::Milliseconds(200));
  EXPECT_EQ(config->retry.max_backoff, absl::Seconds(5));
}

TEST(ActuatorConfigTest, Exec) {
  absl::StatusOr<ActuatorConfig> config = Parse(R"({
    "kind": "exec",
    "retry": {"max_attempts": 5, "initial_backoff_seconds": 0.5, "max_backoff_seconds": 30},
    "exec": {"command": "kubectl scale deployment/{target} --replicas={replicas}",
             "observe_command": "platformctl get {target}", "timeout_seconds": 12.5}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kind, ActuatorKind::kExec);
  EXPECT_EQ(config->retry.max_attempts, 5);
  EXPECT_EQ(config->retry.initial_backoff, absl::Milliseconds(500));
  EXPECT_EQ(config->retry.max_backoff, absl::Seconds(30));
  EXPECT_EQ(config->exec.command, "kubectl scale deployment/{target} --replicas={replicas}");
  EXPECT_EQ(config->exec.observe_command, "platformctl get {target}");
  EXPECT_EQ(config->exec.timeout, absl::Milliseconds(12500));
}

TEST(ActuatorConfigTest, Webhook) {
  absl::StatusOr<ActuatorConfig> config = Parse(R"({
    "kind": "webhook",
    "webhook": {"url": "https://platform.example/scale",
                "observe_url": "https://platform.example/scale/{target}",
                "bearer_token_file": "/var/run/secrets/platform/token",
                "headers": {"X-Tenant": "shop"}, "ca_file": "/etc/ca.pem",
                "timeout_seconds": 3}})");
  ASSERT_TRUE(config.ok()) << config.status();
  const WebhookOptions& w = config->webhook;
  EXPECT_EQ(w.url, "https://platform.example/scale");
  EXPECT_EQ(w.observe_url, "https://platform.example/scale/{target}");
  EXPECT_EQ(w.bearer_token_file, "/var/run/secrets/platform/token");
  EXPECT_EQ(w.headers.at("X-Tenant"), "shop");
  EXPECT_EQ(w.ca_file, "/etc/ca.pem");
  EXPECT_EQ(w.timeout, absl::Seconds(3));
}

TEST(ActuatorConfigTest, Grpc) {
  absl::StatusOr<ActuatorConfig> config = Parse(R"({
    "kind": "grpc",
    "grpc": {"address": "dns:///platform:8443", "tls": true, "root_certs_file": "/ca.pem",
             "tls_server_name": "platform", "timeout_seconds": 2}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc.address, "dns:///platform:8443");
  EXPECT_TRUE(config->grpc.tls);
  EXPECT_EQ(config->grpc.root_certs_file, "/ca.pem");
  EXPECT_EQ(config->grpc.tls_server_name, "platform");
  EXPECT_EQ(config->grpc.timeout, absl::Seconds(2));
}

// Regression (issue 8): the grpc actuator sent decisions in plaintext unless told otherwise.
TEST(ActuatorConfigTest, GrpcIsTlsUnlessPlaintextIsAskedFor) {
  absl::StatusOr<ActuatorConfig> config =
      Parse(R"({"kind": "grpc", "grpc": {"address": "platform:443"}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->grpc.tls);
  config = Parse(R"({"kind": "grpc", "grpc": {"address": "platform:443", "tls": false}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->grpc.tls);
}

TEST(ActuatorConfigTest, SecurityWarnings) {
  auto warnings = [](const char* text) {
    absl::StatusOr<ActuatorConfig> config = Parse(text);
    EXPECT_TRUE(config.ok()) << config.status();
    return config.ok() ? ActuatorSecurityWarnings(*config) : std::vector<std::string>{};
  };
  std::vector<std::string> w = warnings(R"({"kind": "webhook", "webhook": {
      "url": "http://10.0.0.5/scale", "observe_url": "http://10.0.0.5/scale/{target}",
      "bearer_token_file": "/t"}})");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_THAT(w[0], HasSubstr("actuator.webhook.url: the bearer token goes in clear text over "
                              "http:// to 10.0.0.5"));
  EXPECT_THAT(w[1], HasSubstr("actuator.webhook.observe_url: "));
  // A hand-made Authorization header is a token too.
  EXPECT_EQ(warnings(R"({"kind": "webhook", "webhook": {"url": "http://platform/scale",
                                                        "headers": {"authorization": "Basic x"}}})")
                .size(),
            1u);
  // No token, https, or a loopback host: nothing to say.
  EXPECT_TRUE(
      warnings(R"({"kind": "webhook", "webhook": {"url": "http://10.0.0.5/scale"}})").empty());
  EXPECT_TRUE(warnings(R"({"kind": "webhook", "webhook": {"url": "https://10.0.0.5/scale",
                                                          "bearer_token": "t"}})")
                  .empty());
  EXPECT_TRUE(warnings(R"({"kind": "webhook", "webhook": {"url": "http://127.0.0.1:8080/scale",
                                                          "bearer_token": "t"}})")
                  .empty());

  w = warnings(R"({"kind": "grpc", "grpc": {"address": "dns:///platform:443", "tls": false}})");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_THAT(w[0], HasSubstr("actuator.grpc.tls: false sends every decision in clear text to "
                              "dns:///platform:443"));
  EXPECT_TRUE(
      warnings(R"({"kind": "grpc", "grpc": {"address": "localhost:443", "tls": false}})").empty());
  EXPECT_TRUE(warnings(R"({"kind": "grpc", "grpc": {"address": "platform:443"}})").empty());
}

TEST(ActuatorConfigTest, KubernetesDefaultsAreInCluster) {
  absl::StatusOr<ActuatorConfig> config = Parse(R"({"kind": "kubernetes"})");
  ASSERT_TRUE(config.ok()) << config.status();
  const KubernetesOptions& k = config->kubernetes;
  EXPECT_EQ(k.api_server, "");
  EXPECT_EQ(k.namespace_name, "");
  EXPECT_EQ(k.token_file, "/var/run/secrets/kubernetes.io/serviceaccount/token");
  EXPECT_EQ(k.ca_file, "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
  EXPECT_EQ(k.namespace_file, "/var/run/secrets/kubernetes.io/serviceaccount/namespace");
}

TEST(ActuatorConfigTest, KubernetesOverrides) {
  absl::StatusOr<ActuatorConfig> config = Parse(R"({
    "kind": "kubernetes",
    "kubernetes": {"api_server": "https://127.0.0.1:6443", "namespace": "shop",
                   "token_file": "/t", "ca_file": "/c", "namespace_file": "/n",
                   "deployments": {"Storefront": "storefront-web"}, "timeout_seconds": 4}})");
  ASSERT_TRUE(config.ok()) << config.status();
  const KubernetesOptions& k = config->kubernetes;
  EXPECT_EQ(k.api_server, "https://127.0.0.1:6443");
  EXPECT_EQ(k.namespace_name, "shop");
  EXPECT_EQ(k.token_file, "/t");
  EXPECT_EQ(k.ca_file, "/c");
  EXPECT_EQ(k.namespace_file, "/n");
  EXPECT_EQ(k.deployments.at("Storefront"), "storefront-web");
  EXPECT_EQ(k.timeout, absl::Seconds(4));
}

TEST(ActuatorConfigTest, ErrorsNameTheJsonPath) {
  EXPECT_EQ(ErrorOf(R"({"kind": "webhook", "webhook": {"url": "ftp://x"}})"),
            "actuator.webhook.url: must be an http:// or https:// URL");
  EXPECT_EQ(ErrorOf(R"({})"), "actuator.kind: required");
  EXPECT_EQ(ErrorOf(R"({"kind": "ssh"})"),
            "actuator.kind: unknown kind \"ssh\"; expected one of log, exec, webhook, grpc, "
            "kubernetes");
  EXPECT_EQ(ErrorOf(R"({"kind": "exec"})"), "actuator.exec: required when kind is \"exec\"");
  EXPECT_EQ(ErrorOf(R"([])"), "actuator: must be an object, got array");
  EXPECT_EQ(ErrorOf(R"({"kind": "log", "retry": {"max_attempts": 0}})"),
            "actuator.retry.max_attempts: must be an integer from 1 to 100, got 0");
}

// A typo names the nearest key, as in every config Limiar reads; a key near none lists them.
TEST(ActuatorConfigTest, UnknownKeysAreErrors) {
  EXPECT_EQ(ErrorOf(R"({"kind": "log", "retries": 3})"),
            "actuator.retries: unknown key; expected one of kind, retry, exec, webhook, grpc, "
            "kubernetes");
  EXPECT_EQ(ErrorOf(R"({"kind": "log", "rerty": {}})"),
            "actuator.rerty: unknown key; did you mean retry?");
  EXPECT_THAT(ErrorOf(R"({"kind": "webhook", "webhook": {"url": "http://x", "urll": "y"}})"),
              HasSubstr("actuator.webhook.urll: unknown key; did you mean url?"));
  EXPECT_EQ(ErrorOf(R"({"kind": "log", "retry": {"jitter": true}})"),
            "actuator.retry.jitter: unknown key; expected one of max_attempts, "
            "initial_backoff_seconds, max_backoff_seconds");
  EXPECT_EQ(ErrorOf(R"({"kind": "log", "retry": {"max_atempts": 2}})"),
            "actuator.retry.max_atempts: unknown key; did you mean max_attempts?");
  EXPECT_EQ(ErrorOf(R"({"kind": "exec", "exec": {"command": "x", "timeout_secs": 2}})"),
            "actuator.exec.timeout_secs: unknown key; did you mean timeout_seconds?");
  EXPECT_EQ(ErrorOf(R"({"kind": "grpc", "grpc": {"address": "x:1", "tls_servername": "p"}})"),
            "actuator.grpc.tls_servername: unknown key; did you mean tls_server_name?");
  EXPECT_EQ(ErrorOf(R"({"kind": "kubernetes", "kubernetes": {"nameSpace": "shop"}})"),
            "actuator.kubernetes.nameSpace: unknown key; did you mean namespace?");
}

TEST(ActuatorConfigTest, SectionOfAnotherKindIsAnError) {
  EXPECT_EQ(ErrorOf(R"({"kind": "log", "webhook": {"url": "http://x"}})"),
            "actuator.webhook: given, but kind is \"log\"");
}

TEST(ActuatorConfigTest, AllProblemsAtOnce) {
  const std::string errors = ErrorOf(R"({
    "kind": "exec",
    "retry": {"initial_backoff_seconds": 10, "max_backoff_seconds": 1},
    "exec": {"command": "kubectl scale --replicas={replica}", "timeout_seconds": -1}})");
  EXPECT_THAT(errors, HasSubstr("actuator.retry.max_backoff_seconds: must be >= "
                                "initial_backoff_seconds"));
  EXPECT_THAT(errors, HasSubstr("actuator.exec.command: unknown placeholder {replica}"));
  EXPECT_THAT(errors, HasSubstr("actuator.exec.timeout_seconds: must be a number of seconds"));
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 2);
}

TEST(ActuatorConfigTest, FieldChecks) {
  EXPECT_THAT(ErrorOf(R"({"kind": "exec", "exec": {"command": "x 'y"}})"),
              HasSubstr("actuator.exec.command: unterminated ' quote at offset 2"));
  EXPECT_THAT(ErrorOf(R"({"kind": "exec", "exec": {"command": 3}})"),
              HasSubstr("actuator.exec.command: must be a string, got number"));
  EXPECT_THAT(
      ErrorOf(R"({"kind": "exec", "exec": {"command": "x", "observe_command": "y {replicas}"}})"),
      HasSubstr("actuator.exec.observe_command: unknown placeholder {replicas}"));
  EXPECT_THAT(ErrorOf(R"({"kind": "webhook", "webhook": {"url": "http://x", "bearer_token": "a",
                                                         "bearer_token_file": "/b"}})"),
              HasSubstr("actuator.webhook.bearer_token_file: give bearer_token or"));
  EXPECT_THAT(
      ErrorOf(R"({"kind": "webhook", "webhook": {"url": "http://x",
                                                         "headers": {"X-A": "b\r\nEvil: 1"}}})"),
      HasSubstr("actuator.webhook.headers.X-A: a header value may not contain line breaks"));
  EXPECT_THAT(ErrorOf(R"({"kind": "webhook", "webhook": {"url": "http://x",
                                                         "headers": {"content-type": "text/plain"}}})"),
              HasSubstr("actuator.webhook.headers.content-type: set by Limiar itself"));
  EXPECT_THAT(ErrorOf(R"({"kind": "webhook", "webhook": {"url": "http://x",
                                                         "headers": {"Bad Name": "v"}}})"),
              HasSubstr("actuator.webhook.headers.Bad Name: not a valid HTTP header name"));
  EXPECT_THAT(
      ErrorOf(R"({"kind": "webhook", "webhook": {"url": "http://x", "headers": {"A": 1}}})"),
      HasSubstr("actuator.webhook.headers.A: must be a string, got number"));
  EXPECT_THAT(ErrorOf(R"({"kind": "webhook", "webhook": {}})"),
              HasSubstr("actuator.webhook.url: required"));
  EXPECT_THAT(
      ErrorOf(R"({"kind": "grpc",
                          "grpc": {"address": "x:1", "tls": false, "root_certs_file": "/c"}})"),
      HasSubstr("actuator.grpc.root_certs_file: is for TLS, which \"tls\": false turns off"));
  EXPECT_THAT(ErrorOf(R"({"kind": "grpc", "grpc": {"address": "x:1", "tls": "yes"}})"),
              HasSubstr("actuator.grpc.tls: must be true or false, got string"));
  EXPECT_THAT(ErrorOf(R"({"kind": "grpc", "grpc": {"address": ""}})"),
              HasSubstr("actuator.grpc.address: must not be empty"));
  EXPECT_THAT(ErrorOf(R"({"kind": "kubernetes", "kubernetes": {"namespace": "Shop"}})"),
              HasSubstr("actuator.kubernetes.namespace: must be a Kubernetes namespace name"));
  EXPECT_THAT(ErrorOf(R"({"kind": "kubernetes", "kubernetes": {"deployments": {"a": "B_c"}}})"),
              HasSubstr("actuator.kubernetes.deployments.a: \"B_c\" is not a Deployment name"));
  EXPECT_THAT(ErrorOf(R"({"kind": "kubernetes", "kubernetes": {"api_server": "10.0.0.1:443"}})"),
              HasSubstr("actuator.kubernetes.api_server: must be an http:// or https:// URL"));
}

TEST(ActuatorConfigTest, CustomPathPrefix) {
  absl::StatusOr<ActuatorConfig> config =
      ParseActuatorConfig(json::parse(R"({"kind": 1})"), "servico.actuator");
  EXPECT_EQ(config.status().message(), "servico.actuator.kind: must be a string, got number");
}

}  // namespace
}  // namespace limiar::actuator
