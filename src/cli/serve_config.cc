#include "src/cli/serve_config.h"

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/bounded_json.h"
#include "src/common/config/did_you_mean.h"
#include "src/common/regular_file.h"
#include "src/common/status_macros.h"
#include "src/metrics/promql_config.h"

namespace limiar::cli {
namespace {

// A serve config is a page of keys; its deepest value (a scrape mapping) sits 5 levels in.
constexpr JsonLimits kServeConfigLimits{.max_bytes = 1 << 20, .max_depth = 16};

using json = nlohmann::json;

// Collects problems; each names its JSON path.
class Problems {
 public:
  void Add(const std::string& path, const std::string& what) {
    lines_.push_back(absl::StrCat(path, ": ", what));
  }
  void Add(const absl::Status& s) { lines_.push_back(std::string(s.message())); }
  bool empty() const { return lines_.empty(); }
  absl::Status ToStatus(const std::string& source) const {
    std::vector<std::string> prefixed;
    for (const std::string& l : lines_) prefixed.push_back(absl::StrCat(source, ": ", l));
    return absl::InvalidArgumentError(absl::StrJoin(prefixed, "\n"));
  }

 private:
  std::vector<std::string> lines_;
};

// Unknown keys are errors: a typo must not silently fall back to a default.
void CheckKeys(const json& obj, const std::string& path, const std::vector<std::string>& known,
               Problems& problems) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    problems.Add(
        path.empty() ? key : absl::StrCat(path, ".", key),
        absl::StrCat("unknown key; ",
                     config::DidYouMean(key, known, {},
                                        "the README section \"limiar serve\" lists the keys")));
  }
}

bool ReadNumber(const json& obj, const std::string& key, const std::string& path, double min,
                double max, double* out, Problems& problems) {
  if (!obj.contains(key)) return false;
  const json& v = obj.at(key);
  const std::string where = path.empty() ? key : absl::StrCat(path, ".", key);
  if (!v.is_number()) {
    problems.Add(where, absl::StrCat("must be a number, not ", v.type_name()));
    return false;
  }
  const double d = v.get<double>();
  if (d < min || d > max) {
    problems.Add(where, absl::StrCat("must be between ", min, " and ", max, " (got ", d, ")"));
    return false;
  }
  *out = d;
  return true;
}

bool ReadString(const json& obj, const std::string& key, const std::string& path, std::string* out,
                Problems& problems) {
  if (!obj.contains(key)) return false;
  const json& v = obj.at(key);
  if (!v.is_string()) {
    problems.Add(path.empty() ? key : absl::StrCat(path, ".", key),
                 absl::StrCat("must be a string, not ", v.type_name()));
    return false;
  }
  *out = v.get<std::string>();
  return true;
}

bool RequireObject(const json& v, const std::string& path, Problems& problems) {
  if (v.is_object()) return true;
  problems.Add(path, absl::StrCat("must be an object, not ", v.type_name()));
  return false;
}

void ParseIngest(const json& j, ServeConfig& c, Problems& p) {
  if (!RequireObject(j, "ingest", p)) return;
  CheckKeys(j, "ingest",
            {"max_batch_samples", "max_message_mb", "max_future_s", "max_past_s",
             "max_rejections_listed"},
            p);
  double d;
  if (ReadNumber(j, "max_batch_samples", "ingest", 1, 1e6, &d, p)) {
    c.ingest.max_batch_samples = static_cast<size_t>(d);
  }
  if (ReadNumber(j, "max_rejections_listed", "ingest", 0, 1e5, &d, p)) {
    c.ingest.max_rejections_listed = static_cast<size_t>(d);
  }
  if (ReadNumber(j, "max_message_mb", "ingest", 1, 1024, &d, p)) {
    c.max_message_bytes = static_cast<int>(d * (1 << 20));
  }
  if (ReadNumber(j, "max_future_s", "ingest", 0, 3600, &d, p)) {
    c.ingest.max_future = absl::Seconds(d);
  }
  if (ReadNumber(j, "max_past_s", "ingest", 1, 86400, &d, p)) c.ingest.max_past = absl::Seconds(d);
}

