// The PromQL source: response parsing on real Prometheus 2.42 answers
// (testdata/promql_api_responses.txt) and synthetic ones, the request it sends (against a
// canned HTTP server in this process), config parsing, the poller on a ManualClock with a
// scripted querier, and, at the end, everything against a real Debian `prometheus` that the
// test starts on 127.0.0.1 and that scrapes a tiny exporter served by this process.
// Servers bind 127.0.0.1 only; nothing waits on wall time except bounded polls for a
// readiness condition and one deliberate 200 ms client timeout.
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
#include "src/common/http/http_client.h"
#include "src/metrics/promql/promql_client.h"
#include "src/metrics/promql/promql_config.h"
#include "src/metrics/promql/promql_poller.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"
#include "tests/support/local_http_server.h"
#include "tests/support/peak_rss.h"

extern char** environ;

namespace limiar::metrics {
namespace {

using ::testing::AllOf;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kResponsesFile[] = "tests/metrics/testdata/promql_api_responses.txt";

using TestHttpServer = ::limiar::testing::CannedHttpServer;
using ::limiar::testing::CannedResponse;
using ::limiar::testing::SeenRequest;
using ::limiar::testing::UnusedPort;

// ---------------------------------------------------------------------------------------
// Canned answers captured from Prometheus 2.42 (see promql_capture.sh).

struct Captured {
  long status = 0;
  std::string body;
};

const std::map<std::string, Captured>& CapturedResponses() {
  static const auto* responses = [] {
    auto* m = new std::map<std::string, Captured>();
    std::ifstream in(kResponsesFile);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits(' ', 2));
      int status = 0;
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &status)) continue;
      (*m)[parts[0]] = Captured{status, parts[2]};
    }
    return m;
  }();
  return *responses;
}

const Captured& Response(const std::string& name) {
  static const Captured kMissing{0, "(missing from testdata)"};
  const auto it = CapturedResponses().find(name);
  return it == CapturedResponses().end() ? kMissing : it->second;
}

absl::StatusOr<PromQlValue> ParseCaptured(const std::string& name, bool ignore_null_values) {
  const Captured& c = Response(name);
  return ParsePromQlResponse(c.status, c.body, ignore_null_values);
}

TEST(PromQlResponseTest, CapturedFileHasEveryCase) {
  EXPECT_THAT(CapturedResponses(), SizeIs(12)) << "run from the repo root: " << kResponsesFile;
}

TEST(PromQlResponseTest, OneSeriesVectorIsItsValue) {
  for (const bool ignore : {true, false}) {
    absl::StatusOr<PromQlValue> v = ParseCaptured("vector_one", ignore);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->value, 1);
    EXPECT_EQ(v->null_replaced, "");
  }
}

TEST(PromQlResponseTest, NegativeValuePassesThroughAsInKeda) {
  absl::StatusOr<PromQlValue> v = ParseCaptured("vector_negative", true);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, -1);
}

TEST(PromQlResponseTest, ScalarIsItsValue) {
  absl::StatusOr<PromQlValue> v = ParseCaptured("scalar", false);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 2.5);
}

TEST(PromQlResponseTest, EmptyVectorIsZeroOnlyWithIgnoreNullValues) {
  absl::StatusOr<PromQlValue> v = ParseCaptured("vector_empty", true);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 0);
  EXPECT_EQ(v->null_replaced, "empty result");

  v = ParseCaptured("vector_empty", false);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(v.status().message(), AllOf(HasSubstr("no series"), HasSubstr("ignore_null_values")));
}

TEST(PromQlResponseTest, SeveralSeriesAreAnErrorThatSaysAggregate) {
  for (const bool ignore : {true, false}) {
    absl::StatusOr<PromQlValue> v = ParseCaptured("vector_many", ignore);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(v.status().message(), AllOf(HasSubstr("returned 10 series"), HasSubstr("sum(")));
  }
}

TEST(PromQlResponseTest, NanAndInfAreZeroWithIgnoreNullValuesElseOutOfRange) {
  const std::pair<const char*, const char*> cases[] = {
      {"vector_nan", "NaN"}, {"vector_pos_inf", "+Inf"}, {"vector_neg_inf", "-Inf"}};
  for (const auto& [name, spelled] : cases) {
    SCOPED_TRACE(name);
    absl::StatusOr<PromQlValue> v = ParseCaptured(name, true);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->value, 0);
    EXPECT_EQ(v->null_replaced, spelled);

    v = ParseCaptured(name, false);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kOutOfRange);
    EXPECT_THAT(v.status().message(), HasSubstr(absl::StrCat("returned ", spelled)));
  }
}

TEST(PromQlResponseTest, MatrixAndStringAskForAnInstantQuery) {
  absl::StatusOr<PromQlValue> v = ParseCaptured("matrix", true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(),
              AllOf(HasSubstr("range vector"), HasSubstr("instant vector or scalar")));

  v = ParseCaptured("string", true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), AllOf(HasSubstr("string"), HasSubstr("instant vector")));
}

