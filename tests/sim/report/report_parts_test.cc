// The report's building blocks: escaping, number formatting, downsampling and axes.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "src/sim/report/html_escape.h"
#include "src/sim/report/report_format.h"
#include "src/sim/report/svg_chart.h"
#include "src/sim/report/timeline_columns.h"

namespace limiar::sim {
namespace {

TEST(HtmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain ≤ text\tand\nlines"), "plain ≤ text\tand\nlines");
}

TEST(HtmlEscapeTest, ReplacesControlCharactersAndBrokenUtf8) {
  EXPECT_EQ(HtmlEscape(std::string("a\0b\x1b", 4)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(HtmlEscape("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(HtmlEscape("\xC3"), "\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(HtmlEscape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(HtmlEscape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(HtmlEscape("caf\xC3\xA9 \xF0\x9F\x93\x88"), "caf\xC3\xA9 \xF0\x9F\x93\x88");
}

TEST(ReportFormatTest, NumbersHaveFixedShapes) {
  EXPECT_EQ(FormatTrimmed(2.50, 2), "2.5");
  EXPECT_EQ(FormatTrimmed(3.0, 2), "3");
  EXPECT_EQ(FormatTrimmed(-0.0001, 2), "0");
  EXPECT_EQ(FormatCount(1234567.4), "1,234,567");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(-1000), "-1,000");
  EXPECT_EQ(FormatCompact(850), "850");
  EXPECT_EQ(FormatCompact(1500), "1.5k");
  EXPECT_EQ(FormatCompact(20000), "20k");
  EXPECT_EQ(FormatCompact(2e6), "2M");
  EXPECT_EQ(FormatCompact(0.25), "0.25");
  EXPECT_EQ(FormatMs(4.254), "4.25");
  EXPECT_EQ(FormatMs(52.34), "52.3");
  EXPECT_EQ(FormatMs(212.4), "212");
  EXPECT_EQ(FormatPercent(0.001), "0.1%");
  EXPECT_EQ(FormatPercent(0.00012), "0.012%");
  EXPECT_EQ(FormatPercent(0), "0%");
  EXPECT_EQ(FormatPercent(1e-9), "<0.001%");
  EXPECT_EQ(FormatTrimmed(std::numeric_limits<double>::quiet_NaN(), 1), "n/a");
}

TEST(ReportFormatTest, TimesReadAsClockOrDuration) {
  EXPECT_EQ(FormatClock(330), "0:05:30");
  EXPECT_EQ(FormatClock(172799), "47:59:59");
  EXPECT_EQ(FormatClock(-5), "0:00:00");
  EXPECT_EQ(FormatAxisTime(90, true), "90 s");
  EXPECT_EQ(FormatAxisTime(45000, false), "12:30");
  EXPECT_EQ(FormatDuration(0), "0 s");
  EXPECT_EQ(FormatDuration(0.5), "0.5 s");
  EXPECT_EQ(FormatDuration(45), "45 s");
  EXPECT_EQ(FormatDuration(200), "3 min 20 s");
  EXPECT_EQ(FormatDuration(180), "3 min");
  EXPECT_EQ(FormatDuration(7500), "2 h 05 min");
}

std::vector<TimelineRow> Rows(int n) {
  std::vector<TimelineRow> rows(n);
  for (int i = 0; i < n; ++i) {
    rows[i].t_s = i;
    rows[i].demand_rps = 100;
    rows[i].spec = rows[i].ready = rows[i].desired = 4;
    rows[i].capacity_rps = 200;
    rows[i].p95_ms = 80;
  }
  return rows;
}

TEST(TimelineColumnsTest, AOneSecondSpikeSurvivesFortyEightHours) {
  std::vector<TimelineRow> rows = Rows(172800);
  rows[100000].demand_rps = 5000;
  rows[100001].demand_rps = 3;
  rows[100000].p95_ms = 900;
  const TimelineColumns cols = DownsampleTimeline(rows, 1, 1200, &TimelineRow::p95_ms);
  ASSERT_EQ(cols.count, 1200);
  EXPECT_EQ(cols.span_s, 172800);
  const int c = 100000 * 1200 / 172800;
  EXPECT_EQ(cols.demand_hi[c], 5000);
  EXPECT_EQ(cols.demand_lo[c], 3);
  EXPECT_EQ(cols.demand_lo_first[c], 0);  // the spike came first
  EXPECT_EQ(cols.latency_max_ms[c], 900);
  EXPECT_EQ(cols.demand_hi[c + 1], 100);
}

TEST(TimelineColumnsTest, StepSeriesKeepTheColumnsLastValue) {
  std::vector<TimelineRow> rows = Rows(10);
  rows[4].spec = 9;  // a blip inside column 1 (rows 3..5 of 10 in 3 columns)
  rows[5].spec = 6;
  const TimelineColumns cols = DownsampleTimeline(rows, 1, 3, &TimelineRow::p95_ms);
  ASSERT_EQ(cols.count, 3);
  EXPECT_EQ(cols.spec[0], 4);
  EXPECT_EQ(cols.spec[1], 6);
  EXPECT_EQ(cols.ColumnStart(3), 10);
}

TEST(TimelineColumnsTest, ShortRunsKeepEveryRowAndIgnoreNonFiniteValues) {
  std::vector<TimelineRow> rows = Rows(5);
  rows[2].demand_rps = std::numeric_limits<double>::infinity();
  const TimelineColumns cols = DownsampleTimeline(rows, 1, 1200, &TimelineRow::p95_ms);
  EXPECT_EQ(cols.count, 5);
  EXPECT_EQ(cols.demand_hi[2], 0);
}

TEST(TimelineColumnsTest, ViolationsMergeIntoIntervals) {
  std::vector<TimelineRow> rows = Rows(20);
  for (int i : {3, 4, 5, 9, 11, 19}) rows[i].slo_violated = true;
  const std::vector<TimeInterval> exact = ViolationIntervals(rows, 1, 1);
  ASSERT_EQ(exact.size(), 4u);
  EXPECT_EQ(exact[0].start_s, 3);
  EXPECT_EQ(exact[0].end_s, 6);
  EXPECT_EQ(exact[3].start_s, 19);
  EXPECT_EQ(exact[3].end_s, 20);
  // With two-second columns the one-step gap between 9 and 11 disappears.
  const std::vector<TimeInterval> coarse = ViolationIntervals(rows, 1, 2);
  ASSERT_EQ(coarse.size(), 3u);
  EXPECT_EQ(coarse[1].start_s, 9);
  EXPECT_EQ(coarse[1].end_s, 12);
  EXPECT_EQ(coarse[1].violated_s, 2);
  EXPECT_EQ(coarse[0].violated_s, 3);
  EXPECT_TRUE(ViolationIntervals(Rows(20), 1, 1).empty());
}

TEST(SvgChartTest, CoordinatesAreShortAndFinite) {
  std::string s;
  AppendCoord(s, 12.04);
  s.push_back(' ');
  AppendCoord(s, 3.96);
  s.push_back(' ');
  AppendCoord(s, -0.25);
  s.push_back(' ');
  AppendCoord(s, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(s, "12 4 -0.3 0");
}

TEST(SvgChartTest, TicksAreRound) {
  EXPECT_EQ(NiceTicks(930, 4, false), (std::vector<double>{0, 500, 1000}));
  EXPECT_EQ(NiceTicks(2100, 4, false), (std::vector<double>{0, 1000, 2000, 3000}));
  EXPECT_EQ(NiceTicks(3, 4, true), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(NiceTicks(0, 4, true), (std::vector<double>{0, 1}));
  const LogAxis narrow = NiceLogAxis(55, 300);
  EXPECT_EQ(narrow.lo, 50);
  EXPECT_EQ(narrow.hi, 500);
  EXPECT_EQ(narrow.ticks, (std::vector<double>{50, 100, 200, 500}));
  const LogAxis wide = NiceLogAxis(3, 4000);
  EXPECT_EQ(wide.ticks, (std::vector<double>{10, 100, 1000}));
}

TEST(SvgChartTest, TimeTicksSuitTheRunsLength) {
  const TimeTicks minutes = ChooseTimeTicks(0, 300, 8);
  EXPECT_TRUE(minutes.in_seconds);
  EXPECT_EQ(minutes.at, (std::vector<double>{0, 60, 120, 180, 240, 300}));
  const TimeTicks hour = ChooseTimeTicks(0, 3600, 8);
  EXPECT_FALSE(hour.in_seconds);
  EXPECT_EQ(hour.at.size(), 7u);  // every 10 min
  const TimeTicks days = ChooseTimeTicks(0, 172800, 8);
  EXPECT_EQ(days.at.back(), 172800);
  EXPECT_EQ(days.at[1], 21600);
}

TEST(SvgChartTest, ScalesClampToTheirRange) {
  const LinearScale y(0, 100, 200, 0);
  EXPECT_EQ(y(50), 100);
  EXPECT_EQ(y(1e9), 0);
  EXPECT_EQ(y(-5), 200);
  const LogScale l(10, 1000, 100, 0);
  EXPECT_EQ(l(100), 50);
  EXPECT_EQ(l(0), 100);
  EXPECT_EQ(l(-5), 100);  // no logarithm: the low end, as 0
  EXPECT_EQ(l(1e9), 0);
  EXPECT_EQ(l(std::numeric_limits<double>::quiet_NaN()), 100);
}

}  // namespace
}  // namespace limiar::sim
