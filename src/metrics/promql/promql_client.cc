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

// `api`: "query" or "query_range".
absl::Status Malformed(absl::string_view api, absl::string_view what) {
  return absl::InternalError(absl::StrCat("malformed /api/v1/", api, " response: ", what));
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
  if (!pair.is_array()) return Malformed("query", "a sample is not a [time, value] array");
  // KEDA reads a series with an empty value list as null (0 or an error), and one with a
  // single element as an error.
  if (pair.empty()) {
    if (ignore_null_values) return PromQlValue{0, "series without a value"};
    return absl::NotFoundError(
        "the series has no value (a series without a value is 0 only with "
        "ignore_null_values)");
  }
  if (pair.size() < 2) return Malformed("query", "a sample has a time but no value");
  const json& raw = pair[1];
  if (!raw.is_string()) return Malformed("query", "a sample value is not a string");
  const std::string& text = raw.get_ref<const std::string&>();
  const std::optional<double> v = ParseSampleValue(text);
  if (!v)
    return Malformed("query",
                     absl::StrCat("sample value \"", Excerpt(text, 40), "\" is no number"));
  if (std::isfinite(*v)) return PromQlValue{*v, ""};
  // "NaN", "+Inf" or "-Inf", whatever the spelling was.
  const std::string name = std::isnan(*v) ? "NaN" : (*v > 0 ? "+Inf" : "-Inf");
  if (ignore_null_values) return PromQlValue{0, name};
  return absl::OutOfRangeError(
      absl::StrCat("the query returned ", name, " (taken as 0 only with ignore_null_values)"));
}

absl::StatusOr<PromQlValue> ReadVector(const json& result, bool ignore_null_values) {
  if (!result.is_array()) return Malformed("query", "data.result of a vector is not an array");
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
  if (!series.is_object()) return Malformed("query", "a vector element is not an object");
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

// The `data` object of a successful answer of /api/v1/`api`, with a string `resultType`
// and a `result`; any other answer as the error it stands for.
absl::StatusOr<json> ReadSuccessData(long http_status, absl::string_view body,
                                     absl::string_view api) {
  absl::StatusOr<json> parsed = ParseBoundedJson(body, kAnswerLimits, "answer");
  if (!parsed.ok()) {
    // Not the API's JSON: a proxy's error page, or not a Prometheus at all.
    if (http_status < 200 || http_status > 299) {
      return absl::Status(HttpStatusCode(http_status),
                          absl::StrCat("HTTP ", http_status, " from the server: ", Excerpt(body)));
    }
    return Malformed(api, absl::StrCat(parsed.status().message(), "; body: ", Excerpt(body)));
  }
  json& doc = *parsed;
  if (!doc.is_object()) return Malformed(api, "not a JSON object");
  const auto status = doc.find("status");
  if (status != doc.end() && *status == "error") return ReadErrorBody(http_status, doc);
  if (http_status < 200 || http_status > 299) {
    return absl::Status(HttpStatusCode(http_status),
                        absl::StrCat("HTTP ", http_status, " from the server: ", Excerpt(body)));
  }
  if (status == doc.end() || *status != "success") {
    return Malformed(api, "\"status\" is neither \"success\" nor \"error\"");
  }
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return Malformed(api, "no \"data\" object");
  const auto type = data->find("resultType");
  if (type == data->end() || !type->is_string()) return Malformed(api, "no data.resultType");
  if (!data->contains("result")) return Malformed(api, "no data.result");
  return std::move(*data);
}

}  // namespace

absl::StatusOr<PromQlValue> ParsePromQlResponse(long http_status, absl::string_view body,
                                                bool ignore_null_values) {
  ASSIGN_OR_RETURN(const json data, ReadSuccessData(http_status, body, "query"));
  const auto type = data.find("resultType");
  const auto result = data.find("result");
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
  return Malformed("query", absl::StrCat("unknown resultType \"", Excerpt(result_type, 40), "\""));
}

