#include "src/metrics/promql_config.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;

constexpr absl::string_view kKeys[] = {"server_address", "query",
                                       "interval_s",     "ignore_null_values",
                                       "timeout_s",      "bearer_token_file",
                                       "username",       "password_file",
                                       "ca_file",        "headers",
                                       "max_body_bytes"};

// KEDA trigger and authentication names whose Limiar spelling is not just their
// snake_case (that one is found by normalising), and names that are not a source's.
struct Alias {
  absl::string_view from;
  absl::string_view hint;
};
constexpr Alias kAliases[] = {
    {"customheaders", "did you mean headers?"},
    {"timeout", "did you mean timeout_s? (in seconds)"},
    {"pollinginterval", "did you mean interval_s? (in seconds)"},
    {"interval", "did you mean interval_s? (in seconds)"},
    {"bearertoken", "did you mean bearer_token_file? (the token is read from a file)"},
    {"token", "did you mean bearer_token_file? (the token is read from a file)"},
    {"password", "did you mean password_file? (the password is read from a file)"},
    {"ca", "did you mean ca_file?"},
    {"url", "did you mean server_address?"},
    {"threshold",
     "not a source key: the target value is the autoscale resource's `limiar` setting"},
    {"activationthreshold",
     "not a source key: activation belongs to the policy, not to the metric source"},
    {"unsafessl",
     "not supported: certificates are always verified; give the server's CA in ca_file"},
    {"bodysizelimit", "did you mean max_body_bytes? (an integer number of bytes)"},
};

// Lowercase without '_' and '-', so that serverAddress, server-address and server_address
// are one name.
std::string Normalize(absl::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != '_' && c != '-') out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Levenshtein distance with adjacent transpositions, ignoring case.
int EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  const auto lower = [](char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); };
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string UnknownKeyHint(absl::string_view key) {
  const std::string normalized = Normalize(key);
  for (const absl::string_view known : kKeys) {
    if (Normalize(known) == normalized) return absl::StrCat("did you mean ", known, "?");
  }
  for (const Alias& alias : kAliases) {
    if (alias.from == normalized) return std::string(alias.hint);
  }
  std::optional<absl::string_view> best;
  int best_distance = std::numeric_limits<int>::max();
  for (const absl::string_view known : kKeys) {
    const int distance = EditDistance(key, known);
    if (distance < best_distance) {
      best_distance = distance;
      best = known;
    }
  }
  if (best && best_distance <= std::max<int>(2, static_cast<int>(key.size()) / 3)) {
    return absl::StrCat("did you mean ", *best, "?");
  }
  return absl::StrCat("known keys: ", absl::StrJoin(kKeys, ", "));
}

// Below this, even a one-value answer with a few labels would not fit.
constexpr size_t kMinBodyBytes = 1024;

absl::Status Error(const std::string& path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

absl::Status WrongType(const std::string& path, absl::string_view want, const json& got) {
  std::string message = absl::StrCat("must be ", want, ", not ", got.type_name());
  // The one mistake KEDA users bring along: its metadata values are all strings.
  if (got.is_string()) {
    const std::string& s = got.get_ref<const std::string&>();
    if (want == "a boolean" && (s == "true" || s == "false")) {
      absl::StrAppend(&message, " (write ", s, " without quotes)");
    } else if (want == "a number" && !s.empty() &&
               s.find_first_not_of("0123456789.") == std::string::npos) {
      absl::StrAppend(&message, " (write ", s, " without quotes)");
    }
  }
  return Error(path, message);
}

absl::StatusOr<std::string> NonEmptyString(const json& v, const std::string& path) {
  if (!v.is_string()) return WrongType(path, "a string", v);
  std::string s = v.get<std::string>();
  if (absl::StripAsciiWhitespace(s).empty()) return Error(path, "must not be empty");
  return s;
}

// Seconds in (min, max], or [min, max] when `min_inclusive`.
absl::StatusOr<absl::Duration> Seconds(const json& v, const std::string& path, double min,
                                       bool min_inclusive, double max) {
  if (!v.is_number()) return WrongType(path, "a number", v);
  const double s = v.get<double>();
  if (!std::isfinite(s) || (min_inclusive ? s < min : s <= min) || s > max) {
    return Error(path, absl::StrCat("must be ", min_inclusive ? "at least " : "more than ", min,
                                    " and at most ", max, " seconds, not ", v.dump()));
  }
  return absl::Seconds(s);
}

// RFC 9110 token characters.
bool IsHeaderName(absl::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
  });
}

}  // namespace

