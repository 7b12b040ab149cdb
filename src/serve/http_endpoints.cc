#include "src/serve/http_endpoints.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "src/serve/gated_http_server.h"

namespace limiar::serve {

HttpEndpoints::HttpEndpoints(std::function<std::string()> render_metrics,
                             std::function<bool()> ready, HttpLimits limits)
    : render_metrics_(std::move(render_metrics)),
      ready_(std::move(ready)),
      server_(std::make_unique<GatedHttpServer>(limits)) {
  // Every endpoint is a GET: a request with a body is refused before a worker would
  // spend its time reading it.
  server_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Transfer-Encoding") &&
        (!req.has_header("Content-Length") || req.get_header_value("Content-Length") == "0")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 413;
    res.set_content("these endpoints take no request body\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_metrics_(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    if (ready_()) {
      res.set_content("ready\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready: the first control-loop pass has not run yet\n", "text/plain");
    }
  });
}

HttpEndpoints::~HttpEndpoints() { Stop(); }

absl::StatusOr<int> HttpEndpoints::Start(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host.c_str());
    if (bound < 0) return absl::UnavailableError(absl::StrCat("cannot bind HTTP on ", host));
  } else if (!server_->bind_to_port(host.c_str(), port)) {
    return absl::UnavailableError(absl::StrCat("cannot bind HTTP on ", host, ":", port,
                                               " (in use, or not an address here?)"));
  }
  if (absl::Status s = server_->StartGate(); !s.ok()) return s;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs: return only once it does, so
  // that a Stop() right after Start() (a SIGTERM during start-up) cannot hang the join.
  for (int i = 0; i < 10'000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server_->is_running()) {
    return absl::InternalError("the HTTP server did not start within 10 s");
  }
  return bound;
}

void HttpEndpoints::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  if (server_) server_->StopGate();
}

}  // namespace limiar::serve
