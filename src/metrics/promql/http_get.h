// A small blocking HTTP(S) GET over libcurl for the pull-based metric sources (PromQL
// queries, scrapes). It returns whatever the server answered: deciding what a status code
// or a body means is the caller's business, because Prometheus, for one, sends its errors
// as JSON bodies with 4xx/5xx codes.
#ifndef LIMIAR_METRICS_PROMQL_HTTP_GET_H_
#define LIMIAR_METRICS_PROMQL_HTTP_GET_H_

#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace limiar::metrics {

struct HttpGetRequest {
  std::string url;  // http:// or https:// only
  // Sent as given, in order ("Authorization", "Bearer ..." and the like).
  std::vector<std::pair<std::string, std::string>> headers;
  // HTTP basic auth when `username` is non-empty.
  std::string username;
  std::string password;
  // Whole request, connection included.
  absl::Duration timeout = absl::Seconds(3);
  // PEM bundle to verify an https server with; empty: the system's. Verification is never
  // turned off: a metric read from an impostor is worse than no metric.
  std::string ca_file;
  // Larger bodies are an error rather than a memory spike: a query or scrape answer that
  // big means a misconfigured query or target.
  size_t max_body_bytes = 16 * 1024 * 1024;
};

struct HttpGetResponse {
  long status = 0;  // HTTP status code
  std::string content_type;
  std::string body;
};

class HttpGetClient {
 public:
  HttpGetClient();
  ~HttpGetClient();
  HttpGetClient(const HttpGetClient&) = delete;
  HttpGetClient& operator=(const HttpGetClient&) = delete;

  // Any HTTP status is a response. Errors are for no (usable) response: a bad URL or a
  // header with a line break is InvalidArgument, a refused or broken connection
  // Unavailable, the timeout DeadlineExceeded, a certificate that does not verify or a
  // CA file that cannot be read FailedPrecondition, a body over `max_body_bytes`
  // ResourceExhausted. Redirects are not followed (a redirect is a misconfigured address).
  // Blocks up to the timeout. Thread-safe; calls are serialised so that one connection
  // cache keeps connections (and TLS sessions) to the same server alive between calls.
  absl::StatusOr<HttpGetResponse> Get(const HttpGetRequest& request);

 private:
  std::mutex mu_;
  void* curl_;  // CURL*, kept out of this header
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMQL_HTTP_GET_H_