absl::StatusOr<PromQlQuery> ParsePromQlConfig(const nlohmann::json& config,
                                              const std::string& json_path) {
  if (!config.is_object()) return WrongType(json_path, "an object", config);
  PromQlQuery q;
  const auto child = [&json_path](absl::string_view key) {
    return absl::StrCat(json_path, ".", key);
  };
  // Unknown keys first: a misspelt key explains a "required" error better than the error
  // does. (nlohmann's objects are sorted maps, so the first mistake reported is stable.)
  for (const auto& [key, value] : config.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Error(child(key), absl::StrCat("unknown key; ", UnknownKeyHint(key)));
    }
  }
  for (const absl::string_view required : {"server_address", "query"}) {
    if (!config.contains(required)) return Error(child(required), "required");
  }
  for (const auto& [key, value] : config.items()) {
    const std::string path = child(key);
    if (key == "server_address") {
      auto s = NonEmptyString(value, path);
      if (!s.ok()) return s.status();
      if (!absl::StartsWith(*s, "http://") && !absl::StartsWith(*s, "https://")) {
        return Error(path, absl::StrCat("must start with http:// or https://, not \"", *s, "\""));
      }
      if (s->find_first_of("?# \t\r\n") != std::string::npos) {
        return Error(path, "must be a base URL: no query string, fragment or whitespace");
      }
      q.server_address = *std::move(s);
    } else if (key == "query") {
      auto s = NonEmptyString(value, path);
      if (!s.ok()) return s.status();
      q.query = *std::move(s);
    } else if (key == "interval_s") {
      // The poller wakes once a second: a shorter interval would silently be 1 s.
      auto d = Seconds(value, path, 1, /*min_inclusive=*/true, 86400);
      if (!d.ok()) return d.status();
      q.interval = *d;
    } else if (key == "timeout_s") {
      auto d = Seconds(value, path, 0, /*min_inclusive=*/false, 300);
      if (!d.ok()) return d.status();
      q.timeout = *d;
    } else if (key == "ignore_null_values") {
      if (!value.is_boolean()) return WrongType(path, "a boolean", value);
      q.ignore_null_values = value.get<bool>();
    } else if (key == "bearer_token_file" || key == "password_file" || key == "ca_file" ||
               key == "username") {
      auto s = NonEmptyString(value, path);
      if (!s.ok()) return s.status();
      if (key == "bearer_token_file") q.bearer_token_file = *std::move(s);
      if (key == "password_file") q.password_file = *std::move(s);
      if (key == "ca_file") q.ca_file = *std::move(s);
      if (key == "username") q.username = *std::move(s);
    } else if (key == "max_body_bytes") {
      if (!value.is_number()) return WrongType(path, "a number", value);
      const double bytes = value.get<double>();
      if (!value.is_number_integer() || bytes < kMinBodyBytes ||
          bytes > static_cast<double>(kPromQlMaxBodyBytesLimit)) {
        return Error(path, absl::StrCat("must be an integer from ", kMinBodyBytes, " to ",
                                        kPromQlMaxBodyBytesLimit, " (bytes), not ", value.dump()));
      }
      q.max_body_bytes = value.get<size_t>();
    } else if (key == "headers") {
      if (!value.is_object()) return WrongType(path, "an object of header names to values", value);
      for (const auto& [name, header_value] : value.items()) {
        const std::string header_path = absl::StrCat(path, ".", name);
        if (!IsHeaderName(name)) return Error(header_path, "is not a valid HTTP header name");
        if (!header_value.is_string()) return WrongType(header_path, "a string", header_value);
        const std::string& v = header_value.get_ref<const std::string&>();
        if (v.find_first_of("\r\n") != std::string::npos || v.find('\0') != std::string::npos) {
          return Error(header_path, "must not contain line breaks");
        }
        q.headers.emplace_back(name, v);
      }
    }
  }
  // Combinations, reported at the key that does not fit.
  if (!q.bearer_token_file.empty() && !q.username.empty()) {
    return Error(child("username"),
                 "basic auth and bearer_token_file cannot both be set: pick one");
  }
  if (q.username.empty() != q.password_file.empty()) {
    return Error(child(q.username.empty() ? "password_file" : "username"),
                 "username and password_file go together (HTTP basic auth)");
  }
  if (!q.bearer_token_file.empty() || !q.username.empty()) {
    for (const auto& [name, v] : q.headers) {
      if (absl::EqualsIgnoreCase(name, "Authorization")) {
        return Error(
            absl::StrCat(child("headers"), ".", name),
            absl::StrCat("conflicts with ", q.username.empty() ? "bearer_token_file" : "username"));
      }
    }
  }
  if (!q.ca_file.empty() && !absl::StartsWith(q.server_address, "https://")) {
    return Error(child("ca_file"), "is set but server_address is not https://");
  }
  return q;
}

}  // namespace limiar::metrics
