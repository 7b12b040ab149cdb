#include "src/sim/model/traffic.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_test_support.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

using config::Diagnostics;
using nlohmann::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pointwise;

constexpr char kPath[] = "targets.storefront.traffic";

// Writes a trace of `values`, one row per `step_s`, to `dir`/`name` (a test's TestDir).
std::string WriteTrace(const std::string& dir, const std::string& name, double step_s,
                       const std::vector<double>& values) {
  std::ostringstream text;
  text << "# test trace\nt_seconds,value\n";
  for (size_t i = 0; i < values.size(); ++i) text << i * step_s << "," << values[i] << "\n";
  const std::string path = dir + "/" + name;
  ::limiar::testing::WriteFile(path, text.str());
  return path;
}

TrafficSpec Parse(const std::string& text, const std::string& base_dir = "") {
  Diagnostics diag("scenario.json");
  std::optional<TrafficSpec> spec = ParseTraffic(json::parse(text), kPath, base_dir, diag);
  EXPECT_FALSE(diag.has_errors()) << absl::StrJoin(diag.errors(), "\n");
  return spec.value_or(TrafficSpec{});
}

std::vector<std::string> Errors(const std::string& text, const std::string& base_dir = "") {
  Diagnostics diag("scenario.json");
  std::optional<TrafficSpec> spec = ParseTraffic(json::parse(text), kPath, base_dir, diag);
  EXPECT_FALSE(spec.has_value()) << text;
  return diag.errors();
}

std::vector<double> Render(const std::string& text, double step_s, int64_t steps,
                           uint64_t seed = 1) {
  absl::StatusOr<std::vector<double>> r = RenderTraffic(Parse(text), step_s, steps, seed);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.value_or(std::vector<double>{});
}

// Mean of each block of `n` consecutive values.
std::vector<double> BlockMeans(const std::vector<double>& v, size_t n) {
  std::vector<double> out;
  for (size_t i = 0; i + n <= v.size(); i += n) {
    out.push_back(std::accumulate(v.begin() + i, v.begin() + i + n, 0.0) / n);
  }
  return out;
}

double Mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

double Variance(const std::vector<double>& v) {
  const double m = Mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / (v.size() - 1);
}

constexpr char kFlashSale[] =
    R"({"kind": "flash_sale", "baseline": 70, "start_s": 300, "ramp_s": 120,
        "peak_multiple": 10, "hold_s": 600, "decay_s": 300})";

// --- parsing ---

TEST(ParseTrafficTest, ReadsEveryKind) {
  TrafficSpec c = Parse(R"({"kind": "constant", "rate": 100})");
  EXPECT_EQ(c.kind, TrafficSpec::Kind::kConstant);
  EXPECT_EQ(c.rate, 100);

  TrafficSpec s = Parse(R"({"kind": "step", "before": 100, "after": 300, "at_s": 600})");
  EXPECT_EQ(s.kind, TrafficSpec::Kind::kStep);
  EXPECT_EQ(s.before, 100);
  EXPECT_EQ(s.after, 300);
  EXPECT_EQ(s.at_s, 600);

  TrafficSpec d = Parse(
      R"({"kind": "diurnal", "mean": 500, "amplitude": 300, "period_s": 3600, "peak_at_s": 60})");
  EXPECT_EQ(d.kind, TrafficSpec::Kind::kDiurnal);
  EXPECT_EQ(d.mean, 500);
  EXPECT_EQ(d.amplitude, 300);
  EXPECT_EQ(d.period_s, 3600);
  EXPECT_EQ(d.peak_at_s, 60);

  TrafficSpec f = Parse(kFlashSale);
  EXPECT_EQ(f.kind, TrafficSpec::Kind::kFlashSale);
  EXPECT_EQ(f.baseline, 70);
  EXPECT_EQ(f.start_s, 300);
  EXPECT_EQ(f.ramp_s, 120);
  EXPECT_EQ(f.peak_multiple, 10);
  EXPECT_EQ(f.hold_s, 600);
  EXPECT_EQ(f.decay_s, 300);

  TrafficSpec p = Parse(absl::StrCat(R"({"kind": "poisson", "of": )", kFlashSale, "}"));
  EXPECT_EQ(p.kind, TrafficSpec::Kind::kPoisson);
  ASSERT_EQ(p.of.size(), 1u);
  EXPECT_EQ(p.of[0].kind, TrafficSpec::Kind::kFlashSale);

  TrafficSpec sum = Parse(R"({"kind": "sum", "of": [{"kind": "constant", "rate": 1},
                                                    {"kind": "constant", "rate": 2}]})");
  EXPECT_EQ(sum.kind, TrafficSpec::Kind::kSum);
  ASSERT_EQ(sum.of.size(), 2u);
  EXPECT_EQ(sum.of[1].rate, 2);
}

