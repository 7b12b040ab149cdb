#include "src/metrics/promql/promql_client.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "src/common/bounded_json.h"
#include "src/common/excerpt.h"
#include "src/common/regular_file.h"
#include "src/common/status_macros.h"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;

// An instant query's answer nests five levels deep (object, data, result, series, value);
// its size is capped by the request already, this is for callers with a string.
constexpr JsonLimits kAnswerLimits{.max_bytes = kPromQlMaxBodyBytesLimit, .max_depth = 32};

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(absl::StrCat("malformed /api/v1/query response: ", what));
}

// Prometheus' errorType values (web/api/v1/api.go) to status codes.
absl::StatusCode ErrorTypeCode(absl::string_view error_type) {
  if (error_type == "bad_data") return absl::StatusCode::kInvalidArgument;
  if (error_type == "execution") return absl::StatusCode::kFailedPrecondition;
  if (error_type == "timeout") return absl::StatusCode::kDeadlineExceeded;
  if (error_type == "canceled" || error_type == "unavailable") {
    return absl::StatusCode::kUnavailable;
  }
  if (error_type == "internal") return absl::StatusCode::kInternal;
  if (error_type == "not_found") return absl::StatusCode::kNotFound;
  return absl::StatusCode::kUnknown;
}

absl::StatusCode HttpStatusCode(long status) {
  switch (status) {
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      return status >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kFailedPrecondition;
  }
}

// A sample value as Prometheus writes it (strconv.FormatFloat: "1.5", "NaN", "+Inf",
// "-Inf"), read as KEDA reads it (strconv.ParseFloat: a leading '+' and any case of
// nan/inf/infinity are fine; out of range is not).
std::optional<double> ParseSampleValue(absl::string_view s) {
  absl::string_view digits = s;
  const bool plus = absl::ConsumePrefix(&digits, "+");
  if (digits.empty() || (plus && digits[0] == '-')) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return v;
}

// `value` of a vector element or `result` of a scalar: [<unix time>, "<value>"].
absl::StatusOr<PromQlValue> ReadSamplePair(const json& pair, bool ignore_null_values) {
  if (!pair.is_array()) return Malformed("a sample is not a [time, value] array");
  // KEDA reads a series with an empty value list as null (0 or an error), and one with a
  // single element as an error.
  if (pair.empty()) {
    if (ignore_null_values) return PromQlValue{0, "series without a value"};
    return absl::NotFoundError(
        "the series has no value (a series without a value is 0 only with "
        "ignore_null_values)");
  }
  if (pair.size() < 2) return Malformed("a sample has a time but no value");
  const json& raw = pair[1];
  if (!raw.is_string()) return Malformed("a sample value is not a string");
  const std::string& text = raw.get_ref<const std::string&>();
  const std::optional<double> v = ParseSampleValue(text);
  if (!v) return Malformed(absl::StrCat("sample value \"", Excerpt(text, 40), "\" is no number"));
  if (std::isfinite(*v)) return PromQlValue{*v, ""};
  // "NaN", "+Inf" or "-Inf", whatever the spelling was.
  const std::string name = std::isnan(*v) ? "NaN" : (*v > 0 ? "+Inf" : "-Inf");
  if (ignore_null_values) return PromQlValue{0, name};
  return absl::OutOfRangeError(
      absl::StrCat("the query returned ", name, " (taken as 0 only with ignore_null_values)"));
}

absl::StatusOr<PromQlValue> ReadVector(const json& result, bool ignore_null_values) {
  if (!result.is_array()) return Malformed("data.result of a vector is not an array");
  if (result.empty()) {
    if (ignore_null_values) return PromQlValue{0, "empty result"};
    return absl::NotFoundError(
        "the query returned no series (an empty result is 0 only with ignore_null_values)");
  }
  if (result.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the query returned ", result.size(),
                     " series; it must return one: aggregate it, e.g. sum(...)"));
  }
  const json& series = result[0];
  if (!series.is_object()) return Malformed("a vector element is not an object");
  const auto value = series.find("value");
  if (value == series.end()) {
    if (series.contains("histogram")) {
      return absl::InvalidArgumentError(
          "the query returned a native histogram; turn it into a number, e.g. "
          "histogram_quantile(0.9, ...) or histogram_count(...)");
    }
    return ReadSamplePair(json::array(), ignore_null_values);
  }
  return ReadSamplePair(*value, ignore_null_values);
}

absl::Status ReadErrorBody(long http_status, const json& doc) {
  const auto type = doc.find("errorType");
  const auto error = doc.find("error");
  const std::string error_type =
      type != doc.end() && type->is_string() ? type->get<std::string>() : "";
  // The server's words, cut and escaped: a message is a line, whatever the server sent.
  // Real ones run to a few hundred bytes (a many-to-many error lists the series, and says
  // what is wrong at the end).
  const std::string message = error != doc.end() && error->is_string()
                                  ? Excerpt(error->get_ref<const std::string&>(), 1000)
                                  : "(no message)";
  return absl::Status(
      error_type.empty() ? HttpStatusCode(http_status) : ErrorTypeCode(error_type),
      absl::StrCat("prometheus error (HTTP ", http_status, ", errorType ",
                   error_type.empty() ? "none" : Excerpt(error_type, 40), "): ", message));
}