TEST(PromQlResponseTest, PrometheusErrorsNameTheirTypeAndMessage) {
  absl::StatusOr<PromQlValue> v = ParseCaptured("error_bad_data", true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), AllOf(HasSubstr("HTTP 400"), HasSubstr("errorType bad_data"),
                                          HasSubstr("unclosed left parenthesis")));

  v = ParseCaptured("error_execution", true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(v.status().message(), AllOf(HasSubstr("HTTP 422"), HasSubstr("errorType execution"),
                                          HasSubstr("many-to-many matching")));

  v = ParsePromQlResponse(
      503, R"({"status":"error","errorType":"timeout","error":"query timed out"})", true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(v.status().message(), HasSubstr("query timed out"));
}

TEST(PromQlResponseTest, NonApiAnswersMapByHttpStatus) {
  const std::pair<long, absl::StatusCode> cases[] = {
      {401, absl::StatusCode::kUnauthenticated}, {403, absl::StatusCode::kPermissionDenied},
      {404, absl::StatusCode::kNotFound},        {429, absl::StatusCode::kResourceExhausted},
      {502, absl::StatusCode::kUnavailable},     {405, absl::StatusCode::kFailedPrecondition},
  };
  for (const auto& [http, code] : cases) {
    SCOPED_TRACE(http);
    // Prometheus' own 404 is plain text; a JSON object that is not the API's counts the same.
    for (const char* body : {"404 page not found\n", R"({"message":"no"})"}) {
      absl::StatusOr<PromQlValue> v = ParsePromQlResponse(http, body, true);
      EXPECT_EQ(v.status().code(), code);
      EXPECT_THAT(v.status().message(), HasSubstr(absl::StrCat("HTTP ", http)));
    }
  }
}

TEST(PromQlResponseTest, MalformedBodiesAreInternalErrors) {
  const char* bodies[] = {
      R"({"status":"success","data":{"resultType":"vector","result":[)",
      "<html>not prometheus</html>",
      "[]",
      R"({"status":"success"})",
      R"({"status":"weird","data":{}})",
      R"({"status":"success","data":{"result":[]}})",
      R"({"status":"success","data":{"resultType":"vector"}})",
      R"({"status":"success","data":{"resultType":"vector","result":{}}})",
      R"({"status":"success","data":{"resultType":"vector","result":[7]}})",
      R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]}})",
      R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}})",
      R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"abc"]}]}})",
      R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1e999"]}]}})",
      R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,""]}]}})",
      R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"+-1"]}]}})",
      R"({"status":"success","data":{"resultType":"scalar","result":"1"}})",
      R"({"status":"success","data":{"resultType":"streams","result":[]}})",
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    absl::StatusOr<PromQlValue> v = ParsePromQlResponse(200, body, true);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(v.status().message(), HasSubstr("malformed /api/v1/query response"));
  }
}

TEST(PromQlResponseTest, ValueSpellingsParseAsGoParseFloatDoes) {
  const std::pair<const char*, double> cases[] = {
      {"1e3", 1000}, {"+5", 5}, {"-0.25", -0.25}, {"0", 0}, {"123456789.125", 123456789.125}};
  for (const auto& [text, want] : cases) {
    const std::string body = absl::StrCat(
        R"({"status":"success","data":{"resultType":"scalar","result":[1,")", text, R"("]}})");
    absl::StatusOr<PromQlValue> v = ParsePromQlResponse(200, body, false);
    ASSERT_TRUE(v.ok()) << text << ": " << v.status();
    EXPECT_EQ(v->value, want) << text;
  }
  // Go also reads lower-case and long spellings of the special values.
  absl::StatusOr<PromQlValue> v = ParsePromQlResponse(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1,"infinity"]}})", true);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->null_replaced, "+Inf");
}

TEST(PromQlResponseTest, SeriesWithoutValueIsNullAsInKeda) {
  const char* body =
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[]}]}})";
  absl::StatusOr<PromQlValue> v = ParsePromQlResponse(200, body, true);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 0);
  EXPECT_EQ(v->null_replaced, "series without a value");
  EXPECT_EQ(ParsePromQlResponse(200, body, false).status().code(), absl::StatusCode::kNotFound);
}

TEST(PromQlResponseTest, NativeHistogramIsAnErrorThatSaysSo) {
  const char* body = R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{},"histogram":[1,{"count":"2","sum":"3","buckets":[]}]}]}})";
  absl::StatusOr<PromQlValue> v = ParsePromQlResponse(200, body, true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("native histogram"));
}

