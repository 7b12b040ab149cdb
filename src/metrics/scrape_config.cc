#include "src/metrics/scrape_config.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/status_macros.h"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;

constexpr absl::string_view kKeys[] = {"endpoints", "endpoints_file", "path",       "interval_s",
                                       "timeout_s", "max_body_bytes", "max_series", "metrics"};

// What a config may set the per-scrape caps to.
constexpr size_t kMinBodyBytes = 1024;
constexpr size_t kMaxBodyBytes = 64 << 20;
constexpr size_t kMaxSeries = 1'000'000;
constexpr absl::string_view kMappingKeys[] = {"metric", "series", "kind", "scale"};
constexpr absl::string_view kEndpointKeys[] = {"address", "replica"};

// Names that other systems (Prometheus' scrape_config above all) use for our keys, in
// Normalize()d form. Typos beyond case and separators get the list of known keys: the
// lists are short, and the one edit-distance helper in this folder is private to PromQL's
// config.
struct Alias {
  absl::string_view from;
  absl::string_view key;   // ours
  absl::string_view note;  // appended to "did you mean <key>?"
};
constexpr Alias kAliases[] = {
    {"targets", "endpoints", ""},
    {"staticconfigs", "endpoints", ""},
    {"filesdconfigs", "endpoints_file", ""},
    {"file", "endpoints_file", ""},
    {"metricspath", "path", ""},
    {"scrapeinterval", "interval_s", " (in seconds)"},
    {"interval", "interval_s", " (in seconds)"},
    {"scrapetimeout", "timeout_s", " (in seconds)"},
    {"bodysizelimit", "max_body_bytes", " (an integer number of bytes)"},
    {"samplelimit", "max_series", ""},
    {"timeout", "timeout_s", " (in seconds)"},
    {"mappings", "metrics", ""},
    {"selector", "series", ""},
    {"query", "series", " (a series selector, not a PromQL query)"},
    {"match", "series", ""},
    {"type", "kind", ""},
    {"multiplier", "scale", ""},
    {"factor", "scale", ""},
    {"url", "address", ""},
    {"target", "address", ""},
    {"replicaid", "replica", ""},
    {"id", "replica", ""},
};

// Lowercase without '_' and '-': metricsPath, metrics-path and metrics_path are one name.
std::string Normalize(absl::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != '_' && c != '-') out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

template <size_t N>
std::string UnknownKeyHint(absl::string_view key, const absl::string_view (&known)[N]) {
  const std::string normalized = Normalize(key);
  for (const absl::string_view k : known) {
    if (Normalize(k) == normalized) return absl::StrCat("did you mean ", k, "?");
  }
  for (const Alias& alias : kAliases) {
    // Only towards a key of this object: "type" means kind in a mapping only.
    if (alias.from == normalized &&
        std::find(std::begin(known), std::end(known), alias.key) != std::end(known)) {
      return absl::StrCat("did you mean ", alias.key, "?", alias.note);
    }
  }
  return absl::StrCat("known keys: ", absl::StrJoin(known, ", "));
}

