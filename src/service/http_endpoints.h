// The service's HTTP side: /metrics (Prometheus text format), /healthz (the process
// answers), /readyz (the first control-loop pass has run and nothing is shutting down).
#ifndef LIMIAR_SERVICE_HTTP_ENDPOINTS_H_
#define LIMIAR_SERVICE_HTTP_ENDPOINTS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace limiar::service {

class HttpEndpoints {
 public:
  // `render_metrics` produces the /metrics body; `ready` says whether /readyz is 200.
  HttpEndpoints(std::function<std::string()> render_metrics, std::function<bool()> ready);
  ~HttpEndpoints();

  // Binds `host:port` (port 0: any free port) and serves on a thread of its own. Returns
  // the bound port.
  absl::StatusOr<int> Start(const std::string& host, int port);
  void Stop();

 private:
  std::function<std::string()> render_metrics_;
  std::function<bool()> ready_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace limiar::service

#endif  // LIMIAR_SERVICE_HTTP_ENDPOINTS_H_
