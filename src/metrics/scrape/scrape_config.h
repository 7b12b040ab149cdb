// The JSON config of one target's Prometheus scrape source: which `/metrics` endpoints to
// scrape (one per replica), how often, and which series become which of the target's
// metrics:
//
//   {
//     "endpoints": ["10.0.0.5:8080",                        host:port, or a full URL
//                   {"address": "http://10.0.0.6:9000/stats", "replica": "web-2"}],
//     "endpoints_file": "/etc/limiar/web.endpoints",        one endpoint per line, re-read
//                                                           when it changes
//     "path": "/metrics",             for host:port endpoints and URLs without a path
//     "interval_s": 15,               >= 1 (default 15, Prometheus' usual)
//     "timeout_s": 10,                (0, interval_s] (default 10, or interval_s if shorter)
//     "max_body_bytes": 16777216,     a larger body fails the scrape, reading stops there;
//                                     1024 to 64 MiB (default 16 MiB)
//     "max_series": 10000,            more series matching the mappings fail the scrape;
//                                     1 to 1,000,000 (default 10,000)
//     "max_concurrency": 16,          endpoints fetched at once: the scraper's thread
//                                     pool, one for all targets, takes the largest any
//                                     target sets; 1 to 256 (default 16)
//     "metrics": [
//       {"metric": "requests", "series": "http_requests_total{code=~\"2..\"}"},
//       {"metric": "cpu", "series": "process_cpu_seconds_total"},
//       {"metric": "connections", "series": "nginx_connections_active", "kind": "gauge",
//        "scale": 1}
//     ]
//   }
//
// A mapping's `series` is a PromQL selector (prometheus_selector.h); the series it matches
// on one replica are summed. `kind`: "counter" turns the sum into a per-second rate,
// "gauge" takes it as it is, "auto" (the default) decides by the family's TYPE (counter,
// histogram and summary `_sum`/`_count`/`_bucket` lines are counters; gauge, untyped and
// summary quantiles are gauges). `scale` multiplies the result (0.001 for millicores).
// Each metric is mapped at most once per target: one selector can match several series.
// While a body is parsed, only the series some mapping selects are kept (at most
// max_series): the rest of an exposition, however large, costs its bytes and no more.
//
// A replica's id in the sample store is its `replica`, or else the endpoint as written.
// Unknown keys are errors with a hint (the nearest key; Prometheus' own names, such as
// metrics_path and scrape_interval, are recognised); wrong types are named. Every problem is
// reported at once, each at its JSON path, so that one run fixes them all.
#ifndef LIMIAR_METRICS_SCRAPE_SCRAPE_CONFIG_H_
#define LIMIAR_METRICS_SCRAPE_SCRAPE_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/config/diagnostics.h"
#include "src/common/config/field_reader.h"
#include "src/metrics/prometheus/prometheus_selector.h"
#include "src/policy/policy_config.h"

namespace limiar::metrics {

struct ScrapeEndpoint {
  std::string address;  // as configured: "10.0.0.5:8080" or "http://10.0.0.6:9000/stats"
  std::string replica;  // the replica id the store keys its samples by
  std::string url;      // what is fetched
  friend bool operator==(const ScrapeEndpoint&, const ScrapeEndpoint&) = default;
};

enum class ScrapeKind { kAuto, kCounter, kGauge };

// "auto", "counter", "gauge".
absl::string_view ScrapeKindName(ScrapeKind kind);

struct ScrapeMapping {
  policy::MetricType metric = policy::MetricType::kCpu;
  SeriesSelector series;
  ScrapeKind kind = ScrapeKind::kAuto;
  double scale = 1;
};

struct ScrapeConfig {
  // The endpoints listed in the config itself.
  std::vector<ScrapeEndpoint> endpoints;
  // Empty when not set. Read at scrape time: it may appear or change later.
  std::string endpoints_file;
  std::string path = "/metrics";
  absl::Duration interval = absl::Seconds(15);
  absl::Duration timeout = absl::Seconds(10);
  // Per endpoint and scrape: a larger body fails the scrape (reading stops there), and so
  // do more series matching the mappings than this (only those are kept while parsing).
  size_t max_body_bytes = 16 << 20;
  size_t max_series = 10'000;
  // Endpoints fetched at once. The scraper has one pool for all targets, as large as the
  // largest of these (serve's ResolveSources).
  int max_concurrency = 16;
  std::vector<ScrapeMapping> metrics;
};

// `config` at `json_path` (e.g. "recursos[3].config.scrape"). Errors are InvalidArgument,
// each starting with the JSON path of the offending value
// ("recursos[3].config.scrape.metrics[1].kind: must be one of auto, counter, gauge, not
// \"rate\""). Needs at least one mapping, and endpoints or an endpoints_file (or both).
absl::StatusOr<ScrapeConfig> ParseScrapeConfig(const nlohmann::json& config,
                                               const std::string& json_path);
// The same, reporting to the file's diagnostics (nullopt after a problem).
std::optional<ScrapeConfig> ReadScrapeConfig(const nlohmann::json& config,
                                             const std::string& json_path,
                                             config::Diagnostics& diag);

// The `metrics` list of the object `r` reads (required by the caller), each mapping at its
// path; every problem goes to `r`'s diagnostics. Shared by the kubernetes source, whose
// scrape mode maps series as this source does.
std::vector<ScrapeMapping> ReadScrapeMappings(const config::FieldReader& r);

// An endpoint from its address: "host:port" (IPv6 as "[::1]:9100") becomes
// "http://host:port" + `path`; an http:// or https:// URL is kept as it is, `path`
// appended only when it has none. `replica` empty: the address. InvalidArgument (without a
// JSON path: the caller knows where the address came from) when it is neither.
absl::StatusOr<ScrapeEndpoint> MakeScrapeEndpoint(absl::string_view address,
                                                  absl::string_view replica,
                                                  absl::string_view path);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_SCRAPE_SCRAPE_CONFIG_H_
