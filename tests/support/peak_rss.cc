#include "tests/support/peak_rss.h"

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace limiar::testing {
namespace {

// `key` ("VmHWM:") of /proc/<process>/status, which the kernel gives in kB.
int64_t StatusBytes(absl::string_view key, const std::string& process = "self") {
  std::ifstream in("/proc/" + process + "/status");
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key)) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    int64_t kb = 0;
    return absl::SimpleAtoi(rest, &kb) ? kb * 1024 : -1;
  }
  return -1;
}

bool ResetPeak() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace

int64_t PeakRssBytes() { return StatusBytes("VmHWM:"); }
int64_t CurrentRssBytes() { return StatusBytes("VmRSS:"); }
int64_t PeakRssBytes(pid_t pid) { return StatusBytes("VmHWM:", std::to_string(pid)); }

PeakRssGrowth::PeakRssGrowth() : base_(ResetPeak() ? CurrentRssBytes() : PeakRssBytes()) {}

int64_t PeakRssGrowth::Growth() const { return PeakRssBytes() - base_; }

}  // namespace limiar::testing
