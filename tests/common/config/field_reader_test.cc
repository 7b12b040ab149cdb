// The readers in the words of the service's own config files: `must be ..., not ...`.
#include "src/common/config/field_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace limiar::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using json = nlohmann::json;

TEST(FieldReader, ReadsPresentKeysAndLeavesDefaultsForAbsentOnes) {
  const json o = json::parse(R"({"name": "web", "on": true, "ratio": 0.5, "count": 3,
                                  "wait_s": 2.5, "headers": {"X-A": "b"}, "list": [1]})");
  Diagnostics d("c.json");
  FieldReader r(o, "x", d);
  std::string name, missing = "default";
  bool on = false;
  double ratio = 0;
  int count = 0;
  absl::Duration wait;
  std::map<std::string, std::string> headers;
  EXPECT_TRUE(r.String("name", &name));
  EXPECT_FALSE(r.String("absent", &missing));
  EXPECT_TRUE(r.Bool("on", &on));
  EXPECT_TRUE(r.Number("ratio", {.min = 0, .max = 1}, &ratio));
  EXPECT_TRUE(r.Integer("count", {.min = 1, .max = 10}, &count));
  EXPECT_TRUE(r.Seconds("wait_s", {.min = 0, .min_exclusive = true, .max = 60}, &wait));
  EXPECT_TRUE(r.StringMap("headers", &headers));
  EXPECT_NE(r.Array("list"), nullptr);
  EXPECT_THAT(d.errors(), IsEmpty());
  EXPECT_EQ(name, "web");
  EXPECT_EQ(missing, "default");
  EXPECT_TRUE(on);
  EXPECT_EQ(ratio, 0.5);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(wait, absl::Milliseconds(2500));
  EXPECT_EQ(headers.at("X-A"), "b");
}

TEST(FieldReader, HasAllReportsEveryMissingKey) {
  const json o = json::parse(R"({"metric": "cpu"})");
  Diagnostics d("c.json");
  FieldReader r(o, "m[0]", d);
  EXPECT_TRUE(r.HasAll({"metric"}));
  EXPECT_FALSE(r.HasAll({"series", "metric", "query"}));
  EXPECT_THAT(d.errors(),
              ElementsAre("c.json: m[0].series: required", "c.json: m[0].query: required"));
}

TEST(FieldReader, HttpHeadersReportEveryBadOneAndKeepTheGood) {
  const json o = json::parse(R"({"headers": {"X-Scope-OrgID": "a", "Bad Name": "b",
                                              "X-Evil": "c\r\nHost: d", "X-Nul": "e\u0000",
                                              "X-Num": 1}})");
  Diagnostics d("c.json");
  FieldReader r(o, "source", d);
  std::map<std::string, std::string> headers;
  EXPECT_FALSE(r.HttpHeaders("headers", &headers));
  EXPECT_THAT(headers,
              ElementsAre(std::pair<const std::string, std::string>("X-Scope-OrgID", "a")));
  EXPECT_THAT(
      d.errors(),
      ElementsAre("c.json: source.headers.X-Num: must be a string, not number",
                  "c.json: source.headers.Bad Name: not a valid HTTP header name "
                  "(letters, digits and !#$%&'*+-.^_`|~ only)",
                  "c.json: source.headers.X-Evil: a header value may not contain line breaks",
                  "c.json: source.headers.X-Nul: a header value may not contain line breaks"));
}

