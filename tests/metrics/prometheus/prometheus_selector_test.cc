#include "src/metrics/prometheus/prometheus_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "src/metrics/prometheus/prometheus_text.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Op = LabelMatcher::Op;

SeriesSelector MustParse(absl::string_view text) {
  absl::StatusOr<SeriesSelector> s = SeriesSelector::Parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  return s.ok() ? *std::move(s) : *SeriesSelector::Parse("must_parse_failed");
}

std::string ParseError(absl::string_view text) {
  absl::StatusOr<SeriesSelector> s = SeriesSelector::Parse(text);
  EXPECT_FALSE(s.ok()) << "parsed: " << text;
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(s.status().message());
}

std::string Describe(const LabelMatcher& m) { return m.ToString(); }

TEST(SeriesSelectorTest, ParsesNameAndMatchers) {
  SeriesSelector s = MustParse("http_requests_total{code=~\"2..\",job=\"api\"}");
  EXPECT_EQ(s.metric_name(), "http_requests_total");
  ASSERT_EQ(s.matchers().size(), 3u);
  EXPECT_EQ(s.matchers()[0].name(), "__name__");
  EXPECT_EQ(s.matchers()[1].name(), "code");
  EXPECT_EQ(s.matchers()[1].op(), Op::kRegexMatch);
  EXPECT_EQ(s.matchers()[1].value(), "2..");
  EXPECT_EQ(s.matchers()[2].op(), Op::kEqual);
  EXPECT_EQ(s.ToString(), "http_requests_total{code=~\"2..\",job=\"api\"}");
}

TEST(SeriesSelectorTest, AcceptsPromQlSpellings) {
  struct Case {
    const char* in;
    const char* canonical;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"up", "up"},
           {"  up {}  ", "up"},
           {"job:rate5m{ a != 'x' , b !~ `y\\.z` , }", "job:rate5m{a!=\"x\",b!~\"y\\\\.z\"}"},
           {"{__name__=\"up\"}", "up"},
           {"{__name__=~\"up|down\",job=\"a\"}", "{__name__=~\"up|down\",job=\"a\"}"},
           {"m{a=\"tab\\there\",b='it\\'s',c=\"\\u00e9\\x41\\101\"}",
            "m{a=\"tab\\there\",b=\"it's\",c=\"\xc3\xa9"
            "AA\"}"},
           {"m{a=\"line\\nbreak\"}", "m{a=\"line\\nbreak\"}"},
       }) {
    SeriesSelector s = MustParse(c.in);
    EXPECT_EQ(s.ToString(), c.canonical) << c.in;
    // The canonical form reads back to the same selector.
    EXPECT_EQ(MustParse(s.ToString()).ToString(), c.canonical) << c.in;
  }
}

