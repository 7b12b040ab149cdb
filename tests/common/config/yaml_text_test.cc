// YAML text folded into JSON: a kubeconfig as kubectl writes it, the core schema's scalars,
// and everything JSON cannot hold refused with its line and column.
#include "src/common/config/yaml_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace limiar::config {
namespace {

using ::testing::ElementsAre;

constexpr JsonLimits kLimits = {1 << 20, 8};

nlohmann::json Parsed(const std::string& text) {
  Diagnostics d("t.yaml");
  std::optional<nlohmann::json> j = ParseYaml(text, kLimits, d);
  EXPECT_TRUE(j.has_value()) << ::testing::PrintToString(d.errors());
  return j.value_or(nullptr);
}

std::vector<std::string> Errors(const std::string& text, const JsonLimits& limits = kLimits) {
  Diagnostics d("t.yaml");
  EXPECT_FALSE(ParseYaml(text, limits, d).has_value());
  return d.errors();
}

TEST(ParseYaml, AKubeconfigAsKubectlWritesIt) {
  const nlohmann::json j = Parsed(R"(apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTg==
    server: https://127.0.0.1:6443
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    namespace: shop
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    token: "0123"
)");
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "apiVersion": "v1", "kind": "Config", "current-context": "kind-kind", "preferences": {},
    "clusters": [{"name": "kind-kind", "cluster": {"server": "https://127.0.0.1:6443",
                  "certificate-authority-data": "LS0tLS1CRUdJTg=="}}],
    "contexts": [{"name": "kind-kind",
                  "context": {"cluster": "kind-kind", "namespace": "shop", "user": "kind-kind"}}],
    "users": [{"name": "kind-kind", "user": {"token": "0123"}}]})"));
}

TEST(ParseYaml, PlainScalarsFollowTheCoreSchemaQuotedOnesStayText) {
  const nlohmann::json j = Parsed(R"(
null1: ~
null2:
null3: null
yes: true
no: False
int: -42
hex: 0x1F
octal: 0o17
float: 2.5
exp: 1e3
inf: .inf
text: 250m
quoted_int: "42"
single: 'true'
version: 1.2.3
block: |
  two
  lines
)");
  EXPECT_TRUE(j["null1"].is_null());
  EXPECT_TRUE(j["null2"].is_null());
  EXPECT_TRUE(j["null3"].is_null());
  EXPECT_EQ(j["yes"], true);
  EXPECT_EQ(j["no"], false);
  EXPECT_EQ(j["int"], -42);
  EXPECT_TRUE(j["int"].is_number_integer());
  EXPECT_EQ(j["hex"], 31);
  EXPECT_EQ(j["octal"], 15);
  EXPECT_EQ(j["float"], 2.5);
  EXPECT_EQ(j["exp"], 1000.0);
  EXPECT_EQ(j["inf"], ".inf");
  EXPECT_EQ(j["text"], "250m");
  EXPECT_EQ(j["quoted_int"], "42");
  EXPECT_EQ(j["single"], "true");
  EXPECT_EQ(j["version"], "1.2.3");
  EXPECT_EQ(j["block"], "two\nlines\n");
}

TEST(ParseYaml, JsonTextReadsTheSame) {
  EXPECT_EQ(Parsed(R"({"a": [1, "x", {"b": null}], "c": true})"),
            nlohmann::json::parse(R"({"a": [1, "x", {"b": null}], "c": true})"));
  EXPECT_TRUE(Parsed("").is_null());
  EXPECT_EQ(Parsed("- 1\n- 2\n"), nlohmann::json::parse("[1, 2]"));
}

TEST(ParseYaml, WhatJsonCannotHoldIsRefusedWithLineAndColumn) {
  EXPECT_THAT(Errors("a: &x 1\nb: *x\n"),
              ElementsAre("t.yaml:2:4: an alias (*name); write the value out instead"));
  EXPECT_THAT(Errors("a: 1\nb: 2\na: 3\n"), ElementsAre("t.yaml:3:1: duplicate key \"a\""));
  EXPECT_THAT(Errors("? [a, b]\n: 1\n"),
              ElementsAre("t.yaml:1:3: a key that is a list or a map; keys must be plain text"));
  EXPECT_THAT(Errors("a: 1\n---\nb: 2\n"),
              ElementsAre("t.yaml:2:1: more than one document; keep only one"));
}

TEST(ParseYaml, SyntaxErrorsNameLineAndColumn) {
  const std::vector<std::string> errors = Errors("a: 1\n b: [2\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("t.yaml:2:"));
}

TEST(ParseYaml, LimitsOnSizeAndDepthHold) {
  EXPECT_THAT(Errors("a: [[[[1]]]]\n", {1 << 20, 3}),
              ElementsAre("t.yaml:1:6: nested more than 3 levels deep; flatten it"));
  EXPECT_THAT(Errors(std::string(100, 'a'), {64, 8}),
              ElementsAre("t.yaml: 100 bytes, over the limit of 64 bytes"));
  // A billion laughs needs aliases, which are refused at the first one.
  EXPECT_EQ(Errors("a: &a [1, 1]\nb: &b [*a, *a]\n").size(), 1u);
  // Deep nesting stops at the limit, long before libyaml's own stack grows.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THAT(Errors(deep), ElementsAre("t.yaml:1:9: nested more than 8 levels deep; flatten it"));
}

}  // namespace
}  // namespace limiar::config