TEST(PromQlResponseTest, WarningsDoNotMatter) {
  const char* body = R"({"status":"success","warnings":["partial response"],
      "data":{"resultType":"vector","result":[{"metric":{},"value":[1,"4"]}]}})";
  absl::StatusOr<PromQlValue> v = ParsePromQlResponse(200, body, false);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 4);
}

TEST(PromQlResponseTest, DeepNestingIsRefusedBeforeParsing) {
  const std::string body =
      absl::StrCat(R"({"status":"success","data":{"resultType":"vector","result":)",
                   std::string(100'000, '['), std::string(100'000, ']'), "}}");
  absl::StatusOr<PromQlValue> v = ParsePromQlResponse(200, body, true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(v.status().message()),
              HasSubstr("nested more than 32 levels deep at byte 89"));
  EXPECT_LT(v.status().message().size(), 300u);
}

TEST(PromQlResponseTest, ServerErrorTextIsCutAndEscaped) {
  const std::string body =
      absl::StrCat(R"({"status":"error","errorType":"bad_data","error":"oops\n2026-11-27 forged)",
                   std::string(100'000, '!'), R"("})");
  absl::StatusOr<PromQlValue> v = ParsePromQlResponse(400, body, true);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("oops\\n2026-11-27 forged!!!"));
  EXPECT_THAT(v.status().message(), ::testing::Not(HasSubstr("\n")));
  EXPECT_LT(v.status().message().size(), 1100u);
}

TEST(PromQlUrlTest, EncodesTheQueryAndStampsMilliseconds) {
  EXPECT_EQ(PromQlQueryUrl("http://prom:9090/", R"(sum(rate(x{job="a b"}[1m])) + 1)",
                           absl::FromUnixMillis(1700000000250)),
            "http://prom:9090/api/v1/query?query=sum%28rate%28x%7Bjob%3D%22a%20b%22%7D%5B1m%5D"
            "%29%29%20%2B%201&time=1700000000.250");
  EXPECT_EQ(PromQlQueryUrl("https://thanos/prom", "up", absl::FromUnixSeconds(1700000000)),
            "https://thanos/prom/api/v1/query?query=up&time=1700000000.000");
  EXPECT_EQ(PromQlQueryUrl("http://p", "é~", absl::FromUnixMillis(-1500)),
            "http://p/api/v1/query?query=%C3%A9~&time=-1.500");
}

TEST(PromQlActivationTest, ActiveOnlyStrictlyAboveTheActivationThreshold) {
  EXPECT_FALSE(PromQlIsActive(0, 0));
  EXPECT_TRUE(PromQlIsActive(0.001, 0));
  EXPECT_FALSE(PromQlIsActive(5, 5));
  EXPECT_TRUE(PromQlIsActive(6, 5));
  EXPECT_FALSE(PromQlIsActive(-1, 0));
}

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

// ---------------------------------------------------------------------------------------
// The client against a canned server: what it sends, and how it reads what comes back.

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/limiar-promql-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string file = absl::StrCat(path_, "/", name);
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  std::string path_;
};

CannedResponse Canned(const std::string& name) {
  const Captured& c = Response(name);
  return CannedResponse{static_cast<int>(c.status), "application/json", c.body};
}

TEST(PromQlClientTest, SendsTheQueryTimeAndHeaders) {
  TestHttpServer server([](const SeenRequest&) { return Canned("vector_one"); });
  ASSERT_TRUE(server.ok());
  TempDir dir;
  PromQlQuery q;
  q.server_address = server.base_url() + "/prefix/";
  q.query = R"(sum(rate(http_requests_total{code=~"5.."}[1m])) + 0.5)";
  q.bearer_token_file = dir.Write("token", "s3cr3t\n");
  q.headers = {{"X-Scope-OrgID", "tenant-a"}, {"X-Empty", ""}};
  PromQlClient client;
  absl::StatusOr<double> v = client.QueryInstant(q, absl::FromUnixMillis(1700000000250));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 1);

  const std::vector<SeenRequest> seen = server.requests();
  ASSERT_THAT(seen, SizeIs(1));
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].Path(), "/prefix/api/v1/query");
  EXPECT_THAT(seen[0].Params(),
              ElementsAre(Pair("query", q.query), Pair("time", "1700000000.250")));
  EXPECT_EQ(seen[0].Header("Authorization"), "Bearer s3cr3t");
  EXPECT_EQ(seen[0].Header("X-Scope-OrgID"), "tenant-a");
  // That the empty X-Empty is still sent is http_client_test's (the test server, httplib,
  // drops empty headers).
}

TEST(PromQlClientTest, SendsBasicAuthWithThePasswordFromItsFile) {
  TestHttpServer server([](const SeenRequest&) { return Canned("scalar"); });
  ASSERT_TRUE(server.ok());
  TempDir dir;
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "scalar(sum(up)) * 2.5";
  q.username = "user";
  q.password_file = dir.Write("password", "pass\n");
  PromQlClient client;
  absl::StatusOr<double> v = client.QueryInstant(q, absl::FromUnixSeconds(1700000000));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 2.5);
  ASSERT_THAT(server.requests(), SizeIs(1));
  EXPECT_EQ(server.requests()[0].Header("Authorization"), "Basic dXNlcjpwYXNz");  // user:pass
}

