// report.html in a real browser: headless Chromium loads the page from a file, and the
// test reads back the DOM it built and the console lines it logged. Skipped where Chromium
// is not installed. Set LIMIAR_REPORT_ARTIFACTS=DIR to keep the page and a screenshot there.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/sim/engine/sim_outputs.h"
#include "src/sim/engine/simulation.h"
#include "src/sim/report/report_html.h"
#include "tests/sim/report/report_test_data.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

namespace fs = std::filesystem;
using testing::CountOf;
using testing::SyntheticFlashSaleRun;
using testing::SyntheticReport;

constexpr char kChromium[] = "/usr/bin/chromium";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

struct BrowserRun {
  int exit_code = -1;
  std::string out;  // the dumped DOM, when asked for
  std::string err;  // Chromium's log, page console lines included
};

// Lines the page itself caused: console output (this page logs nothing, so any line is a
// problem: an exception, a refused script, a blocked fetch) and uncaught exceptions.
// Chromium's own noise (D-Bus, GPU) does not match.
std::vector<std::string> PageErrors(const std::string& log) {
  std::vector<std::string> errors;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, ":CONSOLE") || absl::StrContains(line, "Uncaught")) {
      errors.emplace_back(line);
    }
  }
  return errors;
}

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kChromium, X_OK) != 0) {
      GTEST_SKIP() << kChromium << " is not installed; the browser checks need Debian's "
                   << "chromium package";
    }
    tmp_.emplace();
    dir_ = tmp_->path();
  }

  // One Chromium run with a fresh profile; `timeout` bounds a hung start.
  BrowserRun Chromium(const fs::path& page, const std::string& mode) {
    const fs::path profile = dir_ / absl::StrCat("profile-", runs_++);
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd =
        absl::StrCat("timeout 60 ", kChromium,
                     " --headless=new --no-sandbox --disable-gpu --enable-logging=stderr --v=0"
                     " --no-first-run --user-data-dir='",
                     profile.string(), "' ", mode, " 'file://", page.string(), "' >'", out.string(),
                     "' 2>'", err.string(), "'");
    BrowserRun run;
    const int status = std::system(cmd.c_str());
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadFile(out);
    run.err = ReadFile(err);
    return run;
  }

  // Made only when Chromium is there: a skipped test leaves no folder behind.
  std::optional<::limiar::testing::TestDir> tmp_;
  fs::path dir_;
  int runs_ = 0;
};

// The detector is only worth something if it sees a page that does fail.
TEST_F(BrowserTest, DetectorCatchesAPageThatThrows) {
  const fs::path page = dir_ / "throws.html";
  WriteFile(page,
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head>"
            "<body><p>x</p><script>throw new Error('deliberate-failure');</script></body>"
            "</html>\n");
  const BrowserRun run = Chromium(page, "--dump-dom");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> errors = PageErrors(run.err);
  ASSERT_EQ(errors.size(), 1u) << run.err;
  EXPECT_NE(errors[0].find("Uncaught Error: deliberate-failure"), std::string::npos);
}

// Two policies, one of them with a message that would run a script if it were not escaped
// (and the page's script policy refuses any script but its own, which would log).
std::string HostileComparisonReport() {
  Report report = SyntheticReport(
      {SyntheticFlashSaleRun({.policy = "blueprint", .start_delay_s = 30, .headroom = 1.5}),
       SyntheticFlashSaleRun({.policy = "hpa <default>", .start_delay_s = 120, .headroom = 1.1})});
  for (DecisionRecord& d : report.runs[1].resources[0].decisions) {
    d.message = "<script>throw new Error('escaped?')</script> & <img src=x onerror=alert(1)>";
  }
  return RenderReportHtml(report);
}

TEST_F(BrowserTest, ReportRendersEveryChartWithoutErrors) {
  const fs::path page = dir_ / "report.html";
  WriteFile(page, HostileComparisonReport());
  const BrowserRun run = Chromium(page, "--dump-dom");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(PageErrors(run.err), std::vector<std::string>{});
  EXPECT_NE(run.out.find("<body data-rendered=\"true\">"), std::string::npos)
      << run.out.substr(0, 2000);
  EXPECT_EQ(CountOf(run.out, "<svg "), 2);
  EXPECT_EQ(CountOf(run.out, "<article class=\"panel"), 2);
  EXPECT_EQ(CountOf(run.out, "<img"), 0);
  EXPECT_GT(CountOf(run.out, "<path class=\"mk-up\""), 0);
}

TEST_F(BrowserTest, ReportRasterizes) {
  const std::string html = HostileComparisonReport();
  const fs::path page = dir_ / "report.html";
  WriteFile(page, html);
  const fs::path png = dir_ / "report.png";
  const BrowserRun run =
      Chromium(page, absl::StrCat("--screenshot='", png.string(), "' --window-size=1400,2000"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(PageErrors(run.err), std::vector<std::string>{});
  const std::string image = ReadFile(png);
  ASSERT_GT(image.size(), 10'000u);
  EXPECT_EQ(image.substr(0, 8), "\x89PNG\r\n\x1a\n");
  if (const char* keep = std::getenv("LIMIAR_REPORT_ARTIFACTS"); keep != nullptr) {
    fs::create_directories(keep);
    WriteFile(fs::path(keep) / "report.html", html);
    WriteFile(fs::path(keep) / "report.png", image);
  }
}

// The page of a real run, as `limiar compare` writes it: the built-in flash sale under the
// blueprint's policy and Knative's, through the production control loop.
TEST_F(BrowserTest, SimulatedComparisonRendersWithoutErrors) {
  const Scenario scenario = BuiltinFlashSale();
  absl::StatusOr<PreparedTraffic> traffic = PrepareTraffic(scenario);
  ASSERT_TRUE(traffic.ok()) << traffic.status();
  std::vector<RunResult> runs;
  for (const char* spec : {"blueprint", "kpa"}) {
    absl::StatusOr<RunResult> run =
        RunSimulation(scenario, *traffic, *ParsePolicyVariant(spec), SimOptions{});
    ASSERT_TRUE(run.ok()) << run.status();
    runs.push_back(*std::move(run));
  }
  const fs::path page = dir_ / "report.html";
  WriteFile(page, RenderReportHtml(MakeReport(scenario, std::move(runs))));
  const BrowserRun run = Chromium(page, "--dump-dom");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(PageErrors(run.err), std::vector<std::string>{});
  EXPECT_NE(run.out.find("<body data-rendered=\"true\">"), std::string::npos);
  EXPECT_EQ(CountOf(run.out, "<svg "), 2);                        // one panel per policy
  EXPECT_GT(CountOf(run.out, "<path class=\"mk-up\""), 0);        // the scale-ups of the spike
  EXPECT_NE(run.out.find("TooManyReplicas"), std::string::npos);  // a reason, in a tooltip
}

}  // namespace
}  // namespace limiar::sim