TEST(ParseTrafficTest, Defaults) {
  TrafficSpec d = Parse(R"({"kind": "diurnal", "mean": 5, "amplitude": 1})");
  EXPECT_EQ(d.period_s, 86400);
  EXPECT_EQ(d.peak_at_s, 0);
  TrafficSpec f = Parse(R"({"kind": "flash_sale", "baseline": 5, "start_s": 0, "hold_s": 60})");
  EXPECT_EQ(f.peak_multiple, 10);
  EXPECT_EQ(f.ramp_s, 0);
  EXPECT_EQ(f.decay_s, 0);
}

TEST(ParseTrafficTest, ReadsATraceRelativeToTheBaseDir) {
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  WriteTrace(dir, "x.csv", 1, {1, 2, 3});
  TrafficSpec t = Parse(
      R"({"kind": "trace", "path": "x.csv", "scale": 2, "offset_s": 1, "speedup": 3, "loop": true})",
      dir);
  EXPECT_EQ(t.kind, TrafficSpec::Kind::kTrace);
  EXPECT_EQ(t.path, dir + "/x.csv");
  EXPECT_EQ(t.scale, 2);
  EXPECT_EQ(t.offset_s, 1);
  EXPECT_EQ(t.speedup, 3);
  EXPECT_TRUE(t.loop);

  TrafficSpec plain = Parse(json{{"kind", "trace"}, {"path", dir + "/x.csv"}}.dump(), "/else");
  EXPECT_EQ(plain.path, dir + "/x.csv");  // absolute: kept
  EXPECT_EQ(plain.scale, 1);
  EXPECT_EQ(plain.offset_s, 0);
  EXPECT_EQ(plain.speedup, 1);
  EXPECT_FALSE(plain.loop);
}

TEST(ParseTrafficTest, MissingKindListsTheKinds) {
  EXPECT_THAT(Errors(R"({"rate": 100})"),
              ElementsAre("scenario.json: targets.storefront.traffic: no \"kind\"; add \"kind\": "
                          "one of constant, step, diurnal, flash_sale, poisson, sum, trace"));
}

TEST(ParseTrafficTest, UnknownKindSuggests) {
  EXPECT_THAT(Errors(R"({"kind": "flashsale", "baseline": 1})"),
              ElementsAre(HasSubstr("targets.storefront.traffic.kind: unknown value "
                                    "\"flashsale\"; did you mean flash_sale?")));
  EXPECT_THAT(Errors(R"({"kind": "spike"})"), ElementsAre(HasSubstr("did you mean flash_sale?")));
  EXPECT_THAT(Errors(R"({"kind": 3})"), ElementsAre(HasSubstr("expected a string")));
}

TEST(ParseTrafficTest, UnknownKeysSuggestOrSayWhoseTheyAre) {
  const std::vector<std::string> e = Errors(
      R"({"kind": "flash_sale", "baseline": 70, "start_s": 300, "peak_multipel": 10,
          "hold_s": 600, "rate": 5, "colour": "red"})");
  EXPECT_THAT(e, Contains("scenario.json: targets.storefront.traffic.peak_multipel: unknown key; "
                          "did you mean peak_multiple?"));
  EXPECT_THAT(e, Contains(AllOf(HasSubstr("traffic.rate: a key of kind constant, not flash_sale;"),
                                HasSubstr("kind flash_sale reads baseline, start_s"))));
  EXPECT_THAT(e, Contains(HasSubstr("traffic.colour: unknown key; kind flash_sale reads")));
  EXPECT_EQ(e.size(), 3u);
}

