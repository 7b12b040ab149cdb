// The PromQL client: response parsing on real Prometheus 2.42 answers
// (testdata/promql_api_responses.txt) and synthetic ones, and the request it sends against
// a canned HTTP server in this process (127.0.0.1; the only wall-time wait is one
// deliberate 200 ms client timeout).
#include "src/metrics/promql/promql_client.h"

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
#include "src/metrics/promql/promql_config.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"
#include "tests/support/local_http_server.h"
#include "tests/support/peak_rss.h"
#include "tests/support/test_dir.h"

namespace limiar::metrics {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kResponsesFile[] = "tests/metrics/testdata/promql_api_responses.txt";

using TestHttpServer = ::limiar::testing::CannedHttpServer;
using ::limiar::testing::CannedResponse;
using ::limiar::testing::SeenRequest;
using ::limiar::testing::TestDir;
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
// The client against a canned server: what it sends, and how it reads what comes back.

CannedResponse Canned(const std::string& name) {
  const Captured& c = Response(name);
  return CannedResponse{static_cast<int>(c.status), "application/json", c.body};
}

// A server handler that answers every request with the captured answer `name`.
TestHttpServer::Handler AnswersWith(const std::string& name) {
  return [name](const SeenRequest&) { return Canned(name); };
}

// An instant query for `promql` to the server at `address`, with the defaults otherwise.
PromQlQuery QueryTo(const std::string& address, const std::string& promql) {
  PromQlQuery q;
  q.server_address = address;
  q.query = promql;
  return q;
}

TEST(PromQlClientTest, SendsTheQueryTimeAndHeaders) {
  TestHttpServer server(AnswersWith("vector_one"));
  ASSERT_TRUE(server.ok());
  TestDir dir;
  PromQlQuery q = QueryTo(server.base_url() + "/prefix/",
                          R"(sum(rate(http_requests_total{code=~"5.."}[1m])) + 0.5)");
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
  TestHttpServer server(AnswersWith("scalar"));
  ASSERT_TRUE(server.ok());
  TestDir dir;
  PromQlQuery q = QueryTo(server.base_url(), "scalar(sum(up)) * 2.5");
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
  TestHttpServer server(AnswersWith("vector_one"));
  ASSERT_TRUE(server.ok());
  TestDir dir;
  PromQlQuery q = QueryTo(server.base_url(), "up");
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
  TestHttpServer server(AnswersWith("error_bad_data"));
  ASSERT_TRUE(server.ok());
  PromQlQuery q = QueryTo(server.base_url(), "sum(up");
  PromQlClient client;
  absl::StatusOr<PromQlValue> v = client.Query(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(v.status().message()),
              AllOf(StartsWith(absl::StrCat("prometheus ", server.base_url(), ": ")),
                    HasSubstr("bad_data")));
}

TEST(PromQlClientTest, UnreadableTokenFileFailsBeforeAnyRequest) {
  TestHttpServer server(AnswersWith("vector_one"));
  ASSERT_TRUE(server.ok());
  TestDir dir;
  PromQlQuery q = QueryTo(server.base_url(), "up");
  q.bearer_token_file = dir.File("missing");
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
  PromQlQuery q = QueryTo(absl::StrCat("http://127.0.0.1:", port), "up");
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
  PromQlQuery q = QueryTo(server.base_url(), "up");
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
  PromQlQuery q = QueryTo(server.base_url(), "up");
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
  PromQlQuery q = QueryTo(server.base_url(), "up");
  PromQlClient client;
  ASSERT_TRUE(client.Query(q, absl::FromUnixSeconds(1)).ok());
  q.max_body_bytes = 4096;
  const absl::StatusOr<PromQlValue> v = client.Query(q, absl::FromUnixSeconds(1));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(v.status().message(), HasSubstr("larger than 4096 bytes"));
}

// ---------------------------------------------------------------------------------------
// Range queries (/api/v1/query_range): the forecast history's warm start.

TEST(PromQlRangeResponseTest, AMatrixOfOneSeriesIsItsPoints) {
  // A real answer of Prometheus 2.42 (its `up[3s]`: a matrix, as query_range answers).
  const Captured& c = Response("matrix");
  absl::StatusOr<std::vector<PromQlPoint>> points = ParsePromQlRangeResponse(c.status, c.body);
  ASSERT_TRUE(points.ok()) << points.status();
  ASSERT_THAT(*points, SizeIs(3));
  EXPECT_EQ((*points)[0].time, absl::FromUnixMillis(1795325048295));
  EXPECT_EQ((*points)[2].time, absl::FromUnixMillis(1795325050295));
  EXPECT_EQ((*points)[1].value, 1);
}

TEST(PromQlRangeResponseTest, NoSeriesIsNoPointsAndNanOrInfIsLeftOut) {
  absl::StatusOr<std::vector<PromQlPoint>> points = ParsePromQlRangeResponse(
      200, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  ASSERT_TRUE(points.ok()) << points.status();
  EXPECT_THAT(*points, SizeIs(0));
  points = ParsePromQlRangeResponse(
      200, R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},
           "values":[[60,"1.5"],[120,"NaN"],[180,"+Inf"],[240,"-2"]]}]}})");
  ASSERT_TRUE(points.ok()) << points.status();
  ASSERT_THAT(*points, SizeIs(2));
  EXPECT_EQ((*points)[0].value, 1.5);
  EXPECT_EQ((*points)[1].time, absl::FromUnixSeconds(240));
  EXPECT_EQ((*points)[1].value, -2);  // negatives pass, as for instant queries
}

