// A real Debian prometheus-node-exporter on 127.0.0.1 for tests of what reads /metrics.
// Tests skip when it is not installed (apt-get install prometheus-node-exporter).
#ifndef LIMIAR_TESTS_SUPPORT_NODE_EXPORTER_H_
#define LIMIAR_TESTS_SUPPORT_NODE_EXPORTER_H_

#include <string>

#include "absl/status/status.h"
#include "tests/support/child_process.h"

namespace limiar::testing {

inline constexpr char kNodeExporter[] = "prometheus-node-exporter";

class NodeExporter {
 public:
  // The exporter's path, or "" when it is not installed.
  static std::string Find() { return FindProgram(kNodeExporter); }

  // Starts `binary` on a free loopback port (it cannot bind port 0) and waits until it
  // accepts connections. systemd's collector is off: it needs a running systemd, which
  // test machines may not have.
  absl::Status Start(const std::string& binary);
  int port() const { return port_; }
  // Stops it by pid; the destructor does too.
  void Stop() { process_.Stop(); }

 private:
  ChildProcess process_;
  int port_ = -1;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_NODE_EXPORTER_H_