TEST(ParseTrafficTest, RangeErrorsNameTheirPath) {
  EXPECT_THAT(Errors(R"({"kind": "constant", "rate": -5})"),
              ElementsAre("scenario.json: targets.storefront.traffic.rate: negative rate -5; "
                          "rates are requests/s, 0 or more"));
  EXPECT_THAT(Errors(R"({"kind": "diurnal", "mean": 5, "amplitude": 1, "period_s": 0})"),
              ElementsAre(HasSubstr("traffic.period_s: must be > 0")));
  EXPECT_THAT(Errors(R"({"kind": "diurnal", "mean": 5, "amplitude": -1})"),
              ElementsAre(HasSubstr("traffic.amplitude: negative rate -1")));
  EXPECT_THAT(Errors(R"({"kind": "step", "before": 1, "after": 2, "at_s": "5m"})"),
              ElementsAre(HasSubstr("traffic.at_s: expected a number of seconds, got the string "
                                    "\"5m\"; durations are numbers of seconds: write 300")));
  EXPECT_THAT(Errors(R"({"kind": "step", "before": 1, "after": 2, "at_s": -1})"),
              ElementsAre(HasSubstr("traffic.at_s: negative duration")));
  EXPECT_THAT(Errors(R"({"kind": "constant", "rate": "100"})"),
              ElementsAre(HasSubstr("traffic.rate: expected a number, got the string \"100\"; "
                                    "write 100 without quotes")));
}

TEST(ParseTrafficTest, NestedErrorsAllReported) {
  const std::vector<std::string> e = Errors(R"({"kind": "sum", "of": [
      {"kind": "constant", "rate": -1},
      {"kind": "flash_sale", "baseline": 70, "start_s": 300, "peak_multiple": 0.5, "hold_s": 1},
      {"kind": "poisson", "of": {"kind": "step", "before": 1, "after": 2}},
      {"kind": "trace", "path": "t.csv", "speedup": 0, "scale": -2, "loop": "yes"}]})",
                                            "/nonexistent-folder");
  EXPECT_THAT(e, Contains(HasSubstr("traffic.of[0].rate: negative rate -1")));
  EXPECT_THAT(e, Contains("scenario.json: targets.storefront.traffic.of[1].peak_multiple: must "
                          "be >= 1; got 0.5; write the peak as a multiple of the baseline, e.g. "
                          "10 for a 10x spike"));
  EXPECT_THAT(e, Contains("scenario.json: targets.storefront.traffic.of[2].of: no \"at_s\"; add "
                          "\"at_s\": seconds, e.g. 600"));
  EXPECT_THAT(e, Contains(HasSubstr("traffic.of[3].speedup: must be > 0")));
  EXPECT_THAT(e, Contains(HasSubstr("traffic.of[3].scale: must be >= 0")));
  EXPECT_THAT(e, Contains(HasSubstr("traffic.of[3].loop: expected true or false, got the string")));
  EXPECT_THAT(e, Contains(AllOf(HasSubstr("traffic.of[3].path: /nonexistent-folder/t.csv: cannot "
                                          "read the trace: No such file"),
                                HasSubstr("relative paths resolve against /nonexistent-folder"))));
  EXPECT_EQ(e.size(), 7u);
}

TEST(ParseTrafficTest, StructureErrors) {
  EXPECT_THAT(Errors(R"([1, 2])"),
              ElementsAre(HasSubstr("targets.storefront.traffic: expected an object, got a list")));
  EXPECT_THAT(Errors(R"({"kind": "sum", "of": []})"),
              ElementsAre(HasSubstr("traffic.of: an empty list")));
  EXPECT_THAT(
      Errors(R"({"kind": "sum", "of": {"kind": "constant", "rate": 1}})"),
      ElementsAre(HasSubstr("traffic.of: expected a list of traffic nodes, got an object")));
  EXPECT_THAT(Errors(R"({"kind": "poisson"})"), ElementsAre(HasSubstr("traffic: no \"of\"")));
  EXPECT_THAT(Errors(R"({"kind": "poisson", "of": 5})"),
              ElementsAre(HasSubstr("traffic.of: expected an object, got 5")));
  EXPECT_THAT(Errors(R"({"kind": "constant"})"), ElementsAre(HasSubstr("traffic: no \"rate\"")));
}

TEST(ParseTrafficTest, AFlashSaleNeedsALength) {
  EXPECT_THAT(Errors(R"({"kind": "flash_sale", "baseline": 70, "start_s": 300})"),
              ElementsAre(HasSubstr("traffic: the spike has no length")));
  EXPECT_THAT(Errors(R"({"kind": "flash_sale", "baseline": 70, "start_s": 300, "hold_s": 0})"),
              ElementsAre(HasSubstr("traffic: the spike lasts 0 s")));
}

