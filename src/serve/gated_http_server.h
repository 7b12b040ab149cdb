// A cpp-httplib server whose accepted connections go through a ConnectionGate instead of
// httplib's own thread pool: httplib still parses, routes and answers, one request per
// connection, on the gate's workers, reading from what the gate received and then from
// the socket within the gate's deadline.
//
// httplib 0.11 has no public hook for this: the listen loop hands each accepted socket to
// the virtual process_and_close_socket (its TLS server overrides it the same way), which
// here admits it to the gate; the task queue runs that hand-over inline, on the listen
// thread, since it never blocks.
#ifndef LIMIAR_SERVE_GATED_HTTP_SERVER_H_
#define LIMIAR_SERVE_GATED_HTTP_SERVER_H_

#include <httplib.h>

#include <string>

#include "absl/status/status.h"
#include "src/serve/http_gate.h"

namespace limiar::serve {

class GatedHttpServer final : public httplib::Server {
 public:
  explicit GatedHttpServer(HttpLimits limits);
  ~GatedHttpServer() override;

  // Call after binding, before listening: widens the listen backlog to SOMAXCONN and
  // starts the gate's threads. httplib listens with a backlog of 5: a burst of
  // connections beyond it has its SYNs dropped, and a dropped SYN is sent again only a
  // second later, longer than a liveness probe waits.
  absl::Status StartGate();
  // Stops the gate: call after stop() has ended the listen loop.
  void StopGate() { gate_.Stop(); }

 private:
  bool process_and_close_socket(socket_t sock) override;
  void Serve(int fd, std::string received, ConnectionGate::Deadline deadline);

  ConnectionGate gate_;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_GATED_HTTP_SERVER_H_
