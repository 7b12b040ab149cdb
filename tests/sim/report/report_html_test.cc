#include "src/sim/report/report_html.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <string>

#include "absl/strings/str_format.h"
#include "src/sim/report/resource_chart.h"
#include "tests/sim/report/report_test_data.h"

namespace limiar::sim {
namespace {

using testing::CountOf;
using testing::SyntheticFlashSaleRun;
using testing::SyntheticReport;
using testing::SyntheticRunOptions;

Report TwoPolicyReport() {
  SyntheticRunOptions fast{.policy = "blueprint", .start_delay_s = 30, .headroom = 1.5};
  SyntheticRunOptions slow{.policy = "hpa", .start_delay_s = 120, .headroom = 1.1};
  return SyntheticReport({SyntheticFlashSaleRun(fast), SyntheticFlashSaleRun(slow)});
}

TEST(ReportHtmlTest, IsOneSelfContainedUtf8Page) {
  const std::string html = RenderReportHtml(TwoPolicyReport());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">", 0), 0u);
  EXPECT_NE(html.find("</body></html>"), std::string::npos);
  for (const char* external : {"http://", "https://", "//cdn", "@import", "src=", "href=", "url(",
                               "@font-face", "fetch(", "XMLHttpRequest"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(ReportHtmlTest, HeaderStatesTheScenarioAndSlo) {
  Report report = TwoPolicyReport();
  report.slo.max_violation_s = 60;
  const std::string html = RenderReportHtml(report);
  EXPECT_NE(html.find("<h1>flash-sale</h1>"), std::string::npos);
  EXPECT_NE(html.find("200 rps baseline, 10x peak"), std::string::npos);
  EXPECT_NE(html.find("2024-11-29T09:00:00Z"), std::string::npos);
  EXPECT_NE(html.find("p95 ≤ 250 ms, drops ≤ 0.1%, violations ≤ 1 min"), std::string::npos);
  EXPECT_NE(html.find("every 15 s"), std::string::npos);
}

TEST(ReportHtmlTest, EscapesEveryPieceOfText) {
  Report report = TwoPolicyReport();
  report.scenario = "sale <b>&</b>";
  RunResult& run = report.runs[0];
  run.policy = "mine \"<x>\" & 'yours'";
  run.events[0].description = "</title><script>alert(2)</script>";
  auto actuated = std::find_if(run.resources[0].decisions.begin(), run.resources[0].decisions.end(),
                               [](const DecisionRecord& d) { return d.actuated; });
  ASSERT_NE(actuated, run.resources[0].decisions.end());
  DecisionRecord& d = *actuated;
  d.reason = "reason<&>";
  d.message = "<script>alert(1)</script> & more";
  const std::string html = RenderReportHtml(report);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(CountOf(html, "<script>"), 1);  // the page's own
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_NE(html.find("reason&lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(html.find("mine &quot;&lt;x&gt;&quot; &amp; &#39;yours&#39;"), std::string::npos);
  EXPECT_NE(html.find("sale &lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/title&gt;&lt;script&gt;alert(2)"), std::string::npos);
}

TEST(ReportHtmlTest, OnePanelAndOneChartPerPolicyAndResource) {
  std::vector<RunResult> runs;
  for (const char* policy : {"blueprint", "hpa", "kpa"}) {
    RunResult run = SyntheticFlashSaleRun({.policy = policy, .steps = 600});
    // A second resource under every policy: three panels per resource.
    run.resources.push_back(
        SyntheticFlashSaleRun({.policy = policy, .target = "search", .steps = 600}).resources[0]);
    runs.push_back(std::move(run));
  }
  const std::string html = RenderReportHtml(SyntheticReport(std::move(runs)));
  EXPECT_EQ(CountOf(html, "<article class=\"panel"), 6);
  EXPECT_EQ(CountOf(html, "<svg "), 6);
  EXPECT_EQ(CountOf(html, "role=\"img\" aria-label=\"Policy "), 6);
  EXPECT_EQ(CountOf(html, "<section class=\"resource\">"), 2);
  EXPECT_EQ(CountOf(html, "<div class=\"panels cols-2\">"), 2);
  EXPECT_EQ(CountOf(html, "<ul class=\"legend\">"), 2);
}

TEST(ReportHtmlTest, ASinglePolicyGetsOneWideChart) {
  const std::string html = RenderReportHtml(SyntheticReport({SyntheticFlashSaleRun({})}));
  EXPECT_EQ(CountOf(html, "<svg "), 1);
  EXPECT_NE(html.find("<div class=\"panels\">"), std::string::npos);
  EXPECT_NE(html.find("viewBox=\"0 0 1160 "), std::string::npos);
  EXPECT_EQ(html.find("cheapest meeting SLO"), std::string::npos);  // nothing to compare
}

TEST(ReportHtmlTest, ARunWithoutTimelineSaysSoInsteadOfDrawing) {
  RunResult run = SyntheticFlashSaleRun({.steps = 60});
  run.resources[0].timeline.clear();
  const std::string html = RenderReportHtml(SyntheticReport({run}));
  EXPECT_EQ(CountOf(html, "<svg "), 0);
  EXPECT_NE(html.find("recorded no timeline"), std::string::npos);
}

TEST(ReportHtmlTest, EveryActuatedScaleDecisionIsAMarkerWithItsReason) {
  const Report report = SyntheticReport({SyntheticFlashSaleRun({})});
  const ResourceRun& r = report.runs[0].resources[0];
  int ups = 0, downs = 0, idle = 0;
  for (const DecisionRecord& d : r.decisions) {
    if (!d.actuated) ++idle;
    if (d.actuated && d.desired > d.current) ++ups;
    if (d.actuated && d.desired < d.current) ++downs;
  }
  ASSERT_GT(ups, 0);
  ASSERT_GT(downs, 0);
  ASSERT_GT(idle, 0);
  const std::string html = RenderReportHtml(report);
  EXPECT_EQ(CountOf(html, "<path class=\"mk-up\""), ups);
  EXPECT_EQ(CountOf(html, "<path class=\"mk-down\""), downs);
  EXPECT_EQ(CountOf(html, "\nscale_up_limited\n"), ups);
  EXPECT_EQ(CountOf(html, "\nscale_down\n"), downs);
  // Decisions that changed nothing are not drawn.
  EXPECT_EQ(html.find("within_tolerance"), std::string::npos);
  // The first scale-up's tooltip, whole: time, counts, reason, message.
  const DecisionRecord* first = nullptr;
  for (const DecisionRecord& d : r.decisions) {
    if (d.actuated && d.desired > d.current && first == nullptr) first = &d;
  }
  ASSERT_NE(first, nullptr);
  const int t = static_cast<int>(first->t_s);
  const std::string title = absl::StrFormat(
      "<title>%d:%02d:%02d · scale up %d → %d (ready %d)\nscale_up_limited\n%s</title>", t / 3600,
      t / 60 % 60, t % 60, first->current, first->desired, first->ready, first->message);
  EXPECT_NE(html.find(title), std::string::npos) << title;
}

TEST(ReportHtmlTest, ViolationShadingExactlyWhenAStepViolated) {
  const Report violating = SyntheticReport({SyntheticFlashSaleRun({.headroom = 1.0})});
  const std::string with = RenderReportHtml(violating);
  EXPECT_NE(with.find("<rect class=\"viol\""), std::string::npos);
  EXPECT_NE(with.find("<title>SLO violated "), std::string::npos);

  const Report clean =
      SyntheticReport({SyntheticFlashSaleRun({.headroom = 1.0, .allow_violations = false})});
  const std::string without = RenderReportHtml(clean);
  EXPECT_EQ(without.find("<rect class=\"viol\""), std::string::npos);

  // One violated step among thousands still gets its band.
  Report one = clean;
  one.runs[0].resources[0].timeline[1234].slo_violated = true;
  const std::string single = RenderReportHtml(one);
  EXPECT_EQ(CountOf(single, "<rect class=\"viol\""), 1);
  EXPECT_NE(single.find("<title>SLO violated 0:20:34–0:20:35 (1 s)</title>"), std::string::npos);

  // Violations a step apart on a long run merge into one band that says how much of it was
  // in violation.
  Report flapping = SyntheticReport(
      {SyntheticFlashSaleRun({.steps = 172800, .jitter = 0, .allow_violations = false})});
  for (int i = 1000; i < 1100; i += 2)
    flapping.runs[0].resources[0].timeline[i].slo_violated = true;
  const std::string merged = RenderReportHtml(flapping);
  EXPECT_EQ(CountOf(merged, "<rect class=\"viol\""), 1);
  EXPECT_NE(merged.find("<title>SLO violated for 50 s between 0:16:40 and 0:18:19</title>"),
            std::string::npos);
}

TEST(ReportHtmlTest, InjectedEventsAreMarkedWithTheirDescriptions) {
  const std::string html = RenderReportHtml(SyntheticReport({SyntheticFlashSaleRun({})}));
  EXPECT_EQ(CountOf(html, "<g class=\"ev\">"), 2);
  EXPECT_EQ(CountOf(html, "<rect class=\"ev-band\""), 1);  // only the one with a duration
  EXPECT_NE(html.find("zone outage at 0:18:00: zone b lost a third of the replicas"),
            std::string::npos);
  EXPECT_NE(html.find("metric outage at 0:42:00 for 3 min: Prometheus unreachable"),
            std::string::npos);
}

TEST(ReportHtmlTest, SummaryComparesPoliciesAndHighlightsTheCheapestMeetingTheSlo) {
  // Both meet the SLO; the one with less headroom is cheaper.
  Report report = SyntheticReport(
      {SyntheticFlashSaleRun({.policy = "roomy", .headroom = 3, .allow_violations = false}),
       SyntheticFlashSaleRun({.policy = "lean", .headroom = 2, .allow_violations = false}),
       SyntheticFlashSaleRun({.policy = "tight", .headroom = 1.0})});
  ASSERT_TRUE(report.runs[0].resources[0].summary.meets_slo);
  ASSERT_TRUE(report.runs[1].resources[0].summary.meets_slo);
  ASSERT_FALSE(report.runs[2].resources[0].summary.meets_slo);
  const std::string html = RenderReportHtml(report);
  EXPECT_EQ(CountOf(html, "<tr class=\"best\">"), 1);
  EXPECT_NE(html.find("<tr class=\"best\"><th scope=\"row\" class=\"policy\"><span "
                      "class=\"pname\">lean</span>"),
            std::string::npos);
  EXPECT_EQ(CountOf(html, "<article class=\"panel best\"><h3><span>lean</span>"), 1);
  EXPECT_EQ(CountOf(html, "<span class=\"pill ok\">yes</span>"), 2);
  EXPECT_EQ(CountOf(html, "<span class=\"pill bad\">no</span>"), 1);
  EXPECT_EQ(html.find(">Cost</th>"), std::string::npos);  // unpriced: no cost column

  // With a price, cost decides, and the column appears.
  report.runs[0].resources[0].summary.cost = 1;
  report.runs[1].resources[0].summary.cost = 2;
  const std::string priced = RenderReportHtml(report);
  EXPECT_NE(priced.find(">Cost</th>"), std::string::npos);
  EXPECT_EQ(CountOf(priced, "<tr class=\"best\">"), 1);
  EXPECT_NE(priced.find("class=\"pname\">roomy</span> <span class=\"badge best\">"),
            std::string::npos);
}

TEST(ReportHtmlTest, TimeToCapacityReadsDashOrNotReached) {
  Report report = SyntheticReport({SyntheticFlashSaleRun({.steps = 600}),
                                   SyntheticFlashSaleRun({.policy = "b", .steps = 600}),
                                   SyntheticFlashSaleRun({.policy = "c", .steps = 600})});
  report.runs[0].resources[0].summary.time_to_capacity_s = 135;
  report.runs[1].resources[0].summary.time_to_capacity_s.reset();
  report.runs[1].resources[0].summary.capacity_reached = true;
  report.runs[2].resources[0].summary.capacity_reached = false;
  const std::string html = RenderReportHtml(report);
  EXPECT_NE(html.find("<td class=\"num\">2 min 15 s</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">—</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num warn\">not reached</td></tr>"), std::string::npos);
}

TEST(ReportHtmlTest, DegenerateInputsStillMakeAPage) {
  EXPECT_NE(RenderReportHtml(Report{}).find("</html>"), std::string::npos);
  // One row, no demand, no latency, a non-finite value: nothing to scale by, nothing to
  // break the SVG.
  RunResult run = SyntheticFlashSaleRun({.steps = 1});
  TimelineRow& row = run.resources[0].timeline[0];
  row.demand_rps = 0;
  row.p95_ms = std::numeric_limits<double>::quiet_NaN();
  row.capacity_rps = std::numeric_limits<double>::infinity();
  const std::string html = RenderReportHtml(SyntheticReport({run}));
  EXPECT_EQ(CountOf(html, "<svg "), 1);
  EXPECT_EQ(html.find("nan"), std::string::npos);
  EXPECT_EQ(html.find("inf"), std::string::npos);
}

TEST(ReportHtmlTest, SameInputSameBytes) {
  const Report report = TwoPolicyReport();
  const Report copy = report;
  EXPECT_EQ(RenderReportHtml(report), RenderReportHtml(copy));
}

// The 48 h per-second replay: 172,800 rows per run, two policies, a decision every 15 s.
TEST(ReportHtmlTest, FortyEightHoursStaySmallAndFast) {
  const Report report = SyntheticReport(
      {SyntheticFlashSaleRun({.policy = "blueprint", .steps = 172800, .jitter = 0.3}),
       SyntheticFlashSaleRun(
           {.policy = "hpa", .steps = 172800, .start_delay_s = 120, .jitter = 0.3})});
  int actuated = 0;
  for (const DecisionRecord& d : report.runs[0].resources[0].decisions) actuated += d.actuated;
  ASSERT_GT(actuated, kMaxDecisionMarkers);  // so that thinning is exercised

  const auto start = std::chrono::steady_clock::now();
  const std::string html = RenderReportHtml(report);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "48 h, 2 policies: " << html.size() << " bytes in " << ms << " ms\n";
  RecordProperty("html_bytes", static_cast<int>(html.size()));
  EXPECT_LT(html.size(), 2'000'000u);
  EXPECT_EQ(CountOf(html, "<svg "), 2);
  EXPECT_EQ(CountOf(html, "<path class=\"mk-"), 2 * kMaxDecisionMarkers);
  EXPECT_NE(html.find("scale decisions, sampled evenly"), std::string::npos);
  EXPECT_NE(html.find(">48:00</text>"), std::string::npos);  // h:mm time axis
  EXPECT_EQ(RenderReportHtml(report), html);
}

}  // namespace
}  // namespace limiar::sim
