#include "src/metrics/promql/promql_config.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "src/common/config/field_reader.h"

namespace limiar::metrics {
namespace {

using config::FieldReader;
using json = nlohmann::json;

// The keys, and the KEDA trigger and authentication names whose Limiar spelling is not just
// their snake_case (that one is found anyway), and names that are not a source's.
const config::KnownKeys& PromQlKeys() {
  static const auto* known = new config::KnownKeys{
      .keys = {"server_address", "query", "interval_s", "ignore_null_values", "timeout_s",
               "bearer_token_file", "username", "password_file", "ca_file", "headers",
               "max_body_bytes"},
      .aliases = {{"customheaders", "headers"},
                  {"timeout", "timeout_s"},
                  {"pollinginterval", "interval_s"},
                  {"interval", "interval_s"},
                  {"bearertoken", "bearer_token_file"},
                  {"token", "bearer_token_file"},
                  {"password", "password_file"},
                  {"ca", "ca_file"},
                  {"url", "server_address"},
                  {"bodysizelimit", "max_body_bytes"}},
      .alias_notes = {{"timeout", " (in seconds)"},
                      {"pollinginterval", " (in seconds)"},
                      {"interval", " (in seconds)"},
                      {"bearertoken", " (the token is read from a file)"},
                      {"token", " (the token is read from a file)"},
                      {"password", " (the password is read from a file)"},
                      {"bodysizelimit", " (an integer number of bytes)"}},
      .not_keys = {
          {"threshold",
           "not a source key: the target value is the autoscale resource's `limiar` setting"},
          {"activationthreshold",
           "not a source key: activation belongs to the policy, not to the metric source"},
          {"unsafessl",
           "not supported: certificates are always verified; give the server's CA in "
           "ca_file"}}};
  return *known;
}

// Below this, even a one-value answer with a few labels would not fit.
constexpr size_t kMinBodyBytes = 1024;

// One key's value; false after reporting its problem.
bool ReadKey(const FieldReader& r, const std::string& key, PromQlQuery& q) {
  if (key == "server_address") {
    if (!r.NonEmptyString(key, &q.server_address)) return false;
    const std::string& s = q.server_address;
    if (!absl::StartsWith(s, "http://") && !absl::StartsWith(s, "https://")) {
      r.Error(key, absl::StrCat("must start with http:// or https://, not \"", s, "\""));
      return false;
    }
    if (s.find_first_of("?# \t\r\n") != std::string::npos) {
      r.Error(key, "must be a base URL: no query string, fragment or whitespace");
      return false;
    }
    return true;
  }
  if (key == "query") return r.NonEmptyString(key, &q.query);
  // The poller wakes once a second: a shorter interval would silently be 1 s.
  if (key == "interval_s") return r.Seconds(key, {.min = 1, .max = 86400}, &q.interval);
  if (key == "timeout_s") {
    return r.Seconds(key, {.min = 0, .min_exclusive = true, .max = 300}, &q.timeout);
  }
  if (key == "ignore_null_values") return r.Bool(key, &q.ignore_null_values);
  if (key == "bearer_token_file") return r.NonEmptyString(key, &q.bearer_token_file);
  if (key == "password_file") return r.NonEmptyString(key, &q.password_file);
  if (key == "ca_file") return r.NonEmptyString(key, &q.ca_file);
  if (key == "username") return r.NonEmptyString(key, &q.username);
  if (key == "max_body_bytes") {
    return r.Integer(key,
                     {.min = kMinBodyBytes,
                      .max = static_cast<double>(kPromQlMaxBodyBytesLimit),
                      .unit = "bytes"},
                     &q.max_body_bytes);
  }
  if (key == "headers") {
    std::map<std::string, std::string> headers;
    if (!r.HttpHeaders(key, &headers)) return false;
    q.headers.assign(headers.begin(), headers.end());
  }
  return true;
}

// Combinations, reported at the key that does not fit.
void CheckCombinations(const FieldReader& r, const PromQlQuery& q) {
  if (!q.bearer_token_file.empty() && !q.username.empty()) {
    r.Error("username", "basic auth and bearer_token_file cannot both be set: pick one");
    return;
  }
  if (q.username.empty() != q.password_file.empty()) {
    r.Error(q.username.empty() ? "password_file" : "username",
            "username and password_file go together (HTTP basic auth)");
    return;
  }
  if (!q.bearer_token_file.empty() || !q.username.empty()) {
    for (const auto& [name, v] : q.headers) {
      if (absl::EqualsIgnoreCase(name, "Authorization")) {
        r.Error(
            absl::StrCat("headers.", name),
            absl::StrCat("conflicts with ", q.username.empty() ? "bearer_token_file" : "username"));
        return;
      }
    }
  }
  if (!q.ca_file.empty() && !absl::StartsWith(q.server_address, "https://")) {
    r.Error("ca_file", "is set but server_address is not https://");
  }
}

}  // namespace

std::optional<PromQlQuery> ReadPromQlConfig(const nlohmann::json& config,
                                            const std::string& json_path,
                                            config::Diagnostics& diag) {
  const config::ErrorsSince failed(diag);
  const FieldReader r(config, json_path, diag);
  if (!r.ok()) return std::nullopt;
  // Every problem is reported, not only the first, so one run fixes them all. A misspelt
  // key's "did you mean" explains a missing key better than "required" would: that one is
  // left out.
  const std::set<std::string> suggested = r.RejectUnknownKeys(PromQlKeys());
  for (const absl::string_view key : {"server_address", "query"}) {
    if (!r.Has(key) && !suggested.contains(std::string(key))) r.Error(key, "required");
  }
  PromQlQuery q;
  // In key order (nlohmann's objects are sorted maps), so the problems are listed stably.
  for (const auto& [key, unused] : config.items()) ReadKey(r, key, q);
  // Combinations of values that are each bad would only repeat their problems.
  if (!failed.any()) CheckCombinations(r, q);
  if (failed.any()) return std::nullopt;
  return q;
}

absl::StatusOr<PromQlQuery> ParsePromQlConfig(const nlohmann::json& config,
                                              const std::string& json_path) {
  return config::ReadAsStatus<PromQlQuery>(
      [&](config::Diagnostics& diag) { return ReadPromQlConfig(config, json_path, diag); });
}

}  // namespace limiar::metrics