void ParseStore(const json& j, ServeConfig& c, Problems& p) {
  if (!RequireObject(j, "store", p)) return;
  CheckKeys(j, "store",
            {"metric_window_s", "max_age_s", "retention_s", "max_series", "max_points_per_series",
             "max_replicas_per_target"},
            p);
  double d;
  if (ReadNumber(j, "metric_window_s", "store", 1, 3600, &d, p)) {
    c.store.metric_window = absl::Seconds(d);
  }
  if (ReadNumber(j, "max_age_s", "store", 1, 86400, &d, p)) c.store.max_age = absl::Seconds(d);
  if (ReadNumber(j, "retention_s", "store", 1, 7 * 86400, &d, p)) {
    c.store.retention = absl::Seconds(d);
  }
  if (ReadNumber(j, "max_series", "store", 1, 1e8, &d, p)) c.store.max_series = size_t(d);
  if (ReadNumber(j, "max_points_per_series", "store", 1, 1e6, &d, p)) {
    c.store.max_points_per_series = static_cast<size_t>(d);
  }
  if (ReadNumber(j, "max_replicas_per_target", "store", 1, 1e6, &d, p)) {
    c.store.max_replicas_per_target = static_cast<size_t>(d);
  }
}

void ParseGrpc(const json& j, ServeConfig& c, Problems& p) {
  if (!RequireObject(j, "grpc", p)) return;
  CheckKeys(j, "grpc",
            {"max_threads", "max_watch_streams", "max_memory_mb", "keepalive_time_s",
             "keepalive_timeout_s", "max_connection_idle_s", "max_connection_age_s",
             "max_connection_age_grace_s"},
            p);
  GrpcLimits& g = c.grpc;
  double d;
  // Below 4 threads the server's own pollers leave nothing for calls.
  if (ReadNumber(j, "max_threads", "grpc", 4, 10000, &d, p)) g.max_threads = static_cast<int>(d);
  if (ReadNumber(j, "max_watch_streams", "grpc", 0, 10000, &d, p)) {
    g.max_watch_streams = static_cast<int>(d);
  }
  if (ReadNumber(j, "max_memory_mb", "grpc", 16, 65536, &d, p)) {
    g.max_memory_mb = static_cast<int>(d);
  }
  const std::pair<const char*, absl::Duration*> durations[] = {
      {"keepalive_time_s", &g.keepalive_time},
      {"keepalive_timeout_s", &g.keepalive_timeout},
      {"max_connection_idle_s", &g.max_connection_idle},
      {"max_connection_age_s", &g.max_connection_age},
      {"max_connection_age_grace_s", &g.max_connection_age_grace}};
  for (const auto& [key, out] : durations) {
    if (ReadNumber(j, key, "grpc", 0.1, 30 * 86400, &d, p)) *out = absl::Seconds(d);
  }
}

void ParseHttp(const json& j, ServeConfig& c, Problems& p) {
  if (!RequireObject(j, "http", p)) return;
  CheckKeys(j, "http",
            {"header_timeout_s", "workers", "max_queued_requests", "max_pending_connections"}, p);
  service::HttpLimits& h = c.http;
  double d;
  if (ReadNumber(j, "header_timeout_s", "http", 0.1, 300, &d, p)) {
    h.header_timeout = absl::Seconds(d);
  }
  if (ReadNumber(j, "workers", "http", 1, 256, &d, p)) h.workers = static_cast<int>(d);
  if (ReadNumber(j, "max_queued_requests", "http", 1, 100000, &d, p)) {
    h.max_queued = static_cast<int>(d);
  }
  if (ReadNumber(j, "max_pending_connections", "http", 1, 100000, &d, p)) {
    h.max_pending = static_cast<int>(d);
  }
}

void ParseTls(const json& j, ServeConfig& c, Problems& p) {
  if (!RequireObject(j, "tls", p)) return;
  CheckKeys(j, "tls", {"cert_file", "key_file", "client_ca_file"}, p);
  TlsFiles tls;
  ReadString(j, "cert_file", "tls", &tls.cert_file, p);
  ReadString(j, "key_file", "tls", &tls.key_file, p);
  ReadString(j, "client_ca_file", "tls", &tls.client_ca_file, p);
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    p.Add("tls", "needs both cert_file and key_file");
  }
  c.tls = tls;
}

