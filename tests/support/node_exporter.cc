#include "tests/support/node_exporter.h"

#include "absl/strings/str_cat.h"
#include "tests/support/ports.h"

namespace limiar::testing {

absl::Status NodeExporter::Start(const std::string& binary) {
  port_ = UnusedPort();
  if (port_ <= 0) return absl::UnavailableError("no free port on 127.0.0.1");
  const absl::Status started = process_.Start(
      {binary, absl::StrCat("--web.listen-address=127.0.0.1:", port_), "--no-collector.systemd"});
  if (!started.ok()) return started;
  const int port = port_;
  return process_.WaitUntil([port] { return AcceptsConnections(port); });
}

}  // namespace limiar::testing