absl::Status Error(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

absl::Status WrongType(absl::string_view path, absl::string_view want, const json& got) {
  std::string message = absl::StrCat("must be ", want, ", not ", got.type_name());
  double unused;
  if (got.is_string() && want == "a number" &&
      absl::SimpleAtod(got.get_ref<const std::string&>(), &unused)) {
    absl::StrAppend(&message, " (write ", got.get_ref<const std::string&>(), " without quotes)");
  }
  return Error(path, message);
}

template <size_t N>
absl::Status CheckKeys(const json& object, const std::string& path,
                       const absl::string_view (&known)[N]) {
  // nlohmann's objects are sorted maps, so the first mistake reported is stable.
  for (const auto& [key, value] : object.items()) {
    if (std::find(std::begin(known), std::end(known), key) == std::end(known)) {
      return Error(absl::StrCat(path, ".", key),
                   absl::StrCat("unknown key; ", UnknownKeyHint(key, known)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NonEmptyString(const json& v, absl::string_view path) {
  if (!v.is_string()) return WrongType(path, "a string", v);
  std::string s = v.get<std::string>();
  if (absl::StripAsciiWhitespace(s).empty()) return Error(path, "must not be empty");
  return s;
}

absl::StatusOr<absl::Duration> Seconds(const json& v, absl::string_view path, double min,
                                       bool min_inclusive, double max) {
  if (!v.is_number()) return WrongType(path, "a number", v);
  const double s = v.get<double>();
  if (!std::isfinite(s) || (min_inclusive ? s < min : s <= min) || s > max) {
    return Error(path, absl::StrCat("must be ", min_inclusive ? "at least " : "more than ", min,
                                    " and at most ", max, " seconds, not ", v.dump()));
  }
  return absl::Seconds(s);
}

// An integer in [min, max]; a fraction or a number out of range is named with the range.
absl::StatusOr<size_t> IntegerIn(const json& v, absl::string_view path, size_t min, size_t max) {
  if (!v.is_number()) return WrongType(path, "a number", v);
  const double d = v.get<double>();
  if (!v.is_number_integer() || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    return Error(path,
                 absl::StrCat("must be an integer from ", min, " to ", max, ", not ", v.dump()));
  }
  return v.get<size_t>();
}

bool IsPort(absl::string_view s) {
  int port = 0;
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), absl::ascii_isdigit) &&
         absl::SimpleAtoi(s, &port) && port >= 1 && port <= 65535;
}

// "host:port" or "[v6]:port", host without URL syntax.
bool IsHostPort(absl::string_view s) {
  if (absl::StartsWith(s, "[")) {
    const size_t close = s.find("]:");
    return close != absl::string_view::npos && close > 1 && IsPort(s.substr(close + 2)) &&
           s.substr(1, close - 1).find_first_of("[]/ ") == absl::string_view::npos;
  }
  const size_t colon = s.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  return s.substr(0, colon).find_first_of(":/?#@[] ") == absl::string_view::npos &&
         IsPort(s.substr(colon + 1));
}

absl::StatusOr<ScrapeEndpoint> ParseEndpoint(const json& v, const std::string& path,
                                             absl::string_view url_path) {
  std::string address;
  std::string replica;
  if (v.is_object()) {
    RETURN_IF_ERROR(CheckKeys(v, path, kEndpointKeys));
    if (!v.contains("address")) return Error(absl::StrCat(path, ".address"), "required");
    ASSIGN_OR_RETURN(address, NonEmptyString(v["address"], absl::StrCat(path, ".address")));
    if (v.contains("replica")) {
      ASSIGN_OR_RETURN(replica, NonEmptyString(v["replica"], absl::StrCat(path, ".replica")));
    }
  } else if (v.is_string()) {
    ASSIGN_OR_RETURN(address, NonEmptyString(v, path));
  } else {
    return WrongType(path, "a string or an object with address and replica", v);
  }
  absl::StatusOr<ScrapeEndpoint> endpoint = MakeScrapeEndpoint(address, replica, url_path);
  if (!endpoint.ok()) {
    return Error(v.is_object() ? absl::StrCat(path, ".address") : path,
                 endpoint.status().message());
  }
  return endpoint;
}

absl::StatusOr<ScrapeMapping> ParseMapping(const json& v, const std::string& path) {
  if (!v.is_object()) return WrongType(path, "an object", v);
  RETURN_IF_ERROR(CheckKeys(v, path, kMappingKeys));
  for (const absl::string_view required : {"metric", "series"}) {
    if (!v.contains(required)) return Error(absl::StrCat(path, ".", required), "required");
  }
  const std::string metric_path = absl::StrCat(path, ".metric");
  ASSIGN_OR_RETURN(const std::string metric, NonEmptyString(v["metric"], metric_path));
  std::optional<policy::MetricType> type;
  for (const policy::MetricType m : {policy::MetricType::kCpu, policy::MetricType::kRequests,
                                     policy::MetricType::kConnections}) {
    if (metric == policy::MetricTypeName(m)) type = m;
  }
  if (!type) {
    return Error(metric_path,
                 absl::StrCat("must be one of cpu, requests, connections, not \"", metric, "\""));
  }

  const std::string series_path = absl::StrCat(path, ".series");
  ASSIGN_OR_RETURN(const std::string text, NonEmptyString(v["series"], series_path));
  absl::StatusOr<SeriesSelector> series = SeriesSelector::Parse(text);
  if (!series.ok()) return Error(series_path, series.status().message());

  ScrapeKind kind = ScrapeKind::kAuto;
  if (v.contains("kind")) {
    const std::string kind_path = absl::StrCat(path, ".kind");
    ASSIGN_OR_RETURN(const std::string k, NonEmptyString(v["kind"], kind_path));
    if (k == "counter") {
      kind = ScrapeKind::kCounter;
    } else if (k == "gauge") {
      kind = ScrapeKind::kGauge;
    } else if (k != "auto") {
      return Error(kind_path, absl::StrCat("must be one of auto, counter, gauge, not \"", k, "\"",
                                           k == "rate" ? " (a counter becomes a rate)" : ""));
    }
  }
  double scale = 1;
  if (v.contains("scale")) {
    const std::string scale_path = absl::StrCat(path, ".scale");
    const json& s = v["scale"];
    if (!s.is_number()) return WrongType(scale_path, "a number", s);
    scale = s.get<double>();
    // A negative or zero scale would turn load into no load: never what was meant.
    if (!std::isfinite(scale) || scale <= 0) {
      return Error(scale_path, absl::StrCat("must be more than 0, not ", s.dump()));
    }
  }
  return ScrapeMapping{*type, *std::move(series), kind, scale};
}

}  // namespace

absl::string_view ScrapeKindName(ScrapeKind kind) {
  switch (kind) {
    case ScrapeKind::kAuto:
      return "auto";
    case ScrapeKind::kCounter:
      return "counter";
    case ScrapeKind::kGauge:
      return "gauge";
  }
  return "auto";
}

absl::StatusOr<ScrapeEndpoint> MakeScrapeEndpoint(absl::string_view address,
                                                  absl::string_view replica,
                                                  absl::string_view path) {
  ScrapeEndpoint e;
  e.address = std::string(address);
  e.replica = std::string(replica.empty() ? address : replica);
  if (address.find_first_of(" \t\r\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" must not contain whitespace"));
  }
  for (const absl::string_view scheme : {"http://", "https://"}) {
    if (!absl::StartsWith(address, scheme)) continue;
    const absl::string_view rest = address.substr(scheme.size());
    const size_t path_start = rest.find_first_of("/?#");
    const absl::string_view authority = rest.substr(0, path_start);
    if (authority.empty() || authority.find('@') != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", address, "\" needs a host (and no user:password@: secrets do not belong here)"));
    }
    e.url =
        path_start == absl::string_view::npos ? absl::StrCat(address, path) : std::string(address);
    return e;
  }
  if (!IsHostPort(address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", address, "\" must be host:port ([v6]:port) or an http:// or https:// URL"));
  }
  e.url = absl::StrCat("http://", address, path);
  return e;
}

absl::StatusOr<ScrapeConfig> ParseScrapeConfig(const nlohmann::json& config,
                                               const std::string& json_path) {
  if (!config.is_object()) return WrongType(json_path, "an object", config);
  RETURN_IF_ERROR(CheckKeys(config, json_path, kKeys));
  const auto child = [&json_path](absl::string_view key) {
    return absl::StrCat(json_path, ".", key);
  };
  if (!config.contains("metrics")) return Error(child("metrics"), "required");
  if (!config.contains("endpoints") && !config.contains("endpoints_file")) {
    return Error(child("endpoints"), "required (or endpoints_file)");
  }

  ScrapeConfig c;
  // The path first: endpoints are resolved with it.
  if (config.contains("path")) {
    ASSIGN_OR_RETURN(c.path, NonEmptyString(config["path"], child("path")));
    if (!absl::StartsWith(c.path, "/") || c.path.find_first_of(" \t\r\n#") != std::string::npos) {
      return Error(
          child("path"),
          absl::StrCat("must start with / and hold no whitespace or #, not \"", c.path, "\""));
    }
  }
  if (config.contains("interval_s")) {
    // The scraper wakes once a second: a shorter interval would silently be 1 s.
    ASSIGN_OR_RETURN(c.interval, Seconds(config["interval_s"], child("interval_s"), 1,
                                         /*min_inclusive=*/true, 86400));
  }
  // Prometheus' default timeout, and as there, never longer than the interval.
  c.timeout = std::min(absl::Seconds(10), c.interval);
  if (config.contains("timeout_s")) {
    ASSIGN_OR_RETURN(c.timeout, Seconds(config["timeout_s"], child("timeout_s"), 0,
                                        /*min_inclusive=*/false, 300));
    if (c.timeout > c.interval) {
      return Error(
          child("timeout_s"),
          absl::StrCat("must not be longer than interval_s (", absl::ToDoubleSeconds(c.interval),
                       " s): a scrape would still run when the next is due"));
    }
  }
  if (config.contains("max_body_bytes")) {
    ASSIGN_OR_RETURN(c.max_body_bytes, IntegerIn(config["max_body_bytes"], child("max_body_bytes"),
                                                 kMinBodyBytes, kMaxBodyBytes));
  }
  if (config.contains("max_series")) {
    ASSIGN_OR_RETURN(c.max_series,
                     IntegerIn(config["max_series"], child("max_series"), 1, kMaxSeries));
  }
  if (config.contains("endpoints_file")) {
    ASSIGN_OR_RETURN(c.endpoints_file,
                     NonEmptyString(config["endpoints_file"], child("endpoints_file")));
  }
  if (config.contains("endpoints")) {
    const json& list = config["endpoints"];
    if (!list.is_array()) return WrongType(child("endpoints"), "an array", list);
    if (list.empty() && c.endpoints_file.empty()) {
      return Error(child("endpoints"), "must not be empty (or set endpoints_file)");
    }
    absl::flat_hash_map<std::string, size_t> seen;  // replica -> index
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = absl::StrCat(child("endpoints"), "[", i, "]");
      ASSIGN_OR_RETURN(ScrapeEndpoint e, ParseEndpoint(list[i], path, c.path));
      const auto [it, inserted] = seen.emplace(e.replica, i);
      if (!inserted) {
        return Error(path, absl::StrCat("replica \"", e.replica, "\" is already endpoints[",
                                        it->second, "]; give each endpoint its own replica"));
      }
      c.endpoints.push_back(std::move(e));
    }
  }

  const json& metrics = config["metrics"];
  if (!metrics.is_array()) return WrongType(child("metrics"), "an array", metrics);
  if (metrics.empty()) return Error(child("metrics"), "must list at least one mapping");
  for (size_t i = 0; i < metrics.size(); ++i) {
    const std::string path = absl::StrCat(child("metrics"), "[", i, "]");
    ASSIGN_OR_RETURN(ScrapeMapping m, ParseMapping(metrics[i], path));
    for (size_t j = 0; j < c.metrics.size(); ++j) {
      if (c.metrics[j].metric != m.metric) continue;
      return Error(
          absl::StrCat(path, ".metric"),
          absl::StrCat(policy::MetricTypeName(m.metric), " is already mapped by metrics[", j,
                       "]; one selector can match several series (they are summed), "
                       "e.g. {__name__=~\"a_total|b_total\"}"));
    }
    c.metrics.push_back(std::move(m));
  }
  return c;
}

}  // namespace limiar::metrics
