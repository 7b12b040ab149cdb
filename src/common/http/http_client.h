// The one blocking HTTP(S) client over libcurl: actuators (webhook, kubernetes), pull-based
// metric sources (PromQL queries, scrapes) and the Kubernetes API use it. It returns
// whatever the server answered: what a status code or a body means is the caller's
// business (Prometheus, for one, sends its errors as JSON bodies with 4xx/5xx codes);
// HttpStatusToStatus is the common mapping for callers that have no better one.
#ifndef LIMIAR_COMMON_HTTP_HTTP_CLIENT_H_
#define LIMIAR_COMMON_HTTP_HTTP_CLIENT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/mutex.h"

namespace limiar::http {

// Bodies past this size are an error unless a request says otherwise: no peer of ours
// sends that much, and every byte from a peer is hostile until bounded.
inline constexpr size_t kDefaultMaxResponseBytes = 4 * 1024 * 1024;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PATCH, ...
  std::string url;             // http:// or https:// only
  // Sent as given, in order; a name that is not an RFC 9110 token or a value with a line
  // break is InvalidArgument (a configured header must not smuggle in others).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent when non-empty or the method is not GET
  // "Authorization: Bearer <token>" when non-empty.
  std::string bearer_token;
  // HTTP basic auth when `username` is non-empty.
  std::string username;
  std::string password;
  // Whole request, connection included.
  absl::Duration timeout = absl::Seconds(10);
  // PEM bundle to verify an https server with; empty: the system's. Verification is never
  // turned off: an answer from an impostor is worse than none.
  std::string ca_file;
  // PEM client certificate and key for mutual TLS; both or neither.
  std::string client_cert_file;
  std::string client_key_file;
  // The same three as PEM text rather than files (a kubeconfig's *-data fields); each
  // takes the place of its file when non-empty.
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  // Larger bodies are ResourceExhausted rather than a memory spike.
  size_t max_body_bytes = kDefaultMaxResponseBytes;
};

struct HttpResponse {
  long status = 0;  // HTTP status code
  std::string content_type;
  std::string body;  // for a stream: only a non-2xx answer's body (an error to read)
};

// How a streamed 2xx body (a Kubernetes watch) is consumed as it arrives.
struct StreamConsumer {
  // Each piece of the body, in order; false stops the transfer (the call then returns the
  // response as it stood, without an error).
  std::function<bool(absl::string_view piece)> on_data;
  // Asked about once a second, data or not; false stops the transfer the same way. Lets
  // another thread end an idle stream without waiting for its timeout.
  std::function<bool()> keep_going;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response, not an error. Errors are for no (usable) response, each
  // naming the method and the URL (without its query string, which may carry anything):
  // a bad URL or header is InvalidArgument; a refused or broken connection, or a TLS
  // handshake error other than verification, Unavailable; the timeout DeadlineExceeded
  // (both retryable); a certificate that does not verify or a CA/client certificate file
  // that cannot be used FailedPrecondition; a body over `max_body_bytes` ResourceExhausted.
  // Redirects are not followed (a redirect is a misconfigured address). Blocks up to the
  // timeout. Thread-safe: calls are serialised on one connection cache, which keeps
  // connections (and TLS sessions) to the same server alive between calls; use one client
  // per thread for parallel requests.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request);

  // As Send, but a 2xx body goes to `consumer` piece by piece instead of into the response
  // (max_body_bytes then bounds only a non-2xx body; the consumer bounds what it keeps).
  // `request.timeout` is the whole stream's.
  absl::StatusOr<HttpResponse> Stream(const HttpRequest& request, const StreamConsumer& consumer);

 private:
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request, const StreamConsumer* consumer);

  Mutex mu_;
  void* curl_ ABSL_GUARDED_BY(mu_);  // CURL*, kept out of this header
};

// The status an HTTP response maps to: 2xx OK; 429 ResourceExhausted and 5xx Unavailable
// (500: Internal), all retryable; 400 InvalidArgument, 401 Unauthenticated, 403
// PermissionDenied, 404 NotFound, 409 FailedPrecondition, 422 InvalidArgument, other 4xx
// FailedPrecondition; none of them retried. `message` becomes the status message.
absl::Status HttpStatusToStatus(long status, absl::string_view message);

// Percent-encodes everything but RFC 3986's unreserved characters, for a query parameter or
// a path segment: PromQL's braces and quotes, a label selector's '=', ',' and '!' reach the
// server intact.
std::string UrlEncode(absl::string_view text);

// `url` without its query string, for messages: a query may carry anything.
absl::string_view UrlForMessage(absl::string_view url);

}  // namespace limiar::http

#endif  // LIMIAR_COMMON_HTTP_HTTP_CLIENT_H_
