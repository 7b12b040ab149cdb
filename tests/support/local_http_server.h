// An HTTP(S) server (cpp-httplib) on 127.0.0.1 in the test process, for tests of clients of
// peers: webhooks, the Kubernetes API, Prometheus, /metrics endpoints.
#ifndef LIMIAR_TESTS_SUPPORT_LOCAL_HTTP_SERVER_H_
#define LIMIAR_TESTS_SUPPORT_LOCAL_HTTP_SERVER_H_

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "tests/support/ports.h"  // UnusedPort, for the tests of clients

namespace limiar::testing {

// Owns an httplib server: register handlers on server(), then Start() binds 127.0.0.1 on
// an ephemeral port and serves on a thread until destruction.
class LocalHttpServer {
 public:
  // Plain HTTP.
  LocalHttpServer();
  // HTTPS with the given certificate and key files.
  LocalHttpServer(const std::string& cert_file, const std::string& key_file);
  ~LocalHttpServer();

  httplib::Server& server() { return *server_; }
  // Returns the port. Aborts the test binary if the server cannot start.
  int Start();
  // "http://127.0.0.1:PORT" (or https).
  std::string base_url() const;

 private:
  std::unique_ptr<httplib::Server> server_;
  bool tls_;
  int port_ = -1;
  std::thread thread_;
};

// Answers `body` to every GET of `path` without copying it per request (a content
// provider hands out slices), so that a test measuring a client's memory does not count
// the server's. `body` must outlive the server.
void ServeWithoutCopies(httplib::Server& server, const std::string& path, const std::string& body,
                        const std::string& content_type);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_LOCAL_HTTP_SERVER_H_
