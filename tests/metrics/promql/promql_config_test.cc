// The PromQL source's config: every key, the defaults (KEDA's), and each error by JSON path.
#include "src/metrics/promql/promql_config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/common/config/diagnostics.h"
#include "src/common/http/http_client.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"
#include "tests/support/local_http_server.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------
// Config.

constexpr char kPath[] = "recursos[3].config.promql";

absl::Status ConfigError(const char* text) {
  return ParsePromQlConfig(nlohmann::json::parse(text), kPath).status();
}

constexpr char kFullConfig[] = R"json({
    "server_address": "https://prom.example:9090/sub",
    "query": "sum(rate(http_requests_total[1m]))",
    "interval_s": 15, "ignore_null_values": false, "timeout_s": 2.5,
    "bearer_token_file": "/run/token", "ca_file": "/etc/ca.pem",
    "headers": {"X-Scope-OrgID": "tenant-a", "X-Empty": ""},
    "max_body_bytes": 65536})json";

constexpr char kBasicAuthConfig[] = R"json({"server_address": "http://p:9090",
    "query": "up", "username": "limiar", "password_file": "/run/pw"})json";

TEST(PromQlConfigTest, ReadsEveryKey) {
  absl::StatusOr<PromQlQuery> q = ParsePromQlConfig(nlohmann::json::parse(kFullConfig), kPath);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->server_address, "https://prom.example:9090/sub");
  EXPECT_EQ(q->query, "sum(rate(http_requests_total[1m]))");
  EXPECT_EQ(q->interval, absl::Seconds(15));
  EXPECT_FALSE(q->ignore_null_values);
  EXPECT_EQ(q->timeout, absl::Milliseconds(2500));
  EXPECT_EQ(q->bearer_token_file, "/run/token");
  EXPECT_EQ(q->ca_file, "/etc/ca.pem");
  // nlohmann's objects are sorted maps: headers come in name order.
  EXPECT_THAT(q->headers, ElementsAre(Pair("X-Empty", ""), Pair("X-Scope-OrgID", "tenant-a")));
  EXPECT_EQ(q->max_body_bytes, 65536u);

  q = ParsePromQlConfig(nlohmann::json::parse(kBasicAuthConfig), kPath);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->username, "limiar");
  EXPECT_EQ(q->password_file, "/run/pw");
}

TEST(PromQlConfigTest, DefaultsAreKedas) {
  absl::StatusOr<PromQlQuery> q = ParsePromQlConfig(
      nlohmann::json::parse(R"({"server_address": "http://p:9090", "query": "up"})"), kPath);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->interval, absl::Seconds(30));
  EXPECT_TRUE(q->ignore_null_values);
  EXPECT_EQ(q->timeout, absl::Seconds(3));
  EXPECT_TRUE(q->headers.empty());
  EXPECT_EQ(q->bearer_token_file, "");
  EXPECT_EQ(q->max_body_bytes, 1u << 20);
}

TEST(PromQlConfigTest, UnknownKeysGetAHint) {
  const std::pair<const char*, const char*> cases[] = {
      {"serverAddress", "did you mean server_address?"},
      {"ignoreNullValues", "did you mean ignore_null_values?"},
      {"querry", "did you mean query?"},
      {"intervl_s", "did you mean interval_s?"},
      {"customHeaders", "did you mean headers?"},
      {"pollingInterval", "did you mean interval_s? (in seconds)"},
      {"bearerToken", "did you mean bearer_token_file?"},
      {"threshold", "not a source key"},
      {"activationThreshold", "not a source key"},
      {"unsafeSsl", "not supported"},
      {"zzz", "known keys: server_address, query,"},
  };
  for (const auto& [key, hint] : cases) {
    const std::string text =
        absl::StrCat(R"({"server_address": "http://p", "query": "up", ")", key, R"(": 1})");
    const absl::Status s = ParsePromQlConfig(nlohmann::json::parse(text), kPath).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()),
                StartsWith(absl::StrCat(kPath, ".", key, ": unknown key; ", hint)));
  }
}

TEST(PromQlConfigTest, WrongTypesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"server_address": "http://p", "query": "up", "interval_s": "30"})",
       "recursos[3].config.promql.interval_s: must be a number, not string (write 30 without "
       "quotes)"},
      {R"({"server_address": "http://p", "query": "up", "ignore_null_values": "false"})",
       "recursos[3].config.promql.ignore_null_values: must be a boolean, not string (write "
       "false without quotes)"},
      {R"({"server_address": "http://p", "query": 5})",
       "recursos[3].config.promql.query: must be a string, not number"},
      {R"({"server_address": "http://p", "query": "up", "headers": ["a"]})",
       "recursos[3].config.promql.headers: must be an object of header names to values, not "
       "array"},
      {R"({"server_address": "http://p", "query": "up", "headers": {"X-A": 1}})",
       "recursos[3].config.promql.headers.X-A: must be a string, not number"},
      {R"({"server_address": "http://p", "query": "up", "timeout_s": null})",
       "recursos[3].config.promql.timeout_s: must be a number, not null"},
      {"[1]", "recursos[3].config.promql: must be an object, not array"},
  };
  for (const auto& [text, want] : cases) {
    const absl::Status s = ConfigError(text);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), want);
  }
}