TEST(ParseTrafficTest, TracePathProblems) {
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  EXPECT_THAT(Errors(R"({"kind": "trace", "path": "."})", dir),
              ElementsAre(HasSubstr("traffic.path: " + dir +
                                    "/.: cannot read the trace: not a regular file (a folder)")));
  EXPECT_THAT(Errors(R"({"kind": "trace", "path": ""})", dir),
              ElementsAre(HasSubstr("traffic.path: empty path")));
  EXPECT_THAT(Errors(R"({"kind": "trace"})", dir), ElementsAre(HasSubstr("traffic: no \"path\"")));
}

TEST(ParseTrafficTest, OtherErrorsInTheDiagnosticsDoNotFailAGoodSpec) {
  Diagnostics diag("scenario.json");
  diag.Error("elsewhere", "broken", "fix it");
  EXPECT_TRUE(ParseTraffic(json::parse(R"({"kind": "constant", "rate": 1})"), kPath, "", diag));
  EXPECT_EQ(diag.errors().size(), 1u);
}

TEST(ParseTrafficTest, ClippedDiurnalIsAWarning) {
  Diagnostics diag("scenario.json");
  EXPECT_TRUE(ParseTraffic(json::parse(R"({"kind": "diurnal", "mean": 100, "amplitude": 300})"),
                           kPath, "", diag));
  EXPECT_THAT(diag.warnings(), ElementsAre(HasSubstr("traffic.amplitude: amplitude 300 exceeds "
                                                     "mean 100")));
}

// --- rendering ---

TEST(RenderTrafficTest, ConstantAndStep) {
  EXPECT_THAT(Render(R"({"kind": "constant", "rate": 100})", 1, 3), ElementsAre(100, 100, 100));
  const std::vector<double> s =
      Render(R"({"kind": "step", "before": 100, "after": 300, "at_s": 600})", 1, 1200);
  EXPECT_EQ(s[599], 100);
  EXPECT_EQ(s[600], 300);
  // A 7 s step that straddles t = 600 averages the two: 5 s at 100, 2 s at 300.
  const std::vector<double> coarse =
      Render(R"({"kind": "step", "before": 100, "after": 300, "at_s": 600})", 7, 100);
  EXPECT_DOUBLE_EQ(coarse[85], (5 * 100 + 2 * 300) / 7.0);
}

TEST(RenderTrafficTest, FlashSaleShape) {
  const std::vector<double> r = Render(kFlashSale, 1, 2000);
  EXPECT_EQ(r[0], 70);
  EXPECT_EQ(r[299], 70);
  EXPECT_DOUBLE_EQ(r[300], 70 + 630 * 0.5 / 120);  // the ramp's first second, averaged
  EXPECT_DOUBLE_EQ(r[360], 70 + 630 * 60.5 / 120);
  EXPECT_DOUBLE_EQ(r[420], 700);
  EXPECT_DOUBLE_EQ(r[1019], 700);
  EXPECT_NEAR(r[1170], 700 - 630 * 150.5 / 300, 1e-9);
  EXPECT_DOUBLE_EQ(r[1320], 70);
  EXPECT_DOUBLE_EQ(r[1999], 70);

  const std::vector<double> sudden = Render(
      R"({"kind": "flash_sale", "baseline": 10, "start_s": 5, "peak_multiple": 3, "hold_s": 2})", 1,
      9);
  EXPECT_THAT(sudden, ElementsAre(10, 10, 10, 10, 10, 30, 30, 10, 10));
}

TEST(RenderTrafficTest, Diurnal) {
  const std::string text =
      R"({"kind": "diurnal", "mean": 500, "amplitude": 300, "period_s": 86400, "peak_at_s": 50400})";
  const std::vector<double> r = Render(text, 1, 86400);
  EXPECT_NEAR(r[50400], 800, 1e-6);
  EXPECT_NEAR(r[50400 - 43200], 200, 1e-6);
  EXPECT_NEAR(r[50400 - 21600], 500, 0.1);
  EXPECT_NEAR(Mean(r), 500, 1e-9);
  EXPECT_NEAR(Render(text, 86400, 1)[0], 500, 1e-9);
  // [43200, 86400) runs from 30 degrees before the peak to 150 after: sin 150 - sin -30 = 1.
  EXPECT_NEAR(Render(text, 43200, 2)[1], 500 + 300 / std::numbers::pi, 1e-6);
}