void ParseSources(const json& j, ServeConfig& c, Problems& p) {
  if (!RequireObject(j, "sources", p)) return;
  for (const auto& [target, spec] : j.items()) {
    const std::string path = absl::StrCat("sources.", target);
    if (!RequireObject(spec, path, p)) continue;
    CheckKeys(spec, path, {"promql", "scrape"}, p);
    TargetSources& s = c.sources[target];
    if (spec.contains("promql")) {
      const json& promql = spec.at("promql");
      const std::string ppath = absl::StrCat(path, ".promql");
      std::vector<std::pair<std::string, const json*>> queries;
      if (promql.is_object() && !promql.contains("query")) {
        for (const auto& [metric, q] : promql.items()) {
          if (metric != "cpu" && metric != "requests" && metric != "connections") {
            p.Add(absl::StrCat(ppath, ".", metric),
                  "expected a query object, or per-metric queries keyed cpu, requests or "
                  "connections");
            continue;
          }
          queries.push_back({metric, &q});
        }
      } else {
        queries.push_back({"", &promql});
      }
      for (const auto& [metric, q] : queries) {
        absl::StatusOr<metrics::PromQlQuery> parsed = metrics::ParsePromQlConfig(
            *q, metric.empty() ? ppath : absl::StrCat(ppath, ".", metric));
        if (parsed.ok()) {
          s.promql[metric] = *parsed;
        } else {
          p.Add(parsed.status());
        }
      }
    }
    if (spec.contains("scrape")) {
      absl::StatusOr<metrics::ScrapeConfig> scrape =
          metrics::ParseScrapeConfig(spec.at("scrape"), absl::StrCat(path, ".scrape"));
      if (scrape.ok()) {
        s.scrape = *std::move(scrape);
      } else {
        p.Add(scrape.status());
      }
    }
  }
}

}  // namespace

absl::StatusOr<ServeConfig> ParseServeConfig(const std::string& text, const std::string& source) {
  // Out-of-range numbers (4e308) throw too, not only syntax errors: ParseBoundedJson catches
  // every parse exception, and bounds size and nesting.
  absl::StatusOr<json> parsed = ParseBoundedJson(text, kServeConfigLimits, source);
  if (!parsed.ok()) return parsed.status();
  const json& doc = *parsed;
  ServeConfig c;
  Problems p;
  if (!doc.is_object()) {
    p.Add("(top level)", "must be a JSON object");
    return p.ToStatus(source);
  }
  CheckKeys(doc, "",
            {"grpc_listen", "http_listen", "tick_interval_s", "fast_path_threshold_pct",
             "state_file", "admin_token_file", "ingest_token_file", "tls", "grpc", "http",
             "actuator", "ingest", "store", "sources"},
            p);
  ReadString(doc, "grpc_listen", "", &c.grpc_listen, p);
  ReadString(doc, "http_listen", "", &c.http_listen, p);
  double d;
  if (ReadNumber(doc, "tick_interval_s", "", 0.1, 3600, &d, p)) {
    c.tick_interval = absl::Seconds(d);
  }
  ReadNumber(doc, "fast_path_threshold_pct", "", 0, 10000, &c.fast_path_threshold_pct, p);
  ReadString(doc, "state_file", "", &c.state_file, p);
  ReadString(doc, "admin_token_file", "", &c.admin_token_file, p);
  ReadString(doc, "ingest_token_file", "", &c.ingest_token_file, p);
  if (doc.contains("tls")) ParseTls(doc.at("tls"), c, p);
  if (doc.contains("grpc")) ParseGrpc(doc.at("grpc"), c, p);
  if (doc.contains("http")) ParseHttp(doc.at("http"), c, p);
  if (doc.contains("actuator")) {
    absl::StatusOr<actuator::ActuatorConfig> a = actuator::ParseActuatorConfig(doc.at("actuator"));
    if (a.ok()) {
      c.actuator = *a;
    } else {
      p.Add(a.status());
    }
  }
  if (doc.contains("ingest")) ParseIngest(doc.at("ingest"), c, p);
  if (doc.contains("store")) ParseStore(doc.at("store"), c, p);
  if (doc.contains("sources")) ParseSources(doc.at("sources"), c, p);
  if (!p.empty()) return p.ToStatus(source);
  return c;
}

absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text,
                   ReadRegularFile(path, kServeConfigLimits.max_bytes, "serve config"));
  return ParseServeConfig(text, path);
}

}  // namespace limiar::cli