TEST(PromQlClientTest, RereadsTheTokenFileOnEveryQuery) {
  TestHttpServer server([](const SeenRequest&) { return Canned("vector_one"); });
  ASSERT_TRUE(server.ok());
  TempDir dir;
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "up";
  q.bearer_token_file = dir.Write("token", "first");
  PromQlClient client;
  ASSERT_TRUE(client.QueryInstant(q, absl::FromUnixSeconds(1)).ok());
  dir.Write("token", "second");  // rotated
  ASSERT_TRUE(client.QueryInstant(q, absl::FromUnixSeconds(2)).ok());
  const std::vector<SeenRequest> seen = server.requests();
  ASSERT_THAT(seen, SizeIs(2));
  EXPECT_EQ(seen[0].Header("Authorization"), "Bearer first");
  EXPECT_EQ(seen[1].Header("Authorization"), "Bearer second");
}

TEST(PromQlClientTest, ErrorsNameTheServer) {
  TestHttpServer server([](const SeenRequest&) { return Canned("error_bad_data"); });
  ASSERT_TRUE(server.ok());
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "sum(up";
  PromQlClient client;
  absl::StatusOr<PromQlValue> v = client.Query(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(v.status().message()),
              AllOf(StartsWith(absl::StrCat("prometheus ", server.base_url(), ": ")),
                    HasSubstr("bad_data")));
}