TEST(PromQlRangeResponseTest, SeveralSeriesAreAnErrorThatSaysAggregate) {
  const absl::StatusOr<std::vector<PromQlPoint>> points =
      ParsePromQlRangeResponse(200, R"({"status":"success","data":{"resultType":"matrix","result":[
           {"metric":{"pod":"a"},"values":[[60,"1"]]},{"metric":{"pod":"b"},"values":[[60,"2"]]}]}})");
  EXPECT_EQ(points.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(points.status().message(), AllOf(HasSubstr("2 series"), HasSubstr("sum(")));
}

TEST(PromQlRangeResponseTest, ErrorsAndBadShapesAreNamed) {
  // Prometheus' own error answer, as for instant queries.
  const Captured& bad = Response("error_bad_data");
  EXPECT_EQ(ParsePromQlRangeResponse(bad.status, bad.body).status().code(),
            absl::StatusCode::kInvalidArgument);
  const auto malformed = [](const std::string& body, const std::string& says) {
    const absl::StatusOr<std::vector<PromQlPoint>> p = ParsePromQlRangeResponse(200, body);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInternal) << body;
    EXPECT_THAT(p.status().message(),
                AllOf(HasSubstr("malformed /api/v1/query_range response"), HasSubstr(says)))
        << body;
  };
  const std::string head = R"({"status":"success","data":{"resultType":"matrix","result":[)";
  malformed(R"({"status":"success","data":{"resultType":"vector","result":[]}})",
            "\"vector\", not \"matrix\"");
  malformed(head + R"({"metric":{}}]}})", "no \"values\"");
  malformed(head + R"({"values":{}}]}})", "not an array");
  malformed(head + R"({"values":[[60]]}]}})", "values[0] is not a [unix time, \"value\"] pair");
  malformed(head + R"({"values":[[60,"1"],["x","2"]]}]}})", "values[1] is not");
  malformed(head + R"({"values":[[1e300,"1"]]}]}})", "values[0] has no valid time");
  malformed(head + R"({"values":[[60,"one"]]}]}})", "\"one\" is no number");
  malformed(head + R"({"values":[[120,"1"],[60,"2"]]}]}})", "values[1] is not after");
  EXPECT_EQ(ParsePromQlRangeResponse(503, "<html>busy</html>").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(PromQlRangeUrlTest, EncodesTheQueryAndStampsTheRangeAndStep) {
  EXPECT_EQ(PromQlRangeUrl("http://prom:9090/", "sum(up)", absl::FromUnixSeconds(60),
                           absl::FromUnixMillis(600500), absl::Minutes(1)),
            "http://prom:9090/api/v1/query_range?query=sum%28up%29&start=60.000&end=600.500"
            "&step=60");
}

TEST(PromQlClientTest, RangeQuerySendsItsRangeAndCredentialsAndRefusesTooManyPoints) {
  TestHttpServer server(AnswersWith("matrix"));
  ASSERT_TRUE(server.ok());
  TestDir dir;
  PromQlQuery q = QueryTo(server.base_url(), "sum(rate(x[1m]))");
  q.bearer_token_file = dir.Write("token", "t0k\n");
  PromQlClient client;
  const absl::Time start = absl::FromUnixSeconds(1'700'000'040);
  absl::StatusOr<std::vector<PromQlPoint>> points =
      client.QueryRange(q, start, start + absl::Minutes(9999), absl::Minutes(1));
  ASSERT_TRUE(points.ok()) << points.status();
  EXPECT_THAT(*points, SizeIs(3));
  ASSERT_THAT(server.requests(), SizeIs(1));
  const SeenRequest seen = server.requests()[0];
  EXPECT_EQ(seen.Path(), "/api/v1/query_range");
  EXPECT_THAT(seen.Params(), ElementsAre(Pair("end", "1700599980.000"), Pair("query", q.query),
                                         Pair("start", "1700000040.000"), Pair("step", "60")));
  EXPECT_EQ(seen.Header("Authorization"), "Bearer t0k");

  // 10,001 points: Prometheus would refuse them (its limit is 11,000); nothing is sent.
  points = client.QueryRange(q, start, start + absl::Minutes(10000), absl::Minutes(1));
  EXPECT_EQ(points.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.requests(), SizeIs(1));
}

TEST(PromQlClientTest, RangeErrorsNameTheServer) {
  TestHttpServer server(AnswersWith("vector_one"));
  ASSERT_TRUE(server.ok());
  PromQlClient client;
  const absl::StatusOr<std::vector<PromQlPoint>> points =
      client.QueryRange(QueryTo(server.base_url(), "up"), absl::FromUnixSeconds(60),
                        absl::FromUnixSeconds(120), absl::Minutes(1));
  EXPECT_EQ(points.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(points.status().message()),
              StartsWith(absl::StrCat("prometheus ", server.base_url(), ": malformed")));
}

}  // namespace
}  // namespace limiar::metrics
