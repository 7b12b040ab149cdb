#include "src/metrics/prometheus/prometheus_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace limiar::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;

SeriesLabel L(std::string name, std::string value) {
  return SeriesLabel{std::move(name), std::move(value)};
}

// Strict parse that must succeed; the test fails with the parser's message otherwise.
ParsedExposition MustParse(absl::string_view text) {
  absl::StatusOr<ParsedExposition> parsed = ParsePrometheusText(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : ParsedExposition{};
}

// The message of the strict parse's failure ("line N: ...").
std::string StrictError(absl::string_view text) {
  absl::StatusOr<ParsedExposition> parsed = ParsePrometheusText(text);
  EXPECT_FALSE(parsed.ok()) << "parsed without error: " << text;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(PrometheusTextTest, EmptyBlankAndCommentOnlyInputsHaveNothing) {
  for (absl::string_view text : {"", "\n", "\n\n  \t\n", "# just a comment\n#\n  # indented\n"}) {
    ParsedExposition p = MustParse(text);
    EXPECT_THAT(p.samples, IsEmpty()) << text;
    EXPECT_THAT(p.families, IsEmpty()) << text;
    EXPECT_THAT(p.errors, IsEmpty()) << text;
  }
}

TEST(PrometheusTextTest, ParsesCounterWithHelpAndType) {
  ParsedExposition p = MustParse(
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n");
  ASSERT_THAT(p.families, SizeIs(1));
  EXPECT_EQ(p.families[0].name, "http_requests_total");
  EXPECT_EQ(p.families[0].type, FamilyType::kCounter);
  EXPECT_EQ(p.families[0].help, "The total number of HTTP requests.");
  ASSERT_THAT(p.samples, SizeIs(2));
  const ExpositionSample& s = p.samples[0];
  EXPECT_EQ(s.family, "http_requests_total");
  EXPECT_EQ(s.name, "http_requests_total");
  EXPECT_EQ(s.type, FamilyType::kCounter);
  // Sorted by name, whatever the order on the line.
  EXPECT_THAT(s.labels, ElementsAre(L("code", "200"), L("method", "post")));
  EXPECT_EQ(s.value, 1027);
  EXPECT_THAT(s.timestamp_ms, Optional(1395066363000));
  EXPECT_EQ(s.line, 3);
  EXPECT_EQ(p.samples[1].value, 3);
  EXPECT_EQ(p.samples[1].line, 4);
  ASSERT_NE(s.FindLabel("code"), nullptr);
  EXPECT_EQ(*s.FindLabel("code"), "200");
  EXPECT_EQ(s.FindLabel("job"), nullptr);
  ASSERT_NE(p.FindFamily("http_requests_total"), nullptr);
  EXPECT_EQ(p.FindFamily("nope"), nullptr);
}

TEST(PrometheusTextTest, SamplesWithoutHelpOrTypeAreUntypedFamiliesOfTheirOwn) {
  ParsedExposition p = MustParse(
      "metric_without_timestamp_and_labels 12.47\n"
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n");
  ASSERT_THAT(p.families, SizeIs(2));
  EXPECT_EQ(p.families[0].type, FamilyType::kUntyped);
  EXPECT_EQ(p.families[0].help, "");
  EXPECT_EQ(p.samples[0].family, "metric_without_timestamp_and_labels");
  EXPECT_EQ(p.samples[0].type, FamilyType::kUntyped);
  EXPECT_THAT(p.samples[0].labels, IsEmpty());
  EXPECT_EQ(p.samples[0].timestamp_ms, std::nullopt);
  EXPECT_EQ(p.samples[1].value, std::numeric_limits<double>::infinity());
  EXPECT_THAT(p.samples[1].timestamp_ms, Optional(-3982045));
}

TEST(PrometheusTextTest, HelpUnescapesBackslashAndNewlineAndKeepsOtherEscapes) {
  ParsedExposition p = MustParse(
      "# HELP a Line one\\nline two, a backslash \\\\ and \\t as written.\n"
      "# HELP b   leading blanks go, trailing stay  \n"
      "# HELP c\n"  // a HELP line without text says nothing
      "a 1\nb 1\nc 1\n");
  EXPECT_EQ(p.FindFamily("a")->help, "Line one\nline two, a backslash \\ and \\t as written.");
  EXPECT_EQ(p.FindFamily("b")->help, "leading blanks go, trailing stay  ");
  EXPECT_EQ(p.FindFamily("c")->help, "");
}

TEST(PrometheusTextTest, LabelValueEscapesAndUtf8) {
  ParsedExposition p = MustParse(
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
      "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "greeting{text=\"olá, 世界 {a=\\\"b\\\"}, #\"} 1\n");
  ASSERT_THAT(p.samples, SizeIs(2));
  EXPECT_THAT(p.samples[0].labels, ElementsAre(L("error", "Cannot find file:\n\"FILE.TXT\""),
                                               L("path", "C:\\DIR\\FILE.TXT")));
  EXPECT_EQ(p.samples[0].value, 1.458255915e9);
  EXPECT_THAT(p.samples[1].labels, ElementsAre(L("text", "olá, 世界 {a=\"b\"}, #")));
}

TEST(PrometheusTextTest, EmptyLabelSetsTrailingCommasAndEmptyValues) {
  ParsedExposition p = MustParse(
      "a{} 1\n"
      "b{x=\"1\",} 2\n"
      "c{x=\"\"} 3\n"
      "d{ x = \"1\" , y=\"2\" , } 4\n");
  ASSERT_THAT(p.samples, SizeIs(4));
  EXPECT_THAT(p.samples[0].labels, IsEmpty());
  EXPECT_THAT(p.samples[1].labels, ElementsAre(L("x", "1")));
  EXPECT_THAT(p.samples[2].labels, ElementsAre(L("x", "")));
  EXPECT_THAT(p.samples[3].labels, ElementsAre(L("x", "1"), L("y", "2")));
}

TEST(PrometheusTextTest, ValuesFollowGoFloatSyntax) {
  struct Case {
    const char* text;
    double want;
  };
  const double inf = std::numeric_limits<double>::infinity();
  for (const Case& c :
       std::initializer_list<Case>{{"0", 0},
                                   {"-0", -0.0},
                                   {"42", 42},
                                   {"+3", 3},
                                   {"-1.5", -1.5},
                                   {".5", 0.5},
                                   {"5.", 5},
                                   {"1e3", 1000},
                                   {"1E+3", 1000},
                                   {"-2.5e-3", -0.0025},
                                   {"007", 7},
                                   {"1.7976931348623157e308", 1.7976931348623157e308},
                                   {"1e-400", 0},  // underflow is 0, as in Go
                                   {"+Inf", inf},
                                   {"-Inf", -inf},
                                   {"Inf", inf},
                                   {"inf", inf},
                                   {"+infinity", inf},
                                   {"-Infinity", -inf}}) {
    ParsedExposition p = MustParse(absl::StrCat("m ", c.text, "\n"));
    ASSERT_THAT(p.samples, SizeIs(1)) << c.text;
    EXPECT_EQ(p.samples[0].value, c.want) << c.text;
    EXPECT_EQ(std::signbit(p.samples[0].value), std::signbit(c.want)) << c.text;
  }
  for (const char* nan : {"NaN", "nan", "NAN"}) {
    ParsedExposition p = MustParse(absl::StrCat("m ", nan, "\n"));
    ASSERT_THAT(p.samples, SizeIs(1)) << nan;
    EXPECT_TRUE(std::isnan(p.samples[0].value)) << nan;
  }
}

TEST(PrometheusTextTest, RejectsWhatGoAndPrometheusRejectInValues) {
  // Hex floats and underscores are refused by Prometheus; the rest by Go's ParseFloat.
  for (const char* bad : {"0x1p3", "0x10", "1_000", "1e", "e3", ".", "+", "-", "+NaN", "-nan",
                          "infin", "1.2.3", "12abc", "1,5", "one"}) {
    EXPECT_EQ(StrictError(absl::StrCat("m ", bad, "\n")),
              absl::StrCat("line 1: invalid value \"", bad,
                           "\" for \"m\": expected a float, NaN, +Inf or -Inf"));
  }
  EXPECT_EQ(StrictError("m 1e400\n"),
            "line 1: value \"1e400\" of \"m\" is out of range for a 64-bit float");
}

TEST(PrometheusTextTest, TimestampsAreInt64Milliseconds) {
  ParsedExposition p = MustParse(
      "a 1 1700000000123\n"
      "b 1 -1\n"
      "c 1 +5\n"
      "d 1 9223372036854775807\n"
      "e 1 -9223372036854775808\n"
      "f 1 0\n");
  ASSERT_THAT(p.samples, SizeIs(6));
  EXPECT_THAT(p.samples[0].timestamp_ms, Optional(1700000000123));
  EXPECT_THAT(p.samples[1].timestamp_ms, Optional(-1));
  EXPECT_THAT(p.samples[2].timestamp_ms, Optional(5));
  EXPECT_THAT(p.samples[3].timestamp_ms, Optional(std::numeric_limits<int64_t>::max()));
  EXPECT_THAT(p.samples[4].timestamp_ms, Optional(std::numeric_limits<int64_t>::min()));
  EXPECT_THAT(p.samples[5].timestamp_ms, Optional(0));

  for (const char* bad : {"1.5", "1e3", "+-5", "-+5", "--5", "abc", "0x10", "1_000"}) {
    EXPECT_EQ(StrictError(absl::StrCat("m 1 ", bad, "\n")),
              absl::StrCat("line 1: invalid timestamp \"", bad,
                           "\" for \"m\": expected integer milliseconds"));
  }
  EXPECT_EQ(StrictError("m 1 9223372036854775808\n"),
            "line 1: timestamp \"9223372036854775808\" of \"m\" is out of range for int64 "
            "milliseconds");
  EXPECT_EQ(StrictError("m 1 2 3\n"), "line 1: unexpected \"3\" after the timestamp of \"m\"");
}

TEST(PrometheusTextTest, BlanksAndTabsAreAllowedBetweenTokens) {
  ParsedExposition p = MustParse(
      "  \t# TYPE\tspaced \t gauge \t\n"
      " \tspaced \t{ \ta\t=\t\"1\"\t,\tb = \"2\" } \t 7 \t 123 \t\n"
      "spaced{a=\"3\"}8\n"  // nothing needed between '}' and the value
      "spaced 9   \n");
  ASSERT_THAT(p.samples, SizeIs(3));
  EXPECT_EQ(p.samples[0].type, FamilyType::kGauge);
  EXPECT_THAT(p.samples[0].labels, ElementsAre(L("a", "1"), L("b", "2")));
  EXPECT_EQ(p.samples[0].value, 7);
  EXPECT_THAT(p.samples[0].timestamp_ms, Optional(123));
  EXPECT_EQ(p.samples[1].value, 8);
  EXPECT_EQ(p.samples[2].value, 9);
  EXPECT_EQ(p.samples[2].timestamp_ms, std::nullopt);
}

TEST(PrometheusTextTest, AcceptsCrlfAndAMissingFinalNewline) {
  ParsedExposition p = MustParse("# TYPE a counter\r\na{x=\"1\"} 1 5\r\n\r\nb 2\r\nc 3");
  ASSERT_THAT(p.samples, SizeIs(3));
  EXPECT_EQ(p.samples[0].type, FamilyType::kCounter);
  EXPECT_THAT(p.samples[0].timestamp_ms, Optional(5));
  EXPECT_EQ(p.samples[1].value, 2);
  EXPECT_EQ(p.samples[2].value, 3);
  EXPECT_EQ(p.samples[2].line, 5);
  // A carriage return anywhere but at the end of a line is still an error.
  EXPECT_EQ(StrictError("a 1\r 5\n"),
            "line 1: invalid value \"1\\r\" for \"a\": expected a float, NaN, +Inf or -Inf");
}

TEST(PrometheusTextTest, CommentsThatAreNotHelpOrTypeAreIgnored) {
  ParsedExposition p = MustParse(
      "# HELPER not a help line\n"
      "# TYPEs neither\n"
      "# help lower case is a comment\n"
      "# TYPE\n"         // keyword alone: nothing said
      "# TYPE lonely\n"  // no type word: nothing said
      "#HELP tight Help without a blank after '#'.\n"
      "# EOF\n"
      "tight 1\n"
      "lonely 2\n");
  ASSERT_THAT(p.families, SizeIs(2));
  EXPECT_EQ(p.families[0].name, "tight");
  EXPECT_EQ(p.families[0].help, "Help without a blank after '#'.");
  EXPECT_EQ(p.families[1].name, "lonely");
  EXPECT_EQ(p.families[1].type, FamilyType::kUntyped);
}

TEST(PrometheusTextTest, TypeWordsAreCaseInsensitiveAndUnknownOnesAreUntyped) {
  ParsedExposition p = MustParse(
      "# TYPE a COUNTER\n# TYPE b Gauge\n# TYPE c info\n# TYPE d gaugehistogram\n"
      "a 1\nb 1\nc 1\nd 1\n");
  EXPECT_EQ(p.FindFamily("a")->type, FamilyType::kCounter);
  EXPECT_EQ(p.FindFamily("b")->type, FamilyType::kGauge);
  EXPECT_EQ(p.FindFamily("c")->type, FamilyType::kUntyped);
  EXPECT_EQ(p.FindFamily("d")->type, FamilyType::kUntyped);
}

TEST(PrometheusTextTest, FamilyTypeNames) {
  EXPECT_EQ(FamilyTypeName(FamilyType::kUntyped), "untyped");
  EXPECT_EQ(FamilyTypeName(FamilyType::kCounter), "counter");
  EXPECT_EQ(FamilyTypeName(FamilyType::kGauge), "gauge");
  EXPECT_EQ(FamilyTypeName(FamilyType::kHistogram), "histogram");
  EXPECT_EQ(FamilyTypeName(FamilyType::kSummary), "summary");
}

TEST(PrometheusTextTest, DuplicateTypeIsAnErrorAndTheFirstTypeStays) {
  const std::string text =
      "# TYPE x counter\n"
      "# TYPE x gauge\n"
      "x 1\n";
  EXPECT_EQ(StrictError(text), "line 2: second TYPE line for \"x\" (first on line 1)");
  ParsedExposition p = ParsePrometheusTextLenient(text);
  EXPECT_EQ(p.error_count, 1);
  ASSERT_THAT(p.samples, SizeIs(1));
  EXPECT_EQ(p.samples[0].type, FamilyType::kCounter);
}

TEST(PrometheusTextTest, TypeAfterSamplesAndSecondHelpAreErrors) {
  EXPECT_EQ(StrictError("x 1\n# TYPE x gauge\n"),
            "line 2: TYPE line for \"x\" comes after its samples (from line 1)");
  EXPECT_EQ(StrictError("# HELP x one\n# HELP x two\n"),
            "line 2: second HELP line for \"x\" (first on line 1)");
  // HELP after the samples is fine: it changes nothing about them.
  ParsedExposition p = MustParse("x 1\n# HELP x late help\n");
  EXPECT_EQ(p.FindFamily("x")->help, "late help");
}

TEST(PrometheusTextTest, MalformedHelpAndTypeLinesNameTheProblem) {
  EXPECT_EQ(StrictError("# TYPE 1x counter\n"),
            "line 1: expected a metric name after TYPE, found '1'");
  EXPECT_EQ(StrictError("# HELP x-y text\n"),
            "line 1: unexpected '-' in metric name \"x\" of the HELP line");
  EXPECT_EQ(StrictError("# TYPE x counter extra\n"),
            "line 1: unexpected \"extra\" after the type of \"x\"");
}

TEST(PrometheusTextTest, BadSampleLinesNameLineAndProblem) {
  struct Case {
    const char* line;
    const char* error;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"http_requests_total{code 200} 1", "expected '=' after label name \"code\", found '2'"},
           {"m{code} 1", "expected '=' after label name \"code\", found '}'"},
           {"m{code=200} 1", "expected '\"' to open the value of label \"code\", found '2'"},
           {"m{code='200'} 1", "expected '\"' to open the value of label \"code\", found \"'\""},
           {"m{code=\"200} 1", "unterminated value of label \"code\": missing closing '\"'"},
           {"m{code=\"2\\00\"} 1",
            "invalid escape sequence '\\0' in the value of label \"code\" (only \\\\, \\\" and "
            "\\n are allowed)"},
           {"m{a=\"1\" b=\"2\"} 1",
            "expected ',' or '}' after the value of label \"a\", found 'b'"},
           {"m{a=\"1\",,} 1", "expected a label name or '}' in the labels of \"m\", found ','"},
           {"m{1a=\"1\"} 1", "expected a label name or '}' in the labels of \"m\", found '1'"},
           {"m{a:b=\"1\"} 1", "expected '=' after label name \"a\", found ':'"},
           {"m{\"a\"=\"1\"} 1", "expected a label name or '}' in the labels of \"m\", found '\"'"},
           {"m{a=\"1\"", "unterminated label set of \"m\": missing '}'"},
           {"m{a=\"1\",b=\"2\",a=\"3\"} 1", "duplicate label name \"a\" in \"m\""},
           {"m{__name__=\"x\"} 1",
            "label name \"__name__\" is reserved: the metric name goes before '{'"},
           {"{a=\"1\"} 1", "missing metric name before '{'"},
           {"1m 1", "expected a metric name, found '1'"},
           {"m-x 1", "unexpected '-' after metric name \"m\""},
           {"m", "missing value for \"m\""},
           {"m{a=\"1\"}", "missing value for \"m\""},
           {"m{a=\"\xff\"} 1", "the value of label \"a\" is not valid UTF-8"},
           {"m{a=\"\xc0\xaf\"} 1", "the value of label \"a\" is not valid UTF-8"},
       }) {
    EXPECT_EQ(StrictError(absl::StrCat("ok 1\n", c.line, "\n")), absl::StrCat("line 2: ", c.error))
        << c.line;
  }
}

TEST(PrometheusTextTest, HistogramSeriesJoinTheirFamily) {
  ParsedExposition p = MustParse(
      "# HELP rpc_duration_seconds RPC latency.\n"
      "# TYPE rpc_duration_seconds histogram\n"
      "rpc_duration_seconds_bucket{le=\"0.05\"} 24054\n"
      "rpc_duration_seconds_bucket{le=\"0.1\"} 33444\n"
      "rpc_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
      "rpc_duration_seconds_sum 53423\n"
      "rpc_duration_seconds_count 144320\n"
      "rpc_duration_seconds_total 1\n");  // not a histogram series: a family of its own
  ASSERT_THAT(p.families, SizeIs(2));
  ASSERT_THAT(p.samples, SizeIs(6));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(p.samples[i].family, "rpc_duration_seconds") << i;
    EXPECT_EQ(p.samples[i].type, FamilyType::kHistogram) << i;
  }
  EXPECT_EQ(p.samples[0].name, "rpc_duration_seconds_bucket");
  EXPECT_THAT(p.samples[2].labels, ElementsAre(L("le", "+Inf")));
  EXPECT_EQ(p.samples[3].name, "rpc_duration_seconds_sum");
  EXPECT_EQ(p.samples[4].name, "rpc_duration_seconds_count");
  EXPECT_EQ(p.samples[5].family, "rpc_duration_seconds_total");
  EXPECT_EQ(p.samples[5].type, FamilyType::kUntyped);
}

TEST(PrometheusTextTest, SummarySeriesJoinTheirFamily) {
  ParsedExposition p = MustParse(
      "# TYPE rpc_seconds summary\n"
      "rpc_seconds{quantile=\"0.5\",service=\"a\"} 0.2\n"
      "rpc_seconds{quantile=\"0.99\",service=\"a\"} NaN\n"
      "rpc_seconds_sum{service=\"a\"} 17\n"
      "rpc_seconds_count{service=\"a\"} 90\n"
      "rpc_seconds_bucket{le=\"1\"} 3\n");  // summaries have no buckets
  ASSERT_THAT(p.samples, SizeIs(5));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(p.samples[i].family, "rpc_seconds") << i;
    EXPECT_EQ(p.samples[i].type, FamilyType::kSummary) << i;
  }
  EXPECT_THAT(p.samples[0].labels, ElementsAre(L("quantile", "0.5"), L("service", "a")));
  EXPECT_TRUE(std::isnan(p.samples[1].value));
  EXPECT_EQ(p.samples[4].family, "rpc_seconds_bucket");
}

TEST(PrometheusTextTest, CounterSuffixesDoNotJoinTheCounter) {
  ParsedExposition p = MustParse("# TYPE x counter\nx 1\nx_sum 2\nx_count 3\n");
  EXPECT_THAT(p.families, SizeIs(3));
  EXPECT_EQ(p.samples[1].family, "x_sum");
  EXPECT_EQ(p.samples[1].type, FamilyType::kUntyped);
}

TEST(PrometheusTextTest, HistogramAndSummaryLinesNeedTheirBoundLabel) {
  const std::string h = "# TYPE h histogram\n";
  EXPECT_EQ(StrictError(h + "h_bucket{x=\"1\"} 1\n"),
            "line 2: histogram bucket \"h_bucket\" has no \"le\" label");
  EXPECT_EQ(StrictError(h + "h_bucket{le=\"big\"} 1\n"),
            "line 2: invalid \"le\" value \"big\" in \"h_bucket\": expected a float or +Inf");
  EXPECT_EQ(StrictError(h + "h 1\n"),
            "line 2: sample \"h\" of histogram \"h\" must be named h_bucket, h_sum or h_count");
  const std::string s = "# TYPE s summary\n";
  EXPECT_EQ(StrictError(s + "s 1\n"), "line 2: summary \"s\" has no \"quantile\" label");
  EXPECT_EQ(StrictError(s + "s{quantile=\"p99\"} 1\n"),
            "line 2: invalid \"quantile\" value \"p99\" in \"s\": expected a float or +Inf");
}

TEST(PrometheusTextTest, DuplicateSeriesAreErrorsButNewTimestampsAreNot) {
  EXPECT_EQ(StrictError("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n"),
            "line 2: duplicate series \"a\" with the same labels (first on line 1)");
  EXPECT_EQ(StrictError("a 1\n\na 2\n"), "line 3: duplicate series \"a\" (first on line 1)");
  EXPECT_EQ(StrictError("a 1 10\na 2 10\n"),
            "line 2: duplicate series \"a\" and timestamp (first on line 1)");
  ParsedExposition p = MustParse("a 1 10\na 2 20\na{x=\"1\"} 3\n");
  EXPECT_THAT(p.samples, SizeIs(3));
}

TEST(PrometheusTextTest, LenientModeKeepsEveryValidLine) {
  const std::string text =
      "# TYPE good counter\n"
      "good{code=\"200\"} 10\n"
      "good{code 500} 1\n"   // line 3
      "# TYPE good gauge\n"  // line 4
      "good{code=\"500\"} 2\n"
      "garbage here\n"  // line 6
      "other 3\n";
  ParsedExposition p = ParsePrometheusTextLenient(text);
  ASSERT_THAT(p.samples, SizeIs(3));
  EXPECT_EQ(p.samples[0].value, 10);
  EXPECT_EQ(p.samples[1].value, 2);
  EXPECT_EQ(p.samples[1].type, FamilyType::kCounter);
  EXPECT_EQ(p.samples[2].name, "other");
  ASSERT_THAT(p.errors, SizeIs(3));
  EXPECT_EQ(p.error_count, 3);
  EXPECT_EQ(p.errors[0].ToString(), "line 3: expected '=' after label name \"code\", found '5'");
  EXPECT_EQ(p.errors[1].line, 4);
  EXPECT_THAT(p.errors[1].message, HasSubstr("second TYPE line"));
  EXPECT_EQ(p.errors[2].ToString(),
            "line 6: invalid value \"here\" for \"garbage\": expected a float, NaN, +Inf or -Inf");
  // The strict parse stops at the first of them.
  EXPECT_EQ(StrictError(text), p.errors[0].ToString());
  // A family named only on a bad line does not appear.
  EXPECT_EQ(p.FindFamily("garbage"), nullptr);
}

TEST(PrometheusTextTest, LenientModeCapsTheErrorListButCountsAll) {
  std::string text;
  for (int i = 0; i < 250; ++i) absl::StrAppend(&text, "<html>\n");
  text += "up 1\n";
  ParsedExposition p = ParsePrometheusTextLenient(text, /*max_errors=*/10);
  EXPECT_THAT(p.errors, SizeIs(10));
  EXPECT_EQ(p.error_count, 250);
  EXPECT_EQ(p.errors[9].line, 10);
  ASSERT_THAT(p.samples, SizeIs(1));
  EXPECT_EQ(p.samples[0].line, 251);
  EXPECT_THAT(ParsePrometheusTextLenient(text, 0).errors, IsEmpty());
}

// An exposition with three families, one a histogram, and a bad line in an unwanted one.
constexpr char kMixed[] =
    "# HELP wanted_total Wanted.\n"
    "# TYPE wanted_total counter\n"
    "wanted_total{code=\"200\"} 5\n"
    "wanted_total{code=\"500\"} 1\n"
    "# TYPE unwanted gauge\n"
    "unwanted{a=\"1\"} 1\n"
    "unwanted{broken 2\n"
    "# TYPE latency_seconds histogram\n"
    "latency_seconds_bucket{le=\"+Inf\"} 3\n"
    "latency_seconds_count 3\n"
    "latency_seconds_sum 0.5\n";

SampleFilter NamesFilter(std::vector<std::string> names) {
  SampleFilter f;
  f.keep_name = [names](absl::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  return f;
}

TEST(PrometheusTextFilterTest, RefusedNamesAreSkippedUnreadAndCounted) {
  const ParsedExposition p = ParsePrometheusTextLenient(
      kMixed, 10, NamesFilter({"wanted_total", "latency_seconds_count"}));
  EXPECT_THAT(p.samples, ElementsAre(Field(&ExpositionSample::name, "wanted_total"),
                                     Field(&ExpositionSample::name, "wanted_total"),
                                     Field(&ExpositionSample::name, "latency_seconds_count")));
  // The histogram's TYPE was kept for its _count line; the unwanted gauge's was not.
  EXPECT_EQ(p.samples[2].type, FamilyType::kHistogram);
  EXPECT_EQ(p.samples[2].family, "latency_seconds");
  EXPECT_EQ(p.FindFamily("unwanted"), nullptr);
  EXPECT_EQ(p.FindFamily("wanted_total")->help, "Wanted.");
  // The broken line belongs to a refused name: skipped, not an error.
  EXPECT_EQ(p.error_count, 0);
  EXPECT_EQ(p.skipped_samples, 4);
}

TEST(PrometheusTextFilterTest, RefusedSeriesAreDroppedAfterTheirLabels) {
  SampleFilter f = NamesFilter({"wanted_total"});
  f.keep_series = [](absl::string_view, const SeriesLabels& labels) {
    return labels.size() == 1 && labels[0].value == "200";
  };
  const ParsedExposition p = ParsePrometheusTextLenient(kMixed, 10, f);
  ASSERT_THAT(p.samples, SizeIs(1));
  EXPECT_EQ(p.samples[0].value, 5);
  EXPECT_EQ(p.skipped_samples, 6);
}

TEST(PrometheusTextFilterTest, MaxSamplesStopsTheParse) {
  SampleFilter f;
  f.max_samples = 2;
  const ParsedExposition p = ParsePrometheusTextLenient(kMixed, 10, f);
  EXPECT_TRUE(p.sample_limit_hit);
  EXPECT_THAT(p.samples, SizeIs(2));
  EXPECT_EQ(p.error_count, 0);  // the broken line comes later and was not read
  f.max_samples = 6;            // all there are
  EXPECT_FALSE(ParsePrometheusTextLenient(kMixed, 10, f).sample_limit_hit);
}

TEST(PrometheusTextFilterTest, NoFilterKeepsEverything) {
  const ParsedExposition p = ParsePrometheusTextLenient(kMixed, 10);
  EXPECT_THAT(p.samples, SizeIs(6));
  EXPECT_EQ(p.error_count, 1);
  EXPECT_EQ(p.skipped_samples, 0);
  EXPECT_FALSE(p.sample_limit_hit);
}

TEST(PrometheusTextTest, ErrorsQuoteAtMostAShortPieceOfTheLine) {
  // A 1 MB token where the value goes: the message names it, it does not carry it.
  const std::string text = absl::StrCat("up ", std::string(1'000'000, 'v'), "\n");
  const ParsedExposition p = ParsePrometheusTextLenient(text, 10);
  ASSERT_THAT(p.errors, SizeIs(1));
  EXPECT_THAT(p.errors[0].message, HasSubstr("invalid value \"vvvv"));
  EXPECT_LT(p.errors[0].message.size(), 300u);
}

TEST(PrometheusTextTest, MetricNamesMayHaveColonsAndDigits) {
  ParsedExposition p = MustParse("job:http_requests:rate5m{job=\"a\"} 1\n:x9 2\n_y 3\n");
  EXPECT_THAT(p.samples, ElementsAre(Field(&ExpositionSample::name, "job:http_requests:rate5m"),
                                     Field(&ExpositionSample::name, ":x9"),
                                     Field(&ExpositionSample::name, "_y")));
}

}  // namespace
}  // namespace limiar::metrics