TEST(PromQlClientTest, UnreadableTokenFileFailsBeforeAnyRequest) {
  TestHttpServer server([](const SeenRequest&) { return Canned("vector_one"); });
  ASSERT_TRUE(server.ok());
  TempDir dir;
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "up";
  q.bearer_token_file = dir.path() + "/missing";
  PromQlClient client;
  absl::StatusOr<double> v = client.QueryInstant(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(v.status().message(), HasSubstr(q.bearer_token_file));

  q.bearer_token_file = dir.Write("empty", "\n");
  v = client.QueryInstant(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(v.status().message(), HasSubstr("is empty"));
  EXPECT_THAT(server.requests(), SizeIs(0));
}

TEST(PromQlClientTest, RefusedConnectionIsUnavailable) {
  const int port = UnusedPort();
  ASSERT_GT(port, 0);
  PromQlQuery q;
  q.server_address = absl::StrCat("http://127.0.0.1:", port);
  q.query = "up";
  PromQlClient client;
  absl::StatusOr<double> v = client.QueryInstant(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(v.status().message()),
              StartsWith(absl::StrCat("prometheus ", q.server_address)));
}

TEST(PromQlClientTest, SlowServerHitsTheTimeout) {
  // The handler holds the answer until the client has given up (or 10 s pass).
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  TestHttpServer server([&](const SeenRequest&) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
    return Canned("vector_one");
  });
  ASSERT_TRUE(server.ok());
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "up";
  q.timeout = absl::Milliseconds(200);
  PromQlClient client;
  absl::StatusOr<double> v = client.QueryInstant(q, absl::FromUnixSeconds(1));
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(v.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(v.status().message(), HasSubstr("timeout 200ms"));
}

TEST(PromQlClientTest, SixteenMegabytesOfBracketsStopAtTheBodyCap) {
  // The answer that took 1.28 GB: a parser fed 16 MB of '[' builds 16 M nested arrays.
  const std::string body(16'000'000, '[');
  ::limiar::testing::LocalHttpServer server;
  ::limiar::testing::ServeWithoutCopies(server.server(), "/api/v1/query", body, "application/json");
  server.Start();
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "up";
  q.timeout = absl::Seconds(20);
  PromQlClient client;
  const ::limiar::testing::PeakRssGrowth growth;
  const absl::StatusOr<PromQlValue> v = client.Query(q, absl::FromUnixSeconds(1));
  const int64_t grew = growth.Growth();
  RecordProperty("peak_rss_growth_bytes", std::to_string(grew));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(v.status().message(), HasSubstr("response body larger than 1048576 bytes"));
  EXPECT_LT(grew, 32 << 20) << "peak RSS rose by " << grew << " bytes";
}

TEST(PromQlClientTest, TheConfiguredBodyCapApplies) {
  const std::string big_label(5000, 'x');
  TestHttpServer server([&](const SeenRequest&) {
    return CannedResponse{
        200, "application/json",
        absl::StrCat(R"({"status":"success","data":{"resultType":"vector",)",
                     R"("result":[{"metric":{"l":")", big_label, R"("},"value":[1,"4"]}]}})")};
  });
  ASSERT_TRUE(server.ok());
  PromQlQuery q;
  q.server_address = server.base_url();
  q.query = "up";
  PromQlClient client;
  ASSERT_TRUE(client.Query(q, absl::FromUnixSeconds(1)).ok());
  q.max_body_bytes = 4096;
  const absl::StatusOr<PromQlValue> v = client.Query(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(v.status().message(), HasSubstr("larger than 4096 bytes"));
}

// ---------------------------------------------------------------------------------------
// The poller, on a ManualClock with a scripted querier.

class ScriptedQuerier : public PromQlQuerier {
 public:
  // The next answers for `query`, in order; the last one repeats.
  void Script(const std::string& query, std::vector<absl::StatusOr<PromQlValue>> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_[query] = std::move(answers);
  }
  absl::StatusOr<PromQlValue> Query(const PromQlQuery& query, absl::Time at) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.emplace_back(query.query, at);
    cv_.notify_all();
    std::vector<absl::StatusOr<PromQlValue>>& a = answers_[query.query];
    if (a.empty()) return absl::InternalError("unscripted");
    absl::StatusOr<PromQlValue> next = a.front();
    if (a.size() > 1) a.erase(a.begin());
    return next;
  }
  std::vector<std::pair<std::string, absl::Time>> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // Waits (at most `limit`) until at least `n` queries have run.
  bool WaitForCalls(size_t n, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return calls_.size() >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<absl::StatusOr<PromQlValue>>> answers_;
  std::vector<std::pair<std::string, absl::Time>> calls_;
};

PromQlSource Source(const std::string& target, policy::MetricType metric, const std::string& query,
                    absl::Duration interval) {
  PromQlSource s;
  s.target = target;
  s.metric = metric;
  s.query.server_address = "http://prom:9090";
  s.query.query = query;
  s.query.interval = interval;
  return s;
}

// The whole-target value the store gives `target`'s `metric` at `now`, if any.
std::optional<double> StoredValue(SampleStore& store, const std::string& target,
                                  policy::MetricType metric, absl::Time now) {
  policy::TargetPolicy p;
  p.target = target;
  policy::MetricTarget m;
  m.metric = metric;
  p.metrics.push_back(m);
  std::vector<policy::MetricObservation> out;
  if (!store.Observe(p, now, &out).ok() || out.size() != 1) return std::nullopt;
  return out[0].whole_target_value;
}

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(PromQlPollerTest, RunsEachQueryOnItsIntervalAndStoresStampedValues) {
  ScriptedQuerier querier;
  querier.Script("fast", {PromQlValue{10, ""}, PromQlValue{11, ""}, PromQlValue{12, ""}});
  querier.Script("slow", {PromQlValue{3, ""}, PromQlValue{4, ""}});
  SampleStore store;
  ManualClock clock(kT0);
  PromQlPoller poller({Source("web", policy::MetricType::kRequests, "fast", absl::Seconds(10)),
                       Source("web", policy::MetricType::kConnections, "slow", absl::Seconds(30))},
                      &querier, &store, &clock);

  EXPECT_EQ(poller.PollDue(kT0), 2);  // everything is due at first
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kRequests, kT0), 10);
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kConnections, kT0), 3);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(9)), 0);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(10)), 1);
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kRequests, kT0 + absl::Seconds(10)), 11);
  // A late tick runs the query once and counts the next interval from then.
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(35)), 2);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(44)), 0);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(45)), 1);

  // Each query was evaluated at the tick's time, and the value is stamped with it: the store
  // does not show it to an evaluation before that time.
  const std::vector<std::pair<std::string, absl::Time>> calls = querier.calls();
  ASSERT_THAT(calls, SizeIs(6));
  EXPECT_EQ(calls[0], std::make_pair(std::string("fast"), kT0));
  EXPECT_EQ(calls[2], std::make_pair(std::string("fast"), kT0 + absl::Seconds(10)));
  EXPECT_EQ(calls[4], std::make_pair(std::string("slow"), kT0 + absl::Seconds(35)));
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kRequests, kT0 + absl::Seconds(45)), 12);
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kConnections, kT0 + absl::Seconds(45)),
            4);

  const std::vector<PromQlSourceStatus> status = poller.SourceStatus();
  ASSERT_THAT(status, SizeIs(2));
  EXPECT_EQ(status[0].target, "web");
  EXPECT_EQ(status[0].query, "fast");
  EXPECT_EQ(status[0].server_address, "http://prom:9090");
  EXPECT_EQ(status[0].total_queries, 4);
  EXPECT_EQ(status[0].last_value, 12);
  EXPECT_EQ(status[0].last_success, kT0 + absl::Seconds(45));
  EXPECT_EQ(status[0].next_due, kT0 + absl::Seconds(55));
  EXPECT_TRUE(status[0].last_error.ok());
  EXPECT_EQ(status[1].total_queries, 2);
  EXPECT_EQ(poller.total_errors(), 0);
}

