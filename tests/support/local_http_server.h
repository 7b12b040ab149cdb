// An HTTP(S) server (cpp-httplib) on 127.0.0.1 in the test process, for tests of clients of
// peers: webhooks, the Kubernetes API, Prometheus, /metrics endpoints.
#ifndef LIMIAR_TESTS_SUPPORT_LOCAL_HTTP_SERVER_H_
#define LIMIAR_TESTS_SUPPORT_LOCAL_HTTP_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
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

// One request as a CannedHttpServer saw it.
struct SeenRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::map<std::string, std::string> params;  // the query string, percent-decoded

  // The first header of that name (case-insensitive), "" if none.
  std::string Header(absl::string_view name) const;
  const std::string& Path() const { return path; }
  const std::map<std::string, std::string>& Params() const { return params; }
};

struct CannedResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// A LocalHttpServer that answers every request (any method, any path) with what `handler`
// returns and records what it saw: the fake Prometheus, exporters and /metrics endpoints
// of the metric-source tests. Started by the constructor; stopped by the destructor, which
// waits for handlers in progress (a handler that blocks must be released first). The
// handler runs on the server's threads, several at once.
class CannedHttpServer {
 public:
  using Handler = std::function<CannedResponse(const SeenRequest&)>;

  explicit CannedHttpServer(Handler handler);

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string base_url() const { return server_.base_url(); }
  std::vector<SeenRequest> requests();
  // Waits up to `timeout` for `n` requests answered in all (the handler returned).
  bool WaitForAnswered(int n, std::chrono::seconds timeout);

 private:
  const Handler handler_;
  std::mutex mu_;
  std::condition_variable answered_cv_;
  std::vector<SeenRequest> requests_;  // mu_
  int answered_ = 0;                   // mu_
  // Last: stopped (and its threads joined) before the members its handlers use go away.
  LocalHttpServer server_;
  int port_ = -1;
};

// Answers `body` to every GET of `path` without copying it per request (a content
// provider hands out slices), so that a test measuring a client's memory does not count
// the server's. `body` must outlive the server.
void ServeWithoutCopies(httplib::Server& server, const std::string& path, const std::string& body,
                        const std::string& content_type);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_LOCAL_HTTP_SERVER_H_