TEST(RenderTrafficTest, ClippedDiurnalStaysAtZero) {
  // mean + amplitude cos: below zero for |theta| > acos(-1/3).
  const std::string text =
      R"({"kind": "diurnal", "mean": 100, "amplitude": 300, "period_s": 3600})";
  const std::vector<double> fine = Render(text, 1, 7200);
  for (double v : fine) EXPECT_GE(v, 0);
  EXPECT_EQ(fine[1800], 0);
  EXPECT_NEAR(fine[0], 400, 1e-3);
  const double theta_c = std::acos(-1.0 / 3);
  const double exact = (100 * theta_c + 300 * std::sin(theta_c)) / std::numbers::pi;
  EXPECT_NEAR(Mean(fine), exact, 1e-9);
  EXPECT_NEAR(Render(text, 3600, 2)[1], exact, 1e-9);
}

TEST(RenderTrafficTest, CoarseStepsAverageFineOnes) {
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  std::vector<double> values;
  for (int i = 0; i < 400; ++i) values.push_back((i * 37) % 101);
  const std::string trace = WriteTrace(dir, "t.csv", 1, values);
  for (const std::string& text :
       {std::string(kFlashSale),
        std::string(R"({"kind": "step", "before": 3, "after": 9, "at_s": 1003})"),
        std::string(R"({"kind": "diurnal", "mean": 20, "amplitude": 50, "period_s": 700,
                        "peak_at_s": 33})"),
        json{{"kind", "trace"}, {"path", trace}, {"offset_s", 7}, {"speedup", 3}, {"loop", true}}
            .dump()}) {
    const std::vector<double> fine = Render(text, 1, 2400);
    const std::vector<double> coarse = Render(text, 15, 160);
    const std::vector<double> means = BlockMeans(fine, 15);
    ASSERT_EQ(coarse.size(), means.size());
    for (size_t i = 0; i < coarse.size(); ++i) {
      EXPECT_NEAR(coarse[i], means[i], 1e-9 * std::max(1.0, means[i])) << text << " step " << i;
    }
  }
}

TEST(RenderTrafficTest, SumAddsItsNodes) {
  EXPECT_THAT(Render(R"({"kind": "sum", "of": [{"kind": "constant", "rate": 5},
                     {"kind": "step", "before": 1, "after": 2, "at_s": 2}]})",
                     1, 4),
              ElementsAre(6, 6, 7, 7));
}

TEST(RenderTrafficTest, BadArguments) {
  const TrafficSpec c = Parse(R"({"kind": "constant", "rate": 1})");
  EXPECT_THAT(RenderTraffic(c, 0, 10, 1).status().message(), HasSubstr("must be > 0"));
  EXPECT_THAT(RenderTraffic(c, -1, 10, 1).status().message(), HasSubstr("must be > 0"));
  EXPECT_THAT(RenderTraffic(c, 1, -1, 1).status().message(), HasSubstr("must be >= 0"));
  EXPECT_THAT(*RenderTraffic(c, 1, 0, 1), IsEmpty());

  // Specs built in code rather than parsed.
  TrafficSpec lonely;
  lonely.kind = TrafficSpec::Kind::kPoisson;
  EXPECT_THAT(RenderTraffic(lonely, 1, 3, 1).status().message(),
              HasSubstr("needs exactly one node in `of`, not 0"));
  TrafficSpec empty_sum;
  empty_sum.kind = TrafficSpec::Kind::kSum;
  EXPECT_THAT(*RenderTraffic(empty_sum, 1, 2, 1), ElementsAre(0, 0));
  TrafficSpec backwards;
  backwards.kind = TrafficSpec::Kind::kTrace;
  backwards.path = "x.csv";
  backwards.offset_s = -5;
  EXPECT_THAT(RenderTraffic(backwards, 1, 3, 1).status().message(),
              HasSubstr("x.csv: offset_s -5 and speedup 1; they must be >= 0 and > 0"));
}

// --- Poisson noise ---

constexpr char kNoisy[] = R"({"kind": "poisson", "of": {"kind": "constant", "rate": 100}})";

TEST(PoissonTest, SameSeedSameTrafficOtherSeedOther) {
  const std::vector<double> a = Render(kNoisy, 1, 5000, 42);
  EXPECT_EQ(a, Render(kNoisy, 1, 5000, 42));
  EXPECT_NE(a, Render(kNoisy, 1, 5000, 43));
  for (double v : a) EXPECT_EQ(v, std::floor(v));  // whole arrivals per 1 s step
}

