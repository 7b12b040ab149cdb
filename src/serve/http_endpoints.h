// The service's HTTP side: /metrics (Prometheus text format), /healthz (the process
// answers), /readyz (the first control-loop pass has run and nothing is shutting down).
// cpp-httplib parses and routes; a ConnectionGate (http_gate.h) in front of it waits for
// each request's headers without a thread, so slow or idle clients cannot starve the
// probes, and bounds the workers and their queue.
#ifndef LIMIAR_SERVE_HTTP_ENDPOINTS_H_
#define LIMIAR_SERVE_HTTP_ENDPOINTS_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "src/serve/http_gate.h"

namespace limiar::serve {

class GatedHttpServer;

class HttpEndpoints {
 public:
  // `render_metrics` produces the /metrics body; `ready` says whether /readyz is 200. Both
  // are called on worker threads.
  HttpEndpoints(std::function<std::string()> render_metrics, std::function<bool()> ready,
                HttpLimits limits = {});
  ~HttpEndpoints();

  // Binds `host:port` (port 0: any free port) and serves on threads of its own. Returns
  // the bound port.
  absl::StatusOr<int> Start(const std::string& host, int port);
  void Stop();

 private:
  std::function<std::string()> render_metrics_;
  std::function<bool()> ready_;
  std::unique_ptr<GatedHttpServer> server_;
  std::thread thread_;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_HTTP_ENDPOINTS_H_