TEST(FieldReader, WrongTypesNameTheTypeAndUnquoteWhatWasMeant) {
  const json o =
      json::parse(R"({"s": 5, "b": "false", "n": "30", "i": "x", "m": [], "l": {}, "e": "  "})");
  Diagnostics d("");
  FieldReader r(o, "x", d);
  std::string s;
  bool b;
  double n;
  int64_t i;
  std::map<std::string, std::string> m;
  r.String("s", &s);
  r.Bool("b", &b);
  r.Number("n", {}, &n);
  r.Integer("i", {.min = 0, .max = 9}, &i);
  r.StringMap("m", &m, "an object of header names to values");
  r.Array("l");
  r.NonEmptyString("e", &s);
  r.String("required", &s, FieldReader::Need::kRequired);
  EXPECT_THAT(d.errors(),
              ElementsAre("x.s: must be a string, not number",
                          "x.b: must be a boolean, not string (write false without quotes)",
                          "x.n: must be a number, not string (write 30 without quotes)",
                          "x.i: must be a number, not string",
                          "x.m: must be an object of header names to values, not array",
                          "x.l: must be an array, not object", "x.e: must not be empty",
                          "x.required: required"));
}

TEST(FieldReader, BoundsSayWhatTheNumberMustBe) {
  const json o = json::parse(R"({"between": 0, "more": 0, "secs": 0.5, "open": 0, "int": 2.5,
                                  "bytes": 100, "given": -1})");
  Diagnostics d("");
  FieldReader r(o, "x", d);
  double n;
  int64_t i;
  absl::Duration s;
  r.Number("between", {.min = 0.1, .max = 3600}, &n);
  r.Number("more", {.min = 0, .min_exclusive = true}, &n);
  r.Seconds("secs", {.min = 1, .max = 86400}, &s);
  r.Seconds("open", {.min = 0, .min_exclusive = true, .max = 300}, &s);
  r.Integer("int", {.min = 1, .max = 1000000}, &i);
  r.Integer("bytes", {.min = 1024, .max = 4194304, .unit = "bytes"}, &i);
  r.Seconds("given",
            {.min = 0,
             .min_exclusive = true,
             .max = 86400,
             .must_be = "a number of seconds, > 0 and <= 86400"},
            &s);
  EXPECT_THAT(d.errors(),
              ElementsAre("x.between: must be between 0.1 and 3600, not 0",
                          "x.more: must be more than 0, not 0",
                          "x.secs: must be at least 1 and at most 86400 seconds, not 0.5",
                          "x.open: must be more than 0 and at most 300 seconds, not 0",
                          "x.int: must be an integer from 1 to 1000000, not 2.5",
                          "x.bytes: must be an integer from 1024 to 4194304 (bytes), not 100",
                          "x.given: must be a number of seconds, > 0 and <= 86400, not -1"));
}

TEST(FieldReader, TheActuatorsWording) {
  const json o = json::parse(R"({"tls": "yes", "max_attempts": 0})");
  Diagnostics d("");
  FieldReader r(o, "actuator", d, kMustBeGot);
  bool b;
  int i;
  r.Bool("tls", &b);
  r.Integer("max_attempts", {.min = 1, .max = 100}, &i);
  FieldReader not_an_object(json::array(), "actuator.grpc", d, kMustBeGot);
  EXPECT_FALSE(not_an_object.ok());
  EXPECT_FALSE(not_an_object.Has("address"));
  EXPECT_THAT(d.errors(),
              ElementsAre("actuator.tls: must be true or false, got string",
                          "actuator.max_attempts: must be an integer from 1 to 100, got 0",
                          "actuator.grpc: must be an object, got array"));
}

TEST(FieldReader, UnknownKeysGetTheNearestKnownKey) {
  const json o = json::parse(R"({"tick_intervl_s": 1, "zzz": 2})");
  Diagnostics d("c.json");
  FieldReader r(o, "", d);
  const std::set<std::string> suggested =
      r.RejectUnknownKeys({.keys = {"tick_interval_s", "grpc_listen"}, .otherwise = "see docs"});
  EXPECT_THAT(suggested, ElementsAre("tick_interval_s"));
  EXPECT_THAT(d.errors(),
              ElementsAre("c.json: tick_intervl_s: unknown key; did you mean tick_interval_s?",
                          "c.json: zzz: unknown key; see docs"));
}

}  // namespace
}  // namespace limiar::config