TEST(PoissonTest, AddingANodeElsewhereKeepsTheStream) {
  const std::vector<double> alone =
      Render(absl::StrCat(R"({"kind": "sum", "of": [)", kNoisy, "]}"), 1, 1000);
  const std::vector<double> with_more = Render(
      absl::StrCat(
          R"({"kind": "sum", "of": [)", kNoisy,
          R"(, {"kind": "constant", "rate": 7}, {"kind": "poisson", "of": {"kind": "constant", "rate": 3}}]})"),
      1, 1000);
  const std::vector<double> third =
      Render(R"({"kind": "sum", "of": [{"kind": "constant", "rate": 0}, {"kind": "constant",
                 "rate": 0}, {"kind": "poisson", "of": {"kind": "constant", "rate": 3}}]})",
             1, 1000);
  for (size_t i = 0; i < alone.size(); ++i) ASSERT_EQ(with_more[i], alone[i] + 7 + third[i]);
}

TEST(PoissonTest, TwoNodesDrawIndependently) {
  const std::vector<double> r =
      Render(absl::StrCat(R"({"kind": "sum", "of": [)", kNoisy, ",", kNoisy, "]}"), 1, 100);
  // The same stream twice would give only even totals.
  EXPECT_TRUE(std::any_of(r.begin(), r.end(), [](double v) { return std::fmod(v, 2) == 1; }));
}

TEST(PoissonTest, MeanAndVarianceMatchSmallAndLargeRates) {
  for (double rate : {0.2, 3.0, 9.9, 10.0, 40.0, 1000.0, 1e6}) {
    const std::vector<double> r =
        Render(json{{"kind", "poisson"}, {"of", {{"kind", "constant"}, {"rate", rate}}}}.dump(), 1,
               100000, 7);
    // Five standard errors: a fixed seed makes this deterministic, not flaky.
    EXPECT_NEAR(Mean(r), rate, 5 * std::sqrt(rate / r.size())) << rate;
    EXPECT_NEAR(Variance(r) / rate, 1, 5 * std::sqrt((1 / rate + 2) / r.size())) << rate;
  }
}

TEST(PoissonTest, DistributionMatchesThePmf) {
  // Exercises the transformed-rejection sampler (mean >= 10) against the exact pmf.
  constexpr double kMean = 15;
  constexpr int kDraws = 200000;
  const std::vector<double> r =
      Render(json{{"kind", "poisson"}, {"of", {{"kind", "constant"}, {"rate", kMean}}}}.dump(), 1,
             kDraws, 11);
  std::map<int, int> counts;
  for (double v : r) ++counts[static_cast<int>(v)];
  for (int k = 3; k <= 35; ++k) {
    const double pmf = std::exp(-kMean + k * std::log(kMean) - std::lgamma(k + 1.0));
    const double sd = std::sqrt(kDraws * pmf * (1 - pmf));
    EXPECT_NEAR(counts[k], kDraws * pmf, 5 * sd + 1) << "k=" << k;
  }
}

TEST(PoissonTest, CoarseStepsDrawPerStep) {
  // 10 s steps: Poisson(1000) arrivals per step, reported per second.
  const std::vector<double> r = Render(kNoisy, 10, 20000, 3);
  EXPECT_NEAR(Mean(r), 100, 5 * std::sqrt(100.0 / 10 / r.size()));
  EXPECT_NEAR(Variance(r), 10, 10 * 5 * std::sqrt(2.0 / r.size()));
  EXPECT_THAT(Render(R"({"kind": "poisson", "of": {"kind": "constant", "rate": 0}})", 1, 3),
              ElementsAre(0, 0, 0));
}

// --- traces ---

