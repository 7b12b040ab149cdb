#include "tests/support/backfilled_prometheus.h"

#include <httplib.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/support/ports.h"

namespace limiar::testing {

std::string BackfilledPrometheus::Missing() {
  for (const char* program : {"prometheus", "promtool"}) {
    if (FindProgram(program).empty()) {
      return absl::StrCat("no `", program, "` on PATH or in /usr/bin (apt-get install prometheus)");
    }
  }
  return "";
}

absl::Status BackfilledPrometheus::Start(const std::string& dir, const std::string& metric,
                                         const std::vector<GaugePoint>& points) {
  const std::string input = dir + "/backfill.om";
  {
    std::ofstream out(input);
    out << "# TYPE " << metric << " gauge\n";
    for (const GaugePoint& p : points) {
      out << metric << " " << absl::StrCat(p.value) << " " << absl::ToUnixSeconds(p.time) << "\n";
    }
    out << "# EOF\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", input));
  }
  const std::string tsdb = dir + "/tsdb";
  ChildProcess promtool;
  absl::Status s = promtool.Start(
      {FindProgram("promtool"), "tsdb", "create-blocks-from", "openmetrics", input, tsdb});
  if (!s.ok()) return s;
  const std::optional<int> exit = promtool.WaitExit(absl::Minutes(2));
  if (!exit || ExitCode(*exit) != 0) {
    return absl::InternalError(absl::StrCat("promtool backfill failed: ", promtool.Output()));
  }
  const std::string config = dir + "/prometheus.yml";
  std::ofstream(config) << "scrape_configs: []\n";
  port_ = UnusedPort();
  if (port_ <= 0) return absl::UnavailableError("no free port on 127.0.0.1");
  s = process_.Start({FindProgram("prometheus"), "--config.file=" + config,
                      "--storage.tsdb.path=" + tsdb,
                      absl::StrCat("--web.listen-address=127.0.0.1:", port_), "--log.level=warn"});
  if (!s.ok()) return s;
  // /-/ready answers 200 once the blocks are loaded; queries before that get 503.
  const int port = port_;
  return process_.WaitUntil(
      [port] {
        httplib::Client client("127.0.0.1", port);
        client.set_connection_timeout(1);
        const httplib::Result r = client.Get("/-/ready");
        return r && r->status == 200;
      },
      absl::Seconds(30), absl::Milliseconds(100));
}

std::string BackfilledPrometheus::base_url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

}  // namespace limiar::testing
