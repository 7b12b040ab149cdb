#include "src/cli/conformance_command.h"

#include "src/cli/print_error.h"
#include "src/conformance/conformance.h"

namespace limiar::cli {

int RunConformanceCommand(const std::vector<std::string>& files, bool verbose, std::ostream& out,
                          std::ostream& err) {
  int passed = 0;
  int failed = 0;
  bool unreadable = false;
  for (const std::string& file : files) {
    absl::StatusOr<std::vector<conformance::CaseOutcome>> outcomes =
        conformance::RunConformanceFile(file);
    if (outcomes.status().code() == absl::StatusCode::kFailedPrecondition) {
      err << "note: " << outcomes.status().message() << "\n";
      continue;
    }
    if (!outcomes.ok()) {
      PrintError(err, outcomes.status().message());
      unreadable = true;
      continue;
    }
    for (const conformance::CaseOutcome& o : *outcomes) {
      if (o.passed) {
        ++passed;
        if (verbose) out << "PASS " << o.id << "  " << o.name << "\n";
        continue;
      }
      ++failed;
      out << "FAIL " << o.id << "  " << o.name << "\n"
          << "     expected: " << o.expected << "\n"
          << "     got:      " << o.got << "\n";
    }
  }
  out << passed << " passed, " << failed << " failed\n";
  return (failed > 0 || unreadable) ? 1 : 0;
}

}  // namespace limiar::cli
