#include "src/metrics/scrape/scrape_config.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/field_reader.h"
#include "src/common/config/json_path.h"

namespace limiar::metrics {
namespace {

using config::FieldReader;
using json = nlohmann::json;

// What a config may set the per-scrape caps to.
constexpr size_t kMinBodyBytes = 1024;
constexpr size_t kMaxBodyBytes = 64 << 20;
constexpr size_t kMaxSeries = 1'000'000;
// Threads of the scraper's pool: past a few hundred, threads cost more memory and scheduling
// than the endpoints they wait on (each fetch waits on latency, not CPU).
constexpr int kMaxConcurrency = 256;

// Names that other systems (Prometheus' scrape_config above all) use for our keys; each
// object takes those that lead to one of its own keys ("type" means kind in a mapping only).
const config::AliasMap& Aliases() {
  static const auto* aliases = new config::AliasMap{
      {"targets", "endpoints"},
      {"static_configs", "endpoints"},
      {"file_sd_configs", "endpoints_file"},
      {"file", "endpoints_file"},
      {"metrics_path", "path"},
      {"scrape_interval", "interval_s"},
      {"interval", "interval_s"},
      {"scrape_timeout", "timeout_s"},
      {"body_size_limit", "max_body_bytes"},
      {"sample_limit", "max_series"},
      {"concurrency", "max_concurrency"},
      {"threads", "max_concurrency"},
      {"workers", "max_concurrency"},
      {"parallelism", "max_concurrency"},
      {"timeout", "timeout_s"},
      {"mappings", "metrics"},
      {"selector", "series"},
      {"query", "series"},
      {"match", "series"},
      {"type", "kind"},
      {"multiplier", "scale"},
      {"factor", "scale"},
      {"url", "address"},
      {"target", "address"},
      {"replica_id", "replica"},
      {"id", "replica"},
  };
  return *aliases;
}

// Said after "did you mean KEY?" when the key came from these aliases.
const std::map<std::string, std::string>& AliasNotes() {
  static const auto* notes = new std::map<std::string, std::string>{
      {"scrape_interval", " (in seconds)"},
      {"interval", " (in seconds)"},
      {"scrape_timeout", " (in seconds)"},
      {"timeout", " (in seconds)"},
      {"body_size_limit", " (an integer number of bytes)"},
      {"query", " (a series selector, not a PromQL query)"},
  };
  return *notes;
}

const config::KnownKeys& ScrapeKeys() {
  static const auto* known = new config::KnownKeys{
      .keys = {"endpoints", "endpoints_file", "path", "interval_s", "timeout_s", "max_body_bytes",
               "max_series", "max_concurrency", "metrics"},
      .aliases = Aliases(),
      .alias_notes = AliasNotes()};
  return *known;
}

const config::KnownKeys& MappingKeys() {
  static const auto* known = new config::KnownKeys{.keys = {"metric", "series", "kind", "scale"},
                                                   .aliases = Aliases(),
                                                   .alias_notes = AliasNotes()};
  return *known;
}

const config::KnownKeys& EndpointKeys() {
  static const auto* known = new config::KnownKeys{
      .keys = {"address", "replica"}, .aliases = Aliases(), .alias_notes = AliasNotes()};
  return *known;
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

// Reports each of `keys` that is absent as required, unless an unknown key was taken for it
// (its "did you mean" line already says what to do).
void RequireUnlessSuggested(const FieldReader& r, const std::set<std::string>& suggested,
                            std::initializer_list<absl::string_view> keys) {
  for (const absl::string_view key : keys) {
    if (!r.Has(key) && !suggested.contains(std::string(key))) r.Error(key, "required");
  }
}

// One element of `endpoints`: "host:port", a URL, or {address, replica}. `list` reads the
// list the element is in.
std::optional<ScrapeEndpoint> ReadEndpoint(const json& v, const std::string& path,
                                           absl::string_view url_path, const FieldReader& list) {
  config::Diagnostics& diag = list.diag();
  const config::ErrorsSince failed(diag);
  std::string address;
  std::string replica;
  std::string address_path = path;
  if (v.is_object()) {
    const FieldReader e(v, path, diag);
    RequireUnlessSuggested(e, e.RejectUnknownKeys(EndpointKeys()), {"address"});
    e.NonEmptyString("address", &address);
    e.NonEmptyString("replica", &replica);
    if (failed.any()) return std::nullopt;
    address_path = e.PathOf("address");
  } else if (v.is_string()) {
    std::optional<std::string> s = list.NonEmptyStringAt(v, path);
    if (!s) return std::nullopt;
    address = *std::move(s);
  } else {
    list.WrongType(v, path, "a string or an object with address and replica");
    return std::nullopt;
  }
  absl::StatusOr<ScrapeEndpoint> endpoint = MakeScrapeEndpoint(address, replica, url_path);
  if (!endpoint.ok()) {
    diag.Error(address_path, endpoint.status().message(), "");
    return std::nullopt;
  }
  return *std::move(endpoint);
}

// Every problem of the mapping is reported, not only the first: one run fixes them all.
std::optional<ScrapeMapping> ReadMapping(const json& v, const std::string& path,
                                         config::Diagnostics& diag) {
  const config::ErrorsSince failed(diag);
  const FieldReader m(v, path, diag);
  if (!m.ok()) return std::nullopt;
  RequireUnlessSuggested(m, m.RejectUnknownKeys(MappingKeys()), {"metric", "series"});
  // The selector has no empty value: the mapping is built at the end, when all is good.
  policy::MetricType type = policy::MetricType::kCpu;
  std::optional<SeriesSelector> selector;
  ScrapeKind kind = ScrapeKind::kAuto;
  double scale = 1;
  std::string metric;
  if (m.NonEmptyString("metric", &metric)) {
    bool known = false;
    for (const policy::MetricType t : {policy::MetricType::kCpu, policy::MetricType::kRequests,
                                       policy::MetricType::kConnections}) {
      if (metric == policy::MetricTypeName(t)) {
        type = t;
        known = true;
      }
    }
    if (!known) {
      m.Error("metric",
              absl::StrCat("must be one of cpu, requests, connections, not \"", metric, "\""));
    }
  }

  std::string text;
  if (m.NonEmptyString("series", &text)) {
    absl::StatusOr<SeriesSelector> series = SeriesSelector::Parse(text);
    if (series.ok()) {
      selector = *std::move(series);
    } else {
      m.Error("series", series.status().message());
    }
  }

  std::string k;
  if (m.NonEmptyString("kind", &k)) {
    if (k == "counter") {
      kind = ScrapeKind::kCounter;
    } else if (k == "gauge") {
      kind = ScrapeKind::kGauge;
    } else if (k != "auto") {
      m.Error("kind", absl::StrCat("must be one of auto, counter, gauge, not \"", k, "\"",
                                   k == "rate" ? " (a counter becomes a rate)" : ""));
    }
  }
  // A negative or zero scale would turn load into no load: never what was meant.
  m.Number("scale", {.min = 0, .min_exclusive = true}, &scale);
  if (failed.any() || !selector) return std::nullopt;
  return ScrapeMapping{type, *std::move(selector), kind, scale};
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

std::optional<ScrapeConfig> ReadScrapeConfig(const nlohmann::json& config,
                                             const std::string& json_path,
                                             config::Diagnostics& diag) {
  const config::ErrorsSince failed(diag);
  const FieldReader r(config, json_path, diag);
  if (!r.ok()) return std::nullopt;
  // Every problem is reported, not only the first; a value that depends on another (an
  // endpoint on the path, the timeout on the interval) is checked only once that one is good.
  const std::set<std::string> suggested = r.RejectUnknownKeys(ScrapeKeys());
  RequireUnlessSuggested(r, suggested, {"metrics"});
  if (!r.Has("endpoints") && !r.Has("endpoints_file") && !suggested.contains("endpoints") &&
      !suggested.contains("endpoints_file")) {
    r.Error("endpoints", "required (or endpoints_file)");
  }

  ScrapeConfig c;
  // The path first: endpoints are resolved with it.
  const config::ErrorsSince path_failed(diag);
  if (r.NonEmptyString("path", &c.path) &&
      (!absl::StartsWith(c.path, "/") || c.path.find_first_of(" \t\r\n#") != std::string::npos)) {
    r.Error("path",
            absl::StrCat("must start with / and hold no whitespace or #, not \"", c.path, "\""));
  }
  const bool path_ok = !path_failed.any();
  // The scraper wakes once a second: a shorter interval would silently be 1 s.
  const config::ErrorsSince interval_failed(diag);
  r.Seconds("interval_s", {.min = 1, .max = 86400}, &c.interval);
  // Prometheus' default timeout, and as there, never longer than the interval.
  c.timeout = std::min(absl::Seconds(10), c.interval);
  if (r.Seconds("timeout_s", {.min = 0, .min_exclusive = true, .max = 300}, &c.timeout) &&
      !interval_failed.any() && c.timeout > c.interval) {
    r.Error("timeout_s",
            absl::StrCat("must not be longer than interval_s (", absl::ToDoubleSeconds(c.interval),
                         " s): a scrape would still run when the next is due"));
  }
  r.Integer("max_body_bytes", {.min = kMinBodyBytes, .max = kMaxBodyBytes}, &c.max_body_bytes);
  r.Integer("max_series", {.min = 1, .max = kMaxSeries}, &c.max_series);
  r.Integer("max_concurrency", {.min = 1, .max = kMaxConcurrency}, &c.max_concurrency);
  r.NonEmptyString("endpoints_file", &c.endpoints_file);
  if (r.Has("endpoints") && path_ok) {
    const json* list = r.Array("endpoints");
    if (list != nullptr && list->empty() && c.endpoints_file.empty()) {
      r.Error("endpoints", "must not be empty (or set endpoints_file)");
    }
    absl::flat_hash_map<std::string, size_t> seen;  // replica -> index
    for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
      const std::string path = config::Index(r.PathOf("endpoints"), i);
      std::optional<ScrapeEndpoint> e = ReadEndpoint((*list)[i], path, c.path, r);
      if (!e) continue;
      const auto [it, inserted] = seen.emplace(e->replica, i);
      if (!inserted) {
        diag.Error(path,
                   absl::StrCat("replica \"", e->replica, "\" is already endpoints[", it->second,
                                "]; give each endpoint its own replica"),
                   "");
        continue;
      }
      c.endpoints.push_back(*std::move(e));
    }
  }

  c.metrics = ReadScrapeMappings(r);
  if (failed.any()) return std::nullopt;
  return c;
}

std::vector<ScrapeMapping> ReadScrapeMappings(const config::FieldReader& r) {
  config::Diagnostics& diag = r.diag();
  std::vector<ScrapeMapping> mappings;
  const json* metrics = r.Array("metrics");
  if (metrics != nullptr && metrics->empty()) r.Error("metrics", "must list at least one mapping");
  std::vector<size_t> mapped_at;  // the index in `metrics` of each of `mappings`
  for (size_t i = 0; metrics != nullptr && i < metrics->size(); ++i) {
    const std::string path = config::Index(r.PathOf("metrics"), i);
    std::optional<ScrapeMapping> m = ReadMapping((*metrics)[i], path, diag);
    if (!m) continue;
    bool duplicate = false;
    for (size_t j = 0; j < mappings.size() && !duplicate; ++j) {
      if (mappings[j].metric != m->metric) continue;
      duplicate = true;
      diag.Error(config::Child(path, "metric"),
                 absl::StrCat(policy::MetricTypeName(m->metric), " is already mapped by metrics[",
                              mapped_at[j],
                              "]; one selector can match several series (they are summed), "
                              "e.g. {__name__=~\"a_total|b_total\"}"),
                 "");
    }
    if (duplicate) continue;
    mappings.push_back(*std::move(m));
    mapped_at.push_back(i);
  }
  return mappings;
}

absl::StatusOr<ScrapeConfig> ParseScrapeConfig(const nlohmann::json& config,
                                               const std::string& json_path) {
  return config::ReadAsStatus<ScrapeConfig>(
      [&](config::Diagnostics& diag) { return ReadScrapeConfig(config, json_path, diag); });
}

}  // namespace limiar::metrics