TEST(PromQlConfigTest, BadValuesAndCombinations) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"query": "up"})", ".server_address: required"},
      {R"({"server_address": "http://p"})", ".query: required"},
      {R"({"server_address": "http://p", "query": "  "})", ".query: must not be empty"},
      {R"({"server_address": "prom:9090", "query": "up"})",
       ".server_address: must start with http:// or https://"},
      {R"({"server_address": "http://p/?x=1", "query": "up"})",
       ".server_address: must be a base URL"},
      {R"({"server_address": "http://p", "query": "up", "interval_s": 0.5})",
       ".interval_s: must be at least 1 and at most 86400 seconds, not 0.5"},
      {R"({"server_address": "http://p", "query": "up", "timeout_s": 0})",
       ".timeout_s: must be more than 0 and at most 300 seconds"},
      {R"({"server_address": "http://p", "query": "up", "headers": {"Bad Name": "x"}})",
       ".headers.Bad Name: not a valid HTTP header name"},
      {R"({"server_address": "http://p", "query": "up", "headers": {"X": "a\r\nB: c"}})",
       ".headers.X: a header value may not contain line breaks"},
      {R"({"server_address": "http://p", "query": "up", "bearer_token_file": "/t",
           "username": "u", "password_file": "/p"})",
       ".username: basic auth and bearer_token_file cannot both be set"},
      {R"({"server_address": "http://p", "query": "up", "username": "u"})",
       ".username: username and password_file go together"},
      {R"({"server_address": "http://p", "query": "up", "password_file": "/p"})",
       ".password_file: username and password_file go together"},
      {R"({"server_address": "http://p", "query": "up", "bearer_token_file": "/t",
           "headers": {"authorization": "x"}})",
       ".headers.authorization: conflicts with bearer_token_file"},
      {R"({"server_address": "http://p", "query": "up", "ca_file": "/ca.pem"})",
       ".ca_file: is set but server_address is not https://"},
      {R"({"server_address": "http://p", "query": "up", "max_body_bytes": 100})",
       ".max_body_bytes: must be an integer from 1024 to 4194304 (bytes), not 100"},
      {R"({"server_address": "http://p", "query": "up", "max_body_bytes": 1e9})",
       ".max_body_bytes: must be an integer from 1024 to 4194304 (bytes), not 1000000000.0"},
      {R"({"server_address": "http://p", "query": "up", "max_body_bytes": "1MB"})",
       ".max_body_bytes: must be a number, not string"},
  };
  for (const auto& [text, want] : cases) {
    const absl::Status s = ConfigError(text);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(s.message()), StartsWith(absl::StrCat(kPath, want))) << text;
  }
}

// Every problem at once, each at its path; a misspelt key's hint stands for the "required"
// it would otherwise cause.
TEST(PromQlConfigTest, ReportsEveryProblemAtOnce) {
  const absl::Status s = ConfigError(
      R"({"server_address": "prom:9090", "querry": "up", "interval_s": 0.5, "timeout_s": 0})");
  const std::string p = kPath;
  EXPECT_EQ(config::ProblemCount(s), 4) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(p + ".querry: unknown key; did you mean query?"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr(".query: required")));
  EXPECT_THAT(std::string(s.message()), HasSubstr(p + ".server_address: must start with http://"));
  EXPECT_THAT(std::string(s.message()), HasSubstr(p + ".interval_s: must be at least 1"));
  EXPECT_THAT(std::string(s.message()), HasSubstr(p + ".timeout_s: must be more than 0"));
}

}  // namespace
}  // namespace limiar::metrics
