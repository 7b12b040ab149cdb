// PromQL instant queries against a Prometheus server's HTTP API (`GET /api/v1/query`), read
// the way KEDA's Prometheus scaler reads them (pkg/scalers/prometheus_scaler.go), so that a
// KEDA trigger moved to Limiar yields the same number:
//   - the query must yield one value: a vector of exactly one series, or a scalar. More
//     than one series is an error (KEDA: "returned multiple elements"), never summed behind
//     the user's back; a range vector (matrix) or a string is an error too;
//   - `ignore_null_values` (KEDA's `ignoreNullValues`, default true) makes an empty vector,
//     a series without a value, and a NaN or +/-Inf value count as 0; when false, each of
//     them is an error. KEDA does exactly this (NaN joined Inf in kedacore/keda#7576);
//   - negative values pass through unchanged, as in KEDA;
//   - any non-2xx answer is an error; Prometheus' own error bodies (`status: error`) are
//     reported with their `errorType` and `error`.
// Where Limiar differs from KEDA, on purpose: a scalar result is accepted (KEDA fails to
// decode it), a matrix is an error (KEDA reads it as a series without a value, i.e. 0), and
// a native histogram sample is an error that says so.
#ifndef LIMIAR_METRICS_PROMQL_PROMQL_CLIENT_H_
#define LIMIAR_METRICS_PROMQL_PROMQL_CLIENT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/http/http_client.h"

namespace limiar::metrics {

// The body cap of a query answer: its default, and the most a config may set.
inline constexpr size_t kPromQlDefaultMaxBodyBytes = 1 << 20;
inline constexpr size_t kPromQlMaxBodyBytesLimit = 4 << 20;

// One PromQL source: where to ask, what, how often, and how to read an empty answer.
struct PromQlQuery {
  // Base URL of the server, with any path prefix ("http://prometheus:9090",
  // "https://thanos.example/prometheus"); "/api/v1/query" is appended.
  std::string server_address;
  std::string query;
  // How often the poller runs the query (KEDA's pollingInterval, default 30 s).
  absl::Duration interval = absl::Seconds(30);
  bool ignore_null_values = true;
  // Per request (KEDA's default HTTP timeout is 3 s).
  absl::Duration timeout = absl::Seconds(3);
  // Secrets come from files, read at every query, so that rotated tokens (Kubernetes
  // projected service-account tokens) are picked up and nothing secret sits in the config.
  std::string bearer_token_file;  // sent as "Authorization: Bearer <contents>"
  std::string username;           // HTTP basic auth when non-empty ...
  std::string password_file;      // ... with the password from this file
  std::string ca_file;            // PEM bundle for an https server; empty: the system's
  // Extra request headers (KEDA's customHeaders), e.g. {"X-Scope-OrgID", "tenant"}.
  std::vector<std::pair<std::string, std::string>> headers;
  // Answers past this many bytes are an error, and reading stops there: one value's
  // answer is a few hundred bytes, and a hostile one must not cost more than this.
  size_t max_body_bytes = kPromQlDefaultMaxBodyBytes;
};

// The number a query yielded.
struct PromQlValue {
  double value = 0;
  // Non-empty when `value` is KEDA's stand-in 0 under ignore_null_values: what it stands
  // for ("empty result", "NaN", "+Inf", ...), so that status can show a 0 that is not real.
  std::string null_replaced;
};

// Reads one /api/v1/query answer. Errors: a Prometheus error body maps by its errorType
// (bad_data InvalidArgument, execution FailedPrecondition, timeout DeadlineExceeded,
// canceled/unavailable Unavailable, internal Internal, not_found NotFound); other non-2xx
// answers by HTTP status (401 Unauthenticated, 403 PermissionDenied, 404 NotFound, 429
// ResourceExhausted, 5xx Unavailable, else FailedPrecondition); a body that is not the
// API's JSON Internal (so is one past kPromQlMaxBodyBytesLimit or nested more than 32
// levels, checked before parsing); a result that is not one value InvalidArgument; an
// empty result NotFound and NaN/Inf OutOfRange when `ignore_null_values` is false. Quotes
// of the body and of the server's error text are short and escaped.
absl::StatusOr<PromQlValue> ParsePromQlResponse(long http_status, absl::string_view body,
                                                bool ignore_null_values);

// One point of a range query's one series.
struct PromQlPoint {
  absl::Time time;
  double value = 0;
};

// A range query asks for at most this many points (Prometheus refuses more than 11,000 per
// series), and its answer is read up to this many bytes: 10,000 points of at most ~40 bytes.
inline constexpr int64_t kPromQlMaxRangePoints = 10000;
inline constexpr size_t kPromQlRangeMaxBodyBytes = kPromQlMaxBodyBytesLimit;

// Reads one /api/v1/query_range answer: the points of its one series, oldest first; none
// when the range holds no data. Errors as ParsePromQlResponse's, and InvalidArgument for
// more than one series (the query must aggregate). A NaN or Inf point is left out: it is no
// load. Times must increase.
absl::StatusOr<std::vector<PromQlPoint>> ParsePromQlRangeResponse(long http_status,
                                                                  absl::string_view body);

// "{server_address}/api/v1/query?query=<percent-encoded>&time=<unix seconds, ms>".
std::string PromQlQueryUrl(absl::string_view server_address, absl::string_view query,
                           absl::Time at);
// "{server_address}/api/v1/query_range?query=...&start=...&end=...&step=<seconds>".
std::string PromQlRangeUrl(absl::string_view server_address, absl::string_view query,
                           absl::Time start, absl::Time end, absl::Duration step);

// KEDA's activation rule: a target whose value is not strictly above its
// `activationThreshold` is inactive (KEDA scales it to zero replicas, or from zero only
// once the value goes above). The scaling threshold itself is not the source's business:
// Limiar's comes from the blueprint.
inline bool PromQlIsActive(double value, double activation_threshold) {
  return value > activation_threshold;
}

// Runs one instant query. An interface so that the poller can be tested without a server.
class PromQlQuerier {
 public:
  virtual ~PromQlQuerier() = default;
  // The value of `query.query` evaluated at `at`. Blocks up to `query.timeout`.
  virtual absl::StatusOr<PromQlValue> Query(const PromQlQuery& query, absl::Time at) = 0;
};

// Runs one range query: `query.query` evaluated at start, start + step, ... up to end.
class PromQlRangeQuerier {
 public:
  virtual ~PromQlRangeQuerier() = default;
  virtual absl::StatusOr<std::vector<PromQlPoint>> QueryRange(const PromQlQuery& query,
                                                              absl::Time start, absl::Time end,
                                                              absl::Duration step) = 0;
};

class PromQlClient final : public PromQlQuerier, public PromQlRangeQuerier {
 public:
  // Besides ParsePromQlResponse's errors: the HTTP client's (Unavailable, DeadlineExceeded,
  // ...), and FailedPrecondition when a token or password file cannot be read. Messages
  // name the server. Thread-safe (requests are serialised on one connection cache).
  absl::StatusOr<PromQlValue> Query(const PromQlQuery& query, absl::Time at) override;
  // The same errors, and InvalidArgument for a step under 1 s or more than
  // kPromQlMaxRangePoints points. The answer is read up to kPromQlRangeMaxBodyBytes.
  absl::StatusOr<std::vector<PromQlPoint>> QueryRange(const PromQlQuery& query, absl::Time start,
                                                      absl::Time end, absl::Duration step) override;
  // Query's number alone.
  absl::StatusOr<double> QueryInstant(const PromQlQuery& query, absl::Time at);

 private:
  http::HttpClient http_;
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMQL_PROMQL_CLIENT_H_