TEST(RenderTraceTest, ValuesPerRowBecomeRates) {
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  WriteTrace(dir, "ten.csv", 10, {10, 20, 40});  // arrivals per 10 s row
  const std::string base = R"({"kind": "trace", "path": "ten.csv")";
  const auto render = [&](const std::string& extra, double step_s, int64_t steps) {
    absl::StatusOr<std::vector<double>> r =
        RenderTraffic(Parse(base + extra + "}", dir), step_s, steps, 1);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(std::vector<double>{});
  };
  const auto expect = [&](const std::string& extra, double step_s,
                          const std::vector<double>& want) {
    EXPECT_THAT(render(extra, step_s, want.size()), Pointwise(DoubleNear(1e-12), want))
        << extra << " at " << step_s << " s steps";
  };
  expect("", 10, {1, 2, 4});
  expect("", 5, {1, 1, 2, 2, 4, 4});                     // finer: repeated
  expect("", 15, {(10 + 10) / 15.0, (10 + 40) / 15.0});  // coarser: averaged
  expect(R"(, "scale": 3)", 10, {3, 6, 12});
  expect(R"(, "offset_s": 10)", 10, {2, 4});
  expect(R"(, "offset_s": 5)", 10, {1.5, 3});  // half rows
  expect(R"(, "speedup": 2)", 5, {1, 2, 4});   // 10 trace s per 5 s step
  expect(R"(, "speedup": 3)", 10, {70 / 30.0});
  expect(R"(, "loop": true)", 10, {1, 2, 4, 1, 2, 4, 1});
  expect(R"(, "loop": true, "offset_s": 70)", 10, {2, 4, 1});
}