TEST(PromQlPollerTest, AFailureRecordsNothingAndIsCounted) {
  ScriptedQuerier querier;
  querier.Script("q",
                 {PromQlValue{5, ""}, absl::UnavailableError("prometheus down"),
                  absl::InvalidArgumentError("the query returned 2 series"), PromQlValue{6, ""}});
  SampleStoreOptions options;
  options.max_age = absl::Seconds(60);
  SampleStore store(options);
  ManualClock clock(kT0);
  PromQlPoller poller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(20))},
                      &querier, &store, &clock);

  poller.PollDue(kT0);
  poller.PollDue(kT0 + absl::Seconds(20));  // fails
  // The old value is still the newest one; nothing (no 0) was written for the failure.
  EXPECT_EQ(StoredValue(store, "api", policy::MetricType::kRequests, kT0 + absl::Seconds(20)), 5);
  poller.PollDue(kT0 + absl::Seconds(40));  // fails
  std::vector<PromQlSourceStatus> status = poller.SourceStatus();
  EXPECT_EQ(status[0].consecutive_failures, 2);
  EXPECT_EQ(status[0].total_errors, 2);
  EXPECT_EQ(status[0].last_error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status[0].last_error_time, kT0 + absl::Seconds(40));
  EXPECT_EQ(status[0].last_value, 5);
  EXPECT_EQ(status[0].last_success, kT0);
  EXPECT_EQ(poller.total_errors(), 2);
  // Past the store's max_age the old value is missing, not zero.
  EXPECT_EQ(StoredValue(store, "api", policy::MetricType::kRequests, kT0 + absl::Seconds(61)),
            std::nullopt);

  poller.PollDue(kT0 + absl::Seconds(60));  // recovers
  status = poller.SourceStatus();
  EXPECT_EQ(status[0].consecutive_failures, 0);
  EXPECT_EQ(status[0].total_errors, 2);
  EXPECT_EQ(status[0].last_error.code(), absl::StatusCode::kInvalidArgument);  // kept
  EXPECT_EQ(status[0].last_value, 6);
  EXPECT_EQ(StoredValue(store, "api", policy::MetricType::kRequests, kT0 + absl::Seconds(61)), 6);
}

TEST(PromQlPollerTest, LogsEachDistinctFailureOnceAndTheRecovery) {
  const auto refused = [](int ms) {
    return absl::UnavailableError(absl::StrCat(
        "prometheus http://prom:9090: GET http://prom:9090/api/v1/query: Failed to connect to "
        "prom port 9090 after ",
        ms, " ms: Couldn't connect to server"));
  };
  const absl::Status two_series = absl::InvalidArgumentError("the query returned 2 series");
  ScriptedQuerier querier;
  querier.Script("q", {PromQlValue{5, ""}, refused(0), refused(3), refused(1), two_series,
                       two_series, PromQlValue{6, ""}, PromQlValue{7, ""}, refused(0)});
  SampleStore store;
  ManualClock clock(kT0);
  std::vector<PromQlHealthChange> logged;
  PromQlPoller poller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(1))},
                      &querier, &store, &clock,
                      [&](const PromQlHealthChange& change) { logged.push_back(change); });
  for (int i = 0; i < 9; ++i) poller.PollDue(kT0 + absl::Seconds(i));

  // Three polls refused (only the milliseconds differ), two with too many series, two
  // successes, one refusal: four lines, not seven.
  ASSERT_THAT(logged, SizeIs(4));
  EXPECT_EQ(logged[0].error, refused(0));
  EXPECT_EQ(logged[0].consecutive_failures, 1);
  EXPECT_EQ(logged[1].error, two_series);
  EXPECT_EQ(logged[1].consecutive_failures, 4);
  EXPECT_TRUE(logged[2].error.ok());
  EXPECT_EQ(logged[2].consecutive_failures, 5);
  EXPECT_EQ(logged[3].error, refused(0));
  EXPECT_EQ(logged[3].consecutive_failures, 1);
  EXPECT_EQ(logged[0].target, "api");
  EXPECT_EQ(logged[0].server_address, "http://prom:9090");

  EXPECT_EQ(DescribeHealthChange(logged[1]),
            "promql source api/requests (http://prom:9090) failed: INVALID_ARGUMENT: the query "
            "returned 2 series (4 failed queries in a row; logged again when the error changes "
            "or the source recovers)");
  EXPECT_EQ(DescribeHealthChange(logged[2]),
            "promql source api/requests (http://prom:9090) answers again after 5 failed queries");
}

