// A small blocking HTTP(S) client over libcurl for the webhook and kubernetes actuators.
#ifndef LIMIAR_ACTUATOR_HTTP_CLIENT_H_
#define LIMIAR_ACTUATOR_HTTP_CLIENT_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace limiar::actuator {

struct HttpRequest {
  std::string method = "GET";        // GET, POST, PATCH, ...
  std::string url;                   // http:// or https:// only
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when non-empty or the method is not GET
  absl::Duration timeout = absl::Seconds(10);
  std::string ca_file;  // PEM bundle to verify the server with; empty: the system's
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Response bodies past this size are an error: no peer of ours sends that much.
inline constexpr size_t kMaxResponseBytes = 4 * 1024 * 1024;

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response, not an error. Errors are for no response at all:
  // connection failures and TLS handshake errors other than verification are Unavailable,
  // the timeout is DeadlineExceeded (both retryable); a certificate that does not verify
  // is FailedPrecondition; a bad URL is InvalidArgument. Redirects are not followed.
  // Blocks up to the timeout. Thread-safe: calls are serialised on one connection cache,
  // which keeps TLS sessions to the same server alive between calls.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request);

 private:
  std::mutex mu_;
  void* curl_;  // CURL*, kept out of this header
};

// The status an HTTP response maps to: 2xx OK; 429 ResourceExhausted and 5xx Unavailable
// (500: Internal), all retryable; 400 InvalidArgument, 401 Unauthenticated, 403
// PermissionDenied, 404 NotFound, 409 FailedPrecondition, 422 InvalidArgument, other 4xx
// FailedPrecondition; none of them retried. `message` becomes the status message.
absl::Status HttpStatusToStatus(long status, absl::string_view message);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_HTTP_CLIENT_H_