// A secret from a file, surrounding whitespace (the trailing newline) removed.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path, absl::string_view what) {
  absl::StatusOr<std::string> contents = ReadRegularFile(path, kMaxCredentialFileBytes, what);
  // A missing or unreadable secret is a setup problem, whatever the system's reason.
  if (!contents.ok()) return absl::FailedPreconditionError(contents.status().message());
  std::string secret(absl::StripAsciiWhitespace(*contents));
  if (secret.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(what, " \"", path, "\" is empty"));
  }
  return secret;
}

// The same status with "prometheus <server>: " in front.
absl::Status WithServer(const absl::Status& s, absl::string_view server) {
  return absl::Status(s.code(), absl::StrCat("prometheus ", server, ": ", s.message()));
}

}  // namespace

absl::StatusOr<PromQlValue> ParsePromQlResponse(long http_status, absl::string_view body,
                                                bool ignore_null_values) {
  absl::StatusOr<json> parsed = ParseBoundedJson(body, kAnswerLimits, "answer");
  if (!parsed.ok()) {
    // Not the API's JSON: a proxy's error page, or not a Prometheus at all.
    if (http_status < 200 || http_status > 299) {
      return absl::Status(HttpStatusCode(http_status),
                          absl::StrCat("HTTP ", http_status, " from the server: ", Excerpt(body)));
    }
    return Malformed(absl::StrCat(parsed.status().message(), "; body: ", Excerpt(body)));
  }
  const json& doc = *parsed;
  if (!doc.is_object()) return Malformed("not a JSON object");
  const auto status = doc.find("status");
  if (status != doc.end() && *status == "error") return ReadErrorBody(http_status, doc);
  if (http_status < 200 || http_status > 299) {
    return absl::Status(HttpStatusCode(http_status),
                        absl::StrCat("HTTP ", http_status, " from the server: ", Excerpt(body)));
  }
  if (status == doc.end() || *status != "success") {
    return Malformed("\"status\" is neither \"success\" nor \"error\"");
  }
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return Malformed("no \"data\" object");
  const auto type = data->find("resultType");
  const auto result = data->find("result");
  if (type == data->end() || !type->is_string()) return Malformed("no data.resultType");
  if (result == data->end()) return Malformed("no data.result");
  const std::string& result_type = type->get_ref<const std::string&>();
  if (result_type == "vector") return ReadVector(*result, ignore_null_values);
  if (result_type == "scalar") return ReadSamplePair(*result, ignore_null_values);
  if (result_type == "matrix") {
    return absl::InvalidArgumentError(
        "the query returned a range vector (matrix); use an instant vector or scalar query, "
        "e.g. sum(rate(x[1m])) instead of x[1m]");
  }
  if (result_type == "string") {
    return absl::InvalidArgumentError(
        "the query returned a string; use an instant vector or scalar query");
  }
  return Malformed(absl::StrCat("unknown resultType \"", Excerpt(result_type, 40), "\""));
}

std::string PromQlQueryUrl(absl::string_view server_address, absl::string_view query,
                           absl::Time at) {
  absl::string_view base = server_address;
  while (absl::ConsumeSuffix(&base, "/")) {
  }
  // Unix seconds with milliseconds: Prometheus' own resolution, and exact, unlike a double.
  const int64_t ms = absl::ToUnixMillis(at);
  const int64_t abs_ms = ms < 0 ? -ms : ms;
  const std::string time =
      absl::StrFormat("%s%d.%03d", ms < 0 ? "-" : "", abs_ms / 1000, abs_ms % 1000);
  return absl::StrCat(base, "/api/v1/query?query=", http::UrlEncode(query), "&time=", time);
}

absl::StatusOr<PromQlValue> PromQlClient::Query(const PromQlQuery& query, absl::Time at) {
  http::HttpRequest request;
  request.url = PromQlQueryUrl(query.server_address, query.query, at);
  request.timeout = query.timeout;
  request.ca_file = query.ca_file;
  request.headers = query.headers;
  request.max_body_bytes = query.max_body_bytes;
  if (!query.bearer_token_file.empty()) {
    absl::StatusOr<std::string> token =
        ReadSecretFile(query.bearer_token_file, "bearer token file");
    if (!token.ok()) return WithServer(token.status(), query.server_address);
    request.bearer_token = *std::move(token);
  }
  if (!query.username.empty()) {
    request.username = query.username;
    if (!query.password_file.empty()) {
      absl::StatusOr<std::string> password = ReadSecretFile(query.password_file, "password file");
      if (!password.ok()) return WithServer(password.status(), query.server_address);
      request.password = *std::move(password);
    }
  }
  absl::StatusOr<http::HttpResponse> response = http_.Send(request);
  if (!response.ok()) return WithServer(response.status(), query.server_address);
  absl::StatusOr<PromQlValue> value =
      ParsePromQlResponse(response->status, response->body, query.ignore_null_values);
  if (!value.ok()) return WithServer(value.status(), query.server_address);
  return value;
}

absl::StatusOr<double> PromQlClient::QueryInstant(const PromQlQuery& query, absl::Time at) {
  ASSIGN_OR_RETURN(const PromQlValue value, Query(query, at));
  return value.value;
}

}  // namespace limiar::metrics