absl::StatusOr<std::vector<PromQlPoint>> ParsePromQlRangeResponse(long http_status,
                                                                  absl::string_view body) {
  ASSIGN_OR_RETURN(const json data, ReadSuccessData(http_status, body, "query_range"));
  const std::string& result_type = data.find("resultType")->get_ref<const std::string&>();
  if (result_type != "matrix") {
    return Malformed("query_range",
                     absl::StrCat("resultType \"", Excerpt(result_type, 40), "\", not \"matrix\""));
  }
  const json& result = *data.find("result");
  if (!result.is_array()) return Malformed("query_range", "data.result is not an array");
  std::vector<PromQlPoint> points;
  if (result.empty()) return points;  // no data in the range: a history with nothing to add
  if (result.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the query returned ", result.size(),
                     " series; it must return one: aggregate it, e.g. sum(...)"));
  }
  const json& series = result[0];
  const auto values = series.is_object() ? series.find("values") : series.end();
  if (!series.is_object() || values == series.end()) {
    if (series.is_object() && series.contains("histograms")) {
      return absl::InvalidArgumentError(
          "the query returned native histograms; turn them into a number, e.g. "
          "histogram_count(...)");
    }
    return Malformed("query_range", "a series has no \"values\"");
  }
  if (!values->is_array()) return Malformed("query_range", "\"values\" is not an array");
  points.reserve(values->size());
  for (size_t i = 0; i < values->size(); ++i) {
    const json& pair = (*values)[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string()) {
      return Malformed("query_range",
                       absl::StrCat("values[", i, "] is not a [unix time, \"value\"] pair"));
    }
    const double seconds = pair[0].get<double>();
    // Years 1 to 9999 and then some: anything else is no time a history can have.
    if (!std::isfinite(seconds) || std::fabs(seconds) > 4e11) {
      return Malformed("query_range", absl::StrCat("values[", i, "] has no valid time"));
    }
    const std::string& text = pair[1].get_ref<const std::string&>();
    const std::optional<double> v = ParseSampleValue(text);
    if (!v) {
      return Malformed("query_range",
                       absl::StrCat("values[", i, "]: \"", Excerpt(text, 40), "\" is no number"));
    }
    // NaN and Inf are no load: the minute stays without a value (a gap in the history).
    if (!std::isfinite(*v)) continue;
    const absl::Time t = absl::FromUnixMillis(std::llround(seconds * 1000));
    if (!points.empty() && t <= points.back().time) {
      return Malformed("query_range", absl::StrCat("values[", i, "] is not after the one before"));
    }
    points.push_back({t, *v});
  }
  return points;
}

namespace {

// Unix seconds with milliseconds: Prometheus' own resolution, and exact, unlike a double.
std::string UnixSecondsText(absl::Time t) {
  const int64_t ms = absl::ToUnixMillis(t);
  const int64_t abs_ms = ms < 0 ? -ms : ms;
  return absl::StrFormat("%s%d.%03d", ms < 0 ? "-" : "", abs_ms / 1000, abs_ms % 1000);
}

absl::string_view BaseUrl(absl::string_view server_address) {
  while (absl::ConsumeSuffix(&server_address, "/")) {
  }
  return server_address;
}

// A GET of `url` with the query's timeout, TLS and credentials; the secrets' errors name the
// server.
absl::StatusOr<http::HttpRequest> RequestFor(const PromQlQuery& query, std::string url) {
  http::HttpRequest request;
  request.url = std::move(url);
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
  return request;
}

}  // namespace

std::string PromQlQueryUrl(absl::string_view server_address, absl::string_view query,
                           absl::Time at) {
  return absl::StrCat(BaseUrl(server_address), "/api/v1/query?query=", http::UrlEncode(query),
                      "&time=", UnixSecondsText(at));
}

std::string PromQlRangeUrl(absl::string_view server_address, absl::string_view query,
                           absl::Time start, absl::Time end, absl::Duration step) {
  return absl::StrCat(BaseUrl(server_address), "/api/v1/query_range?query=", http::UrlEncode(query),
                      "&start=", UnixSecondsText(start), "&end=", UnixSecondsText(end),
                      "&step=", absl::ToInt64Seconds(step));
}

absl::StatusOr<PromQlValue> PromQlClient::Query(const PromQlQuery& query, absl::Time at) {
  ASSIGN_OR_RETURN(http::HttpRequest request,
                   RequestFor(query, PromQlQueryUrl(query.server_address, query.query, at)));
  absl::StatusOr<http::HttpResponse> response = http_.Send(request);
  if (!response.ok()) return WithServer(response.status(), query.server_address);
  absl::StatusOr<PromQlValue> value =
      ParsePromQlResponse(response->status, response->body, query.ignore_null_values);
  if (!value.ok()) return WithServer(value.status(), query.server_address);
  return value;
}

absl::StatusOr<std::vector<PromQlPoint>> PromQlClient::QueryRange(const PromQlQuery& query,
                                                                  absl::Time start, absl::Time end,
                                                                  absl::Duration step) {
  if (step < absl::Seconds(1) || end < start || (end - start) / step >= kPromQlMaxRangePoints) {
    return absl::InvalidArgumentError(
        absl::StrCat("a range query takes a step of at least 1s and at most ",
                     kPromQlMaxRangePoints, " points"));
  }
  ASSIGN_OR_RETURN(
      http::HttpRequest request,
      RequestFor(query, PromQlRangeUrl(query.server_address, query.query, start, end, step)));
  // A range answer is many points: its own cap, whatever the instant answers' is.
  request.max_body_bytes = kPromQlRangeMaxBodyBytes;
  absl::StatusOr<http::HttpResponse> response = http_.Send(request);
  if (!response.ok()) return WithServer(response.status(), query.server_address);
  absl::StatusOr<std::vector<PromQlPoint>> points =
      ParsePromQlRangeResponse(response->status, response->body);
  if (!points.ok()) return WithServer(points.status(), query.server_address);
  return points;
}

absl::StatusOr<double> PromQlClient::QueryInstant(const PromQlQuery& query, absl::Time at) {
  ASSIGN_OR_RETURN(const PromQlValue value, Query(query, at));
  return value.value;
}

}  // namespace limiar::metrics