TEST(PromQlPollerTest, KedasNullZeroIsStoredAndFlagged) {
  ScriptedQuerier querier;
  querier.Script("q", {PromQlValue{0, "empty result"}});
  SampleStore store;
  ManualClock clock(kT0);
  PromQlPoller poller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(20))},
                      &querier, &store, &clock);
  poller.PollDue(kT0);
  EXPECT_EQ(StoredValue(store, "api", policy::MetricType::kRequests, kT0), 0);
  EXPECT_EQ(poller.SourceStatus()[0].last_null_replaced, "empty result");
}

TEST(PromQlPollerTest, StartPollsOnItsThreadUntilStopped) {
  ScriptedQuerier querier;
  querier.Script("q", {PromQlValue{7, ""}});
  SampleStore store;
  ManualClock clock(kT0);
  PromQlPoller poller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(20))},
                      &querier, &store, &clock);
  poller.Stop();  // not running: no-op
  poller.Start();
  poller.Start();  // running: no-op
  ASSERT_TRUE(querier.WaitForCalls(1, std::chrono::seconds(10)));
  poller.Stop();
  // The thread read the clock: the value is stamped with the ManualClock's time.
  EXPECT_EQ(querier.calls()[0].second, kT0);
  EXPECT_EQ(StoredValue(store, "api", policy::MetricType::kRequests, kT0), 7);
  // Restartable; the manual clock has not moved, so nothing is due.
  poller.Start();
  poller.Stop();
  EXPECT_THAT(querier.calls(), SizeIs(1));
}

// ---------------------------------------------------------------------------------------
// A real Prometheus (Debian's `prometheus` 2.42) on 127.0.0.1, scraping an exporter that
// this process serves. One instance per test binary, started by the first test that needs
// it and stopped (SIGTERM, then SIGKILL after 10 s; waitpid either way) after the suite.

// Counter at 10 per second since the exporter started, and two gauge series: the queries
// below then have known answers (rate ~10, sum 7.5).
constexpr double kRequestsPerSecond = 10;

std::string ExporterBody(std::chrono::steady_clock::time_point start) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return absl::StrCat(
      "# HELP test_requests_total Requests served.\n# TYPE test_requests_total counter\n",
      "test_requests_total ", kRequestsPerSecond * elapsed, "\n",
      "# HELP test_gauge A gauge with two series.\n# TYPE test_gauge gauge\n",
      "test_gauge{pod=\"a\"} 3\ntest_gauge{pod=\"b\"} 4.5\n");
}