TEST(RenderTraceTest, ATooShortTraceSaysByHowMuch) {
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  const std::string path = WriteTrace(dir, "short.csv", 1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  absl::StatusOr<std::vector<double>> r = RenderTraffic(
      Parse(R"({"kind": "trace", "path": "short.csv", "offset_s": 4})", dir), 2, 5, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            path +
                ": the trace covers 10 s (10 rows of 1 s), but the run needs 14 s (offset 4 s "
                "+ 5 steps x 2 s x speedup 1); shorten the run, lower offset_s or speedup, or "
                "set \"loop\": true");
  EXPECT_TRUE(RenderTraffic(Parse(R"({"kind": "trace", "path": "short.csv"})", dir), 2, 5, 1).ok());
}

TEST(RenderTraceTest, ATraceThatBrokeSinceParsing) {
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  const std::string path = WriteTrace(dir, "gone.csv", 1, {1});
  const TrafficSpec spec = Parse(R"({"kind": "trace", "path": "gone.csv"})", dir);
  ::limiar::testing::WriteFile(path, "t_seconds,value\n0,x\n");
  absl::StatusOr<std::vector<double>> r = RenderTraffic(spec, 1, 1, 1);
  EXPECT_THAT(r.status().message(), HasSubstr(path + ":2: value \"x\" is not a number"));
  std::filesystem::remove(path);
  EXPECT_THAT(RenderTraffic(spec, 1, 1, 1).status().message(), HasSubstr(path + ": cannot read"));
}

TEST(RenderTraceTest, ReplaysTheWorldCupTrace) {
  const std::string dir = testing::SharedTracesDir();
  if (dir.empty()) {
    GTEST_SKIP() << "no ../shared/traces here (set LIMIAR_SHARED_DIR)";
  }
  const TrafficSpec spec =
      Parse(json{{"kind", "trace"}, {"path", dir + "/worldcup98_1998-06-25T22_48h_per_second.csv"}}
                .dump());
  absl::StatusOr<std::vector<double>> r = RenderTraffic(spec, 1, 172800, 1);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(Mean(*r), 522, 1);
  EXPECT_EQ(*std::max_element(r->begin(), r->end()), 3242);
  absl::StatusOr<std::vector<double>> minutes = RenderTraffic(spec, 60, 2880, 1);
  ASSERT_TRUE(minutes.ok()) << minutes.status();
  EXPECT_NEAR(Mean(*minutes), Mean(*r), 1e-6);
  EXPECT_THAT(RenderTraffic(spec, 1, 172801, 1).status().message(),
              HasSubstr("the trace covers 172800 s"));
}

TEST(RenderTraceTest, ARunThatWouldReadTooManyRowsIsRefused) {
  // Millisecond rows replayed 10^12 times faster: every step would read 10^15 rows.
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  const std::string path = WriteTrace(dir, "ms.csv", 0.001, {1, 2, 3});
  const TrafficSpec spec =
      Parse(R"({"kind": "trace", "path": "ms.csv", "speedup": 1e12, "loop": true})", dir);
  absl::StatusOr<std::vector<double>> r = RenderTraffic(spec, 1, 10, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            path +
                ": the run would read 1e+16 trace rows (10 steps of 1e+15 rows), over the limit "
                "of 1000000000; lower speedup, or shorten the run");
}

// --- hostile nesting ---

// `poissons` poisson nodes around a constant: that many + 1 nodes deep.
std::string NestedPoisson(int poissons) {
  std::string text;
  for (int i = 0; i < poissons; ++i) text += R"({"kind": "poisson", "of": )";
  text += R"({"kind": "constant", "rate": 10})";
  text.append(poissons, '}');
  return text;
}

TEST(ParseTrafficTest, NodesNestedPastTheLimitNameThePath) {
  Parse(NestedPoisson(15));  // 16 nodes: fine
  std::string path = kPath;
  for (int i = 0; i < 16; ++i) path += ".of";
  EXPECT_THAT(Errors(NestedPoisson(16)),
              ElementsAre(absl::StrCat("scenario.json: ", path,
                                       ": nested more than 16 traffic nodes deep; flatten it: a "
                                       "sum adds any number of nodes in one list")));
  // The issue's 5,000 levels: one error, and no recursion through them.
  EXPECT_THAT(Errors(NestedPoisson(5000)), ElementsAre(HasSubstr(path + ": nested more than 16")));
}

// A spec built in code is not checked by the parser: rendering it must not recurse 5,000
// frames deep (each poisson node's frame holds a 2.5 KB generator: 12 MB of stack).
TEST(RenderTrafficTest, NodesNestedPastTheLimitAreRefusedNotRecursed) {
  TrafficSpec spec;
  spec.kind = TrafficSpec::Kind::kConstant;
  spec.rate = 10;
  for (int i = 0; i < 5000; ++i) {
    TrafficSpec parent;
    parent.kind = i % 2 == 0 ? TrafficSpec::Kind::kPoisson : TrafficSpec::Kind::kSum;
    parent.of.push_back(std::move(spec));
    spec = std::move(parent);
  }
  absl::StatusOr<std::vector<double>> r = RenderTraffic(spec, 1, 60, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "traffic nested more than 16 nodes deep; flatten it: a sum adds any number of nodes "
            "in one list");
  EXPECT_EQ(FirstFlashSale(spec), nullptr);
  EXPECT_LT(DescribeTraffic(spec).size(), 1000u);
}

// --- spike start and description ---

TEST(FirstFlashSaleTest, DepthFirst) {
  const TrafficSpec one = Parse(kFlashSale);
  ASSERT_NE(FirstFlashSale(one), nullptr);
  EXPECT_EQ(FirstFlashSale(one)->start_s, 300);
  const TrafficSpec nested = Parse(absl::StrCat(
      R"({"kind": "sum", "of": [{"kind": "constant", "rate": 1}, {"kind": "poisson", "of": )",
      kFlashSale, R"(}, {"kind": "flash_sale", "baseline": 1, "start_s": 5, "hold_s": 1}]})"));
  ASSERT_NE(FirstFlashSale(nested), nullptr);
  EXPECT_EQ(FirstFlashSale(nested)->start_s, 300);
  EXPECT_EQ(FirstFlashSale(nested), &nested.of[1].of[0]);
  EXPECT_EQ(FirstFlashSale(Parse(R"({"kind": "constant", "rate": 1})")), nullptr);
}

TEST(DescribeTrafficTest, OneLine) {
  EXPECT_EQ(DescribeTraffic(Parse(kFlashSale)),
            "flash sale: 70 req/s, x10 from t=300s (ramp 120s, hold 600s, decay 300s)");
  EXPECT_EQ(DescribeTraffic(Parse(R"({"kind": "sum", "of": [{"kind": "constant", "rate": 5},
                {"kind": "poisson", "of": {"kind": "step", "before": 1, "after": 2,
                "at_s": 60}}]})")),
            "sum of (constant: 5 req/s) + (step: 1 req/s, then 2 req/s from t=60s, with Poisson "
            "noise)");
  EXPECT_EQ(DescribeTraffic(Parse(R"({"kind": "diurnal", "mean": 500, "amplitude": 300,
                                       "peak_at_s": 50400})")),
            "diurnal: 500 +/- 300 req/s, period 24h, peak at t=50400s");
  const ::limiar::testing::TestDir tmp;
  const std::string dir = tmp.path().string();
  WriteTrace(dir, "wc.csv", 1, {1});
  EXPECT_EQ(DescribeTraffic(Parse(
                R"({"kind": "trace", "path": "wc.csv", "scale": 2, "offset_s": 60, "speedup": 10,
                    "loop": true})",
                dir)),
            "trace wc.csv, x2, from t=60s, 10x speed, looped");
}

}  // namespace
}  // namespace limiar::sim