TEST(SeriesSelectorTest, MatchesWithPromQlSemantics) {
  const ParsedExposition p = *ParsePrometheusText(
      "# TYPE http_requests_total counter\n"
      "http_requests_total{code=\"200\",job=\"api\"} 1\n"
      "http_requests_total{code=\"201\",job=\"api\"} 2\n"
      "http_requests_total{code=\"500\",job=\"api\"} 3\n"
      "http_requests_total{code=\"200\",job=\"web\"} 4\n"
      "http_requests_total{code=\"2000\",job=\"api\"} 5\n"
      "http_requests_total{job=\"api\"} 6\n"
      "other{code=\"200\",job=\"api\"} 7\n");
  auto values = [&](absl::string_view selector) {
    std::vector<double> out;
    for (const ExpositionSample* s : MustParse(selector).Select(p)) out.push_back(s->value);
    return out;
  };
  // Regexes match the whole value: "2.." does not match "2000".
  EXPECT_THAT(values("http_requests_total{code=~\"2..\",job=\"api\"}"), ElementsAre(1, 2));
  EXPECT_THAT(values("http_requests_total{code!~\"2..\"}"), ElementsAre(3, 5, 6));
  EXPECT_THAT(values("http_requests_total{job!=\"api\"}"), ElementsAre(4));
  // An absent label is "": `=""` selects series without it, `!=""` those with it.
  EXPECT_THAT(values("http_requests_total{code=\"\"}"), ElementsAre(6));
  EXPECT_THAT(values("http_requests_total{code!=\"\"}"), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(values("{code=\"200\"}"), ElementsAre(1, 4, 7));
  EXPECT_THAT(values("{__name__=~\"oth.*\"}"), ElementsAre(7));
  EXPECT_THAT(values("{__name__=~\"http_.*|other\",code=\"200\",job=\"api\"}"), ElementsAre(1, 7));
  EXPECT_THAT(values("missing"), ElementsAre());
  EXPECT_THAT(values("http_requests_total{code=~\"2.*|5.*\",job=~\"a.i\"}"),
              ElementsAre(1, 2, 3, 5));
}

TEST(SeriesSelectorTest, NameMatchesTheSampleNameNotTheFamily) {
  const ParsedExposition p = *ParsePrometheusText(
      "# TYPE d histogram\n"
      "d_bucket{le=\"0.1\"} 1\n"
      "d_bucket{le=\"+Inf\"} 2\n"
      "d_sum 0.3\n"
      "d_count 2\n");
  EXPECT_EQ(MustParse("d").Select(p).size(), 0u);
  const auto inf = MustParse("d_bucket{le=\"+Inf\"}").Select(p);
  ASSERT_EQ(inf.size(), 1u);
  EXPECT_EQ(inf[0]->value, 2);
  EXPECT_EQ(MustParse("{__name__=~\"d_(sum|count)\"}").Select(p).size(), 2u);
}

TEST(SeriesSelectorTest, MatchesLabelsDirectly) {
  SeriesSelector s = MustParse("m{a=\"1\"}");
  EXPECT_TRUE(s.Matches("m", {{"a", "1"}, {"b", "2"}}));
  EXPECT_FALSE(s.Matches("m", {{"b", "2"}}));
  EXPECT_FALSE(s.Matches("n", {{"a", "1"}}));
}

TEST(SeriesSelectorTest, ErrorsNameColumnAndProblem) {
  struct Case {
    const char* in;
    const char* error;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "invalid selector `` at column 1: empty selector"},
           {"   ", "invalid selector `   ` at column 4: empty selector"},
           {"m{code 200}",
            "invalid selector `m{code 200}` at column 8: expected '=', '!=', '=~' or '!~' after "
            "label name \"code\", found '2'"},
           {"m{code==\"2\"}",
            "invalid selector `m{code==\"2\"}` at column 8: expected a quoted value after "
            "code=, found '='"},
           {"m{code=~2..}",
            "invalid selector `m{code=~2..}` at column 9: expected a quoted value after code=~, "
            "found '2'"},
           {"m{code=\"200}",
            "invalid selector `m{code=\"200}` at column 8: unterminated string: missing closing "
            "\""},
           {"m{code=\"200\"",
            "invalid selector `m{code=\"200\"` at column 13: expected ',' or '}' after the matcher "
            "on \"code\", found end of selector"},
           {"m{code=\"200\" job=\"a\"}",
            "invalid selector `m{code=\"200\" job=\"a\"}` at column 14: expected ',' or '}' after "
            "the matcher on \"code\", found 'j'"},
           {"m{,}", "invalid selector `m{,}` at column 3: expected a label name or '}', found ','"},
           {"m{", "invalid selector `m{` at column 3: unterminated matcher list: missing '}'"},
           {"m{code=~\"(\"}",
            "invalid selector `m{code=~\"(\"}` at column 9: invalid regular expression \"(\": "
            "missing ): ("},
           {"m{a=\"\\q\"}",
            "invalid selector `m{a=\"\\q\"}` at column 6: unknown escape "
            "sequence '\\q'"},
           {"m{a=\"\\'\"}",
            "invalid selector `m{a=\"\\'\"}` at column 6: unknown escape "
            "sequence '\\''"},
           {"m{a=\"\\u12\"}",
            "invalid selector `m{a=\"\\u12\"}` at column 6: \\u needs 4 hex "
            "digits"},
           {"m{a=\"\\ud800\"}",
            "invalid selector `m{a=\"\\ud800\"}` at column 6: escape "
            "sequence is not a valid Unicode code point"},
           {"m{__name__=\"x\"}",
            "invalid selector `m{__name__=\"x\"}` at column 3: the metric name is given twice: "
            "before '{' and as __name__"},
           {"m[5m]",
            "invalid selector `m[5m]` at column 2: unexpected '[' after the selector: only "
            "`name{label op \"value\", ...}` is supported (no ranges, offsets or functions)"},
           {"rate(m[5m])",
            "invalid selector `rate(m[5m])` at column 5: unexpected '(' after the selector: only "
            "`name{label op \"value\", ...}` is supported (no ranges, offsets or functions)"},
           {"1m", "invalid selector `1m` at column 1: expected a metric name or '{', found '1'"},
           {"{}",
            "invalid selector `{}` at column 3: the selector would match every series: it needs "
            "a metric name or a matcher that does not match the empty string"},
           {"{a=~\".*\",b!=\"x\"}",
            "invalid selector `{a=~\".*\",b!=\"x\"}` at column 17: the selector would match "
            "every series: it needs a metric name or a matcher that does not match the empty "
            "string"},
       }) {
    EXPECT_EQ(ParseError(c.in), c.error) << c.in;
  }
}

TEST(LabelMatcherTest, CreateChecksNameAndRegex) {
  EXPECT_THAT(LabelMatcher::Create("1a", Op::kEqual, "x").status().message(),
              HasSubstr("invalid label name \"1a\""));
  EXPECT_THAT(LabelMatcher::Create("a", Op::kRegexNoMatch, "[").status().message(),
              HasSubstr("invalid regular expression \"[\""));
  absl::StatusOr<LabelMatcher> m = LabelMatcher::Create("a", Op::kRegexMatch, "x|y");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("x"));
  EXPECT_TRUE(m->Matches("y"));
  EXPECT_FALSE(m->Matches("xy"));
  EXPECT_FALSE(m->Matches(""));
  // Copies share the compiled expression and stay usable after the original goes.
  LabelMatcher copy = *m;
  m = absl::InvalidArgumentError("gone");
  EXPECT_TRUE(copy.Matches("y"));
  EXPECT_EQ(Describe(copy), "a=~\"x|y\"");
}

}  // namespace
}  // namespace limiar::metrics