std::string FindPrometheus() {
  const char* path_env = std::getenv("PATH");
  std::vector<std::string> dirs = absl::StrSplit(path_env ? path_env : "", ':', absl::SkipEmpty());
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    const std::string candidate = absl::StrCat(dir, "/prometheus");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

class LivePrometheus {
 public:
  // Starts everything; on failure `error()` says why (with Prometheus' log).
  LivePrometheus() : exporter_([this](const SeenRequest& r) { return Export(r); }) {
    const std::string binary = FindPrometheus();
    if (binary.empty()) {
      skip_ = "no `prometheus` binary on PATH or in /usr/bin (apt-get install prometheus)";
      return;
    }
    if (!exporter_.ok() || dir_.path().empty()) {
      error_ = "cannot start the test exporter or create a temp dir";
      return;
    }
    port_ = UnusedPort();
    const std::string config = dir_.Write(
        "prometheus.yml", absl::StrCat("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                       "scrape_configs:\n  - job_name: test\n    static_configs:\n"
                                       "      - targets: ['127.0.0.1:",
                                       exporter_.port(), "']\n"));
    log_ = dir_.path() + "/prometheus.log";
    std::vector<std::string> args = {
        binary, "--config.file=" + config, "--storage.tsdb.path=" + dir_.path() + "/tsdb",
        absl::StrCat("--web.listen-address=127.0.0.1:", port_), "--log.level=warn"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      error_ = absl::StrCat("posix_spawn ", binary, ": ", std::strerror(rc));
      return;
    }
    // Ready in well under a second; 30 s of polling covers a loaded machine.
    http::HttpClient http;
    http::HttpRequest ready;
    ready.url = base_url() + "/-/ready";
    ready.timeout = absl::Seconds(1);
    bool up = false;
    for (int i = 0; i < 300 && !up; ++i) {
      absl::StatusOr<http::HttpResponse> r = http.Send(ready);
      up = r.ok() && r->status == 200;
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!up) {
      error_ = absl::StrCat("prometheus did not get ready in 30 s; log:\n", Log());
      return;
    }
    // The scrape manager applies its targets ~5 s after start: wait (at most 30 s) until
    // the first scrape is queryable.
    if (!WaitFor("sum(test_gauge)")) {
      error_ = absl::StrCat("no scrape of the test exporter in 30 s; log:\n", Log());
    }
  }

  ~LivePrometheus() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      bool exited = false;
      for (int i = 0; i < 100 && !exited; ++i) {
        exited = waitpid(pid_, &status, WNOHANG) == pid_;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (!exited) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
  }

  const std::string& skip() const { return skip_; }
  const std::string& error() const { return error_; }
  std::string base_url() const { return absl::StrCat("http://127.0.0.1:", port_); }

  PromQlQuery Query(const std::string& promql, bool ignore_null_values = true) const {
    PromQlQuery q;
    q.server_address = base_url();
    q.query = promql;
    q.ignore_null_values = ignore_null_values;
    q.timeout = absl::Seconds(5);
    q.interval = absl::Seconds(1);
    return q;
  }

  // Polls (at most 30 s) until `promql` yields a value (not an empty result) now.
  bool WaitFor(const std::string& promql) {
    PromQlClient client;
    const PromQlQuery q = Query(promql, /*ignore_null_values=*/false);
    for (int i = 0; i < 300; ++i) {
      if (client.QueryInstant(q, absl::Now()).ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  CannedResponse Export(const SeenRequest& r) {
    if (r.Path() != "/metrics") return CannedResponse{404, "text/plain", "not found\n"};
    return CannedResponse{200, "text/plain; version=0.0.4", ExporterBody(start_)};
  }

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  TempDir dir_;
  TestHttpServer exporter_;
  std::string skip_;
  std::string error_;
  std::string log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

class PromQlLiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { live_ = new LivePrometheus(); }
  static void TearDownTestSuite() {
    delete live_;
    live_ = nullptr;
  }
  void SetUp() override {
    if (!live_->skip().empty()) GTEST_SKIP() << live_->skip();
    ASSERT_EQ(live_->error(), "");
  }
  static LivePrometheus* live_;
};
LivePrometheus* PromQlLiveTest::live_ = nullptr;

TEST_F(PromQlLiveTest, ClientAndPollerReadGaugeAndRate) {
  // rate() over [5s] divides by the whole 5 s: wait until five scrapes cover the window.
  ASSERT_TRUE(live_->WaitFor("count_over_time(test_requests_total[5s]) >= 5")) << live_->Log();
  PromQlClient client;
  absl::StatusOr<double> gauge = client.QueryInstant(live_->Query("sum(test_gauge)"), absl::Now());
  ASSERT_TRUE(gauge.ok()) << gauge.status();
  EXPECT_EQ(*gauge, 7.5);
  absl::StatusOr<double> rate =
      client.QueryInstant(live_->Query("sum(rate(test_requests_total[5s]))"), absl::Now());
  ASSERT_TRUE(rate.ok()) << rate.status();
  EXPECT_THAT(*rate, DoubleNear(kRequestsPerSecond, 1.0));

  // The poller, driven by hand at the current time, puts both into the store.
  SampleStore store;
  ManualClock clock(absl::Now());
  PromQlPoller poller(
      {PromQlSource{"web", policy::MetricType::kRequests,
                    live_->Query("sum(rate(test_requests_total[5s]))")},
       PromQlSource{"web", policy::MetricType::kConnections, live_->Query("sum(test_gauge)")}},
      &client, &store, &clock);
  const absl::Time now = clock.Now();
  EXPECT_EQ(poller.PollDue(now), 2);
  for (const PromQlSourceStatus& s : poller.SourceStatus()) {
    EXPECT_TRUE(s.last_error.ok()) << s.query << ": " << s.last_error;
    EXPECT_EQ(s.last_success, now);
  }
  const std::optional<double> requests =
      StoredValue(store, "web", policy::MetricType::kRequests, now);
  ASSERT_TRUE(requests.has_value());
  EXPECT_THAT(*requests, DoubleNear(kRequestsPerSecond, 1.0));
  EXPECT_EQ(StoredValue(store, "web", policy::MetricType::kConnections, now), 7.5);
  // Nothing is due again within the interval.
  EXPECT_EQ(poller.PollDue(now + absl::Milliseconds(500)), 0);
}

TEST_F(PromQlLiveTest, RealServerAnswersThatAreNotOneValue) {
  PromQlClient client;
  const absl::Time now = absl::Now();
  absl::StatusOr<PromQlValue> v = client.Query(live_->Query("test_gauge"), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("returned 2 series; it must return one"));

  v = client.Query(live_->Query("test_gauge[5s]"), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("range vector"));

  v = client.Query(live_->Query("sum(test_gauge"), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("errorType bad_data"));

  v = client.Query(live_->Query("sum(no_such_metric)"), now);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 0);
  EXPECT_EQ(v->null_replaced, "empty result");
  v = client.Query(live_->Query("sum(no_such_metric)", /*ignore_null_values=*/false), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kNotFound);

  v = client.Query(live_->Query("sum(test_gauge) / 0", /*ignore_null_values=*/false), now);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(v.status().message(), HasSubstr("+Inf"));

  v = client.Query(live_->Query("scalar(sum(test_gauge)) * 2"), now);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 15);
}

}  // namespace
}  // namespace limiar::metrics
