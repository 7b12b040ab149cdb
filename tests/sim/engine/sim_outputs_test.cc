// The files `--out` writes, byte for byte where a reader depends on it: timeline.csv's times
// and its quoting.
#include "src/sim/engine/sim_outputs.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

// One run of `policy` on `target` with a row at each of `times`.
Report OneRun(const std::string& policy, const std::string& target,
              const std::vector<double>& times, double step_s) {
  Report report;
  report.step_s = step_s;
  RunResult run;
  run.policy = policy;
  ResourceRun res;
  res.target = target;
  for (double t : times) {
    TimelineRow row;
    row.t_s = t;
    row.demand_rps = 12.5;
    row.spec = row.ready = row.desired = 2;
    res.timeline.push_back(row);
  }
  run.resources.push_back(std::move(res));
  report.runs.push_back(std::move(run));
  return report;
}

std::vector<std::string> Rows(const std::string& csv) {
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  lines.erase(lines.begin());  // the header
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// %g wrote t_s with 6 significant digits: past 11.6 days, 1000020 s read 1.00002e+06 and
// the next nine seconds read the same.
TEST(TimelineCsvTest, TimesAreExactDecimalsNeverExponents) {
  EXPECT_THAT(
      Rows(TimelineCsv(OneRun("hpa", "web", {0, 999999, 1000020, 1000021, 2678399}, 1))),
      ElementsAre(StartsWith("hpa,web,0,12.500,"), StartsWith("hpa,web,999999,12.500,"),
                  StartsWith("hpa,web,1000020,12.500,"), StartsWith("hpa,web,1000021,12.500,"),
                  StartsWith("hpa,web,2678399,12.500,")));
  // Tenths of a second as the run adds them (3 x 0.1 is 0.30000000000000004 in binary).
  EXPECT_THAT(Rows(TimelineCsv(OneRun("hpa", "web", {0, 0.1, 0.1 * 2, 0.1 * 3, 2678399.9}, 0.1))),
              ElementsAre(StartsWith("hpa,web,0.0,"), StartsWith("hpa,web,0.1,"),
                          StartsWith("hpa,web,0.2,"), StartsWith("hpa,web,0.3,"),
                          StartsWith("hpa,web,2678399.9,")));
  // A step no short decimal spells: each time as the shortest decimal that reads back as it.
  EXPECT_THAT(Rows(TimelineCsv(OneRun("hpa", "web", {1.0 / 3, 2.0 / 3 * 1e6}, 1.0 / 3))),
              ElementsAre(StartsWith("hpa,web,0.3333333333333333,"),
                          StartsWith("hpa,web,666666.6666666666,")));
}

// A policy given as knobs is labelled by them: "limiar=50,espera_descida_s=120" made three
// columns of one.
TEST(TimelineCsvTest, LabelsWithCommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_THAT(Rows(TimelineCsv(OneRun("limiar=50,espera_descida_s=120", "web", {0}, 1))),
              ElementsAre(StartsWith("\"limiar=50,espera_descida_s=120\",web,0,12.500,")));
  EXPECT_THAT(Rows(TimelineCsv(OneRun("say \"hi\"", "api, eu", {0}, 1))),
              ElementsAre(StartsWith("\"say \"\"hi\"\"\",\"api, eu\",0,12.500,")));
  EXPECT_EQ(TimelineCsv(OneRun("two\nlines", "web", {0}, 1)).find("\n\"two\nlines\",web,0,"),
            TimelineCsv(OneRun("x", "web", {0}, 1)).find("\nx,web,0,"));
}

// Column widths come from the content: a long policy label or target name shifts every
// column of every row alike, instead of pushing its own row out of line.
TEST(SummaryTableTest, LongLabelsKeepTheColumnsAligned) {
  Report report;
  for (const std::string& policy : {std::string("hpa"), std::string(40, 'p')}) {
    RunResult run = OneRun(policy, "storefront-with-a-long-name", {}, 1).runs[0];
    ResourceSummary& s = run.resources[0].summary;
    s.p95_ms = policy == "hpa" ? 115.4 : 2066.8;
    s.replica_hours = 4.75;
    report.runs.push_back(run);
  }
  std::ostringstream out;
  PrintSummaryTable(report, out);
  std::vector<std::string> lines = absl::StrSplit(out.str(), '\n');
  ASSERT_GE(lines.size(), 5u) << out.str();
  const std::string& head = lines[2];
  ASSERT_THAT(head, StartsWith("policy")) << out.str();
  for (const std::string& row : {lines[3], lines[4]}) {
    EXPECT_EQ(row.find("storefront"), head.find("target")) << out.str();
    // Numbers align right under their headings.
    const size_t p95_end = head.find("p95 ms") + 6;
    EXPECT_TRUE(
        row.substr(0, p95_end).ends_with(row.find(std::string(40, 'p')) == 0 ? "2066.8" : "115.4"))
        << out.str();
    const size_t hours_end = head.find("replica-h") + 9;
    EXPECT_TRUE(row.substr(0, hours_end).ends_with("4.75")) << out.str();
  }
}

}  // namespace
}  // namespace limiar::sim
