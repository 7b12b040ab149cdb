#include "src/serve/serve_config.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/common/bounded_json.h"
#include "src/common/config/did_you_mean.h"
#include "src/common/config/field_reader.h"
#include "src/common/config/json_path.h"
#include "src/common/regular_file.h"
#include "src/common/status_macros.h"
#include "src/kube/leader_election.h"
#include "src/metrics/promql/promql_config.h"
#include "src/policy/names.h"

namespace limiar::serve {
namespace {

// A serve config is a page of keys plus one metric source per target: 10,000 targets'
// kubernetes sources take about 1.5 MB, so the cap is the blueprint's. Its deepest value
// (a scrape mapping) sits 5 levels in.
constexpr JsonLimits kServeConfigLimits{.max_bytes = 16 << 20, .max_depth = 16};

using config::Bounds;
using config::Diagnostics;
using config::FieldReader;
using json = nlohmann::json;

// Unknown keys are errors: a typo must not silently fall back to a default.
config::KnownKeys Keys(std::vector<std::string> keys) {
  return {.keys = std::move(keys),
          .otherwise = "the README section \"limiar serve\" lists the keys"};
}

// A number in [min, max], as its key's type.
template <typename T>
void ReadNumber(const FieldReader& r, absl::string_view key, double min, double max, T* out) {
  double d;
  if (r.Number(key, Bounds{.min = min, .max = max}, &d)) *out = static_cast<T>(d);
}

// The tick interval, from the config or the flag: below 0.1 s the loop would only spin.
constexpr double kMinTickS = 0.1;
constexpr double kMaxTickS = 3600;

void ReadSeconds(const FieldReader& r, absl::string_view key, double min, double max,
                 absl::Duration* out) {
  double d;
  if (r.Number(key, Bounds{.min = min, .max = max}, &d)) *out = absl::Seconds(d);
}

void ParseIngest(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "ingest", diag);
  static const auto* known =
      new config::KnownKeys(Keys({"max_batch_samples", "max_message_mb", "max_future_s",
                                  "max_past_s", "max_rejections_listed"}));
  r.RejectUnknownKeys(*known);
  ReadNumber(r, "max_batch_samples", 1, 1e6, &c.ingest.max_batch_samples);
  ReadNumber(r, "max_rejections_listed", 0, 1e5, &c.ingest.max_rejections_listed);
  double mb;
  if (r.Number("max_message_mb", {.min = 1, .max = 1024}, &mb)) {
    c.max_message_bytes = static_cast<int>(mb * (1 << 20));
  }
  ReadSeconds(r, "max_future_s", 0, 3600, &c.ingest.max_future);
  ReadSeconds(r, "max_past_s", 1, 86400, &c.ingest.max_past);
}

void ParseStore(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "store", diag);
  static const auto* known =
      new config::KnownKeys(Keys({"metric_window_s", "max_age_s", "retention_s", "max_series",
                                  "max_points_per_series", "max_replicas_per_target"}));
  r.RejectUnknownKeys(*known);
  ReadSeconds(r, "metric_window_s", 1, 3600, &c.store.metric_window);
  ReadSeconds(r, "max_age_s", 1, 86400, &c.store.max_age);
  ReadSeconds(r, "retention_s", 1, 7 * 86400, &c.store.retention);
  ReadNumber(r, "max_series", 1, 1e8, &c.store.max_series);
  ReadNumber(r, "max_points_per_series", 1, 1e6, &c.store.max_points_per_series);
  ReadNumber(r, "max_replicas_per_target", 1, 1e6, &c.store.max_replicas_per_target);
}

void ParseGrpc(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "grpc", diag);
  static const auto* known = new config::KnownKeys(
      Keys({"max_threads", "max_watch_streams", "max_memory_mb", "keepalive_time_s",
            "keepalive_timeout_s", "max_connection_idle_s", "max_connection_age_s",
            "max_connection_age_grace_s"}));
  r.RejectUnknownKeys(*known);
  GrpcLimits& g = c.grpc;
  // Below 4 threads the server's own pollers leave nothing for calls.
  ReadNumber(r, "max_threads", 4, 10000, &g.max_threads);
  ReadNumber(r, "max_watch_streams", 0, 10000, &g.max_watch_streams);
  ReadNumber(r, "max_memory_mb", 16, 65536, &g.max_memory_mb);
  const std::pair<const char*, absl::Duration*> durations[] = {
      {"keepalive_time_s", &g.keepalive_time},
      {"keepalive_timeout_s", &g.keepalive_timeout},
      {"max_connection_idle_s", &g.max_connection_idle},
      {"max_connection_age_s", &g.max_connection_age},
      {"max_connection_age_grace_s", &g.max_connection_age_grace}};
  for (const auto& [key, out] : durations) ReadSeconds(r, key, 0.1, 30 * 86400, out);
}

void ParseHttp(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "http", diag);
  static const auto* known = new config::KnownKeys(
      Keys({"header_timeout_s", "workers", "max_queued_requests", "max_pending_connections"}));
  r.RejectUnknownKeys(*known);
  HttpLimits& h = c.http;
  ReadSeconds(r, "header_timeout_s", 0.1, 300, &h.header_timeout);
  ReadNumber(r, "workers", 1, 256, &h.workers);
  ReadNumber(r, "max_queued_requests", 1, 100000, &h.max_queued);
  ReadNumber(r, "max_pending_connections", 1, 100000, &h.max_pending);
}

void ParseTls(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "tls", diag);
  if (!r.ok()) return;
  static const auto* known =
      new config::KnownKeys(Keys({"cert_file", "key_file", "client_ca_file"}));
  r.RejectUnknownKeys(*known);
  TlsFiles tls;
  r.String("cert_file", &tls.cert_file);
  r.String("key_file", &tls.key_file);
  r.String("client_ca_file", &tls.client_ca_file);
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    diag.Error("tls", "needs both cert_file and key_file", "");
  }
  c.tls = tls;
}

void ParseKubernetes(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "kubernetes", diag);
  if (!r.ok()) return;
  static const auto* known = new config::KnownKeys(Keys({"kubeconfig", "context"}));
  r.RejectUnknownKeys(*known);
  r.NonEmptyString("kubeconfig", &c.kubernetes.kubeconfig);
  r.NonEmptyString("context", &c.kubernetes.context);
}

void ParseLeaderElection(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader r(j, "leader_election", diag);
  if (!r.ok()) return;
  static const auto* known =
      new config::KnownKeys(Keys({"lease_name", "namespace", "identity", "lease_duration_s",
                                  "renew_deadline_s", "retry_period_s", "state_configmap"}));
  r.RejectUnknownKeys(*known);
  LeaderElectionConfig e;
  r.NonEmptyString("lease_name", &e.lease_name);
  r.NonEmptyString("namespace", &e.namespace_name);
  r.NonEmptyString("identity", &e.identity);
  r.NonEmptyString("state_configmap", &e.state_configmap);
  ReadSeconds(r, "lease_duration_s", 1, 3600, &e.lease_duration);
  ReadSeconds(r, "renew_deadline_s", 1, 3600, &e.renew_deadline);
  ReadSeconds(r, "retry_period_s", 0.1, 600, &e.retry_period);
  kube::ElectionConfig check{.identity = "x",
                             .lease_duration = e.lease_duration,
                             .renew_deadline = e.renew_deadline,
                             .retry_period = e.retry_period};
  if (absl::Status valid = kube::ValidateElectionConfig(check); !valid.ok()) {
    diag.Error("leader_election", std::string(valid.message()),
               "e.g. lease_duration_s 15, renew_deadline_s 10, retry_period_s 2");
  }
  c.leader_election = std::move(e);
}

// `promql` holds one query, or one per metric name.
void ParsePromQl(const json& promql, const std::string& path, TargetSources& s, Diagnostics& diag) {
  std::vector<std::pair<std::string, const json*>> queries;
  if (promql.is_object() && !promql.contains("query")) {
    const std::vector<std::string>& metrics = policy::MetricTypeNames();
    for (const auto& [metric, q] : promql.items()) {
      if (!policy::MetricTypeFromName(metric)) {
        diag.Error(config::Child(path, metric),
                   absl::StrCat("expected a query object, or per-metric queries keyed ",
                                policy::Alternatives(metrics)),
                   config::DidYouMean(metric, metrics, {}, ""));
        continue;
      }
      queries.push_back({metric, &q});
    }
  } else {
    queries.push_back({"", &promql});
  }
  for (const auto& [metric, q] : queries) {
    if (std::optional<metrics::PromQlQuery> parsed = metrics::ReadPromQlConfig(
            *q, metric.empty() ? path : config::Child(path, metric), diag)) {
      s.promql[metric] = *std::move(parsed);
    }
  }
}

void ParseSources(const json& j, ServeConfig& c, Diagnostics& diag) {
  const FieldReader sources(j, "sources", diag);
  if (!sources.ok()) return;
  static const auto* known = new config::KnownKeys(Keys({"promql", "scrape", "kubernetes"}));
  for (const auto& [target, spec] : j.items()) {
    const FieldReader r(spec, sources.PathOf(target), diag);
    if (!r.ok()) continue;
    r.RejectUnknownKeys(*known);
    TargetSources& s = c.sources[target];
    if (const json* promql = r.Find("promql")) ParsePromQl(*promql, r.PathOf("promql"), s, diag);
    if (const json* scrape = r.Find("scrape")) {
      s.scrape = metrics::ReadScrapeConfig(*scrape, r.PathOf("scrape"), diag);
    }
    if (const json* kube = r.Find("kubernetes")) {
      s.kubernetes = metrics::ReadKubeSourceConfig(*kube, r.PathOf("kubernetes"), diag);
      // Two ways of finding the same replicas would make each replica twice.
      if (r.Has("scrape")) {
        r.Error("kubernetes", "set scrape or kubernetes, not both: each finds the replicas");
      }
    }
  }
}

// Whether `target` scales on `m`.
bool ScalesOn(const policy::TargetPolicy& target, policy::MetricType m) {
  return std::any_of(target.metrics.begin(), target.metrics.end(),
                     [m](const policy::MetricTarget& mt) { return mt.metric == m; });
}

absl::Status ResolveKubernetes(const std::string& name, const policy::TargetPolicy& target,
                               const metrics::KubeSourceConfig& kube, ResolvedSources& out) {
  ResolvedSources::Kubernetes source{name, kube};
  if (kube.metric == metrics::KubeMetricKind::kPodMetricsCpu) {
    const auto cpu = std::find_if(target.metrics.begin(), target.metrics.end(), [](const auto& m) {
      return m.metric == policy::MetricType::kCpu;
    });
    if (cpu == target.metrics.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("sources.", name, ".kubernetes.metric: ", name,
                       " does not scale on cpu, the one metric pod_metrics_cpu gives"));
    }
    source.cpu_capacity = cpu->capacity_per_replica;
  }
  for (size_t i = 0; i < kube.metrics.size(); ++i) {
    if (!ScalesOn(target, kube.metrics[i].metric)) {
      return absl::InvalidArgumentError(
          absl::StrCat("sources.", name, ".kubernetes.metrics[", i, "].metric: ", name,
                       " does not scale on ", policy::MetricTypeName(kube.metrics[i].metric)));
    }
  }
  out.kubernetes.push_back(std::move(source));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResolvedSources> ResolveSources(const ServeConfig& config,
                                               const std::vector<policy::TargetPolicy>& targets,
                                               const std::string& blueprint_path) {
  ResolvedSources out;
  for (const auto& [target, sources] : config.sources) {
    auto t =
        std::find_if(targets.begin(), targets.end(),
                     [&name = target](const policy::TargetPolicy& p) { return p.target == name; });
    if (t == targets.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("sources.", target, ": no managed target of that name in ", blueprint_path));
    }
    for (const auto& [metric_name, query] : sources.promql) {
      metrics::PromQlSource source{target, t->metrics.front().metric, query};
      if (metric_name.empty() && t->metrics.size() > 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("sources.", target, ".promql: ", target,
                         " scales on several metrics; key the queries by metric name"));
      }
      if (!metric_name.empty()) {
        // Named captures: clang 14 cannot capture a structured binding.
        auto m = std::find_if(t->metrics.begin(), t->metrics.end(),
                              [&name = metric_name](const auto& mt) {
                                return name == policy::MetricTypeName(mt.metric);
                              });
        if (m == t->metrics.end()) {
          return absl::InvalidArgumentError(absl::StrCat("sources.", target, ".promql.",
                                                         metric_name, ": ", target,
                                                         " does not scale on ", metric_name));
        }
        source.metric = m->metric;
      }
      out.promql.push_back(source);
    }
    if (sources.scrape) {
      for (size_t i = 0; i < sources.scrape->metrics.size(); ++i) {
        const policy::MetricType m = sources.scrape->metrics[i].metric;
        if (!ScalesOn(*t, m)) {
          return absl::InvalidArgumentError(
              absl::StrCat("sources.", target, ".scrape.metrics[", i, "].metric: ", target,
                           " does not scale on ", policy::MetricTypeName(m)));
        }
      }
      if (out.scrape.empty() || sources.scrape->max_concurrency > out.scraper.max_concurrency) {
        out.scraper.max_concurrency = sources.scrape->max_concurrency;
      }
      out.scrape.push_back({target, *sources.scrape});
    }
    if (sources.kubernetes) {
      RETURN_IF_ERROR(ResolveKubernetes(target, *t, *sources.kubernetes, out));
    }
  }
  return out;
}

absl::Status ApplyServeFlags(const ServeFlags& flags, ServeConfig& config) {
  if (flags.tick_interval_s != 0 &&
      !(flags.tick_interval_s >= kMinTickS && flags.tick_interval_s <= kMaxTickS)) {
    return absl::InvalidArgumentError(absl::StrCat("--tick-interval: must be at least ", kMinTickS,
                                                   " and at most ", kMaxTickS, " seconds, not ",
                                                   flags.tick_interval_s));
  }
  if (!flags.grpc_listen.empty()) config.grpc_listen = flags.grpc_listen;
  if (!flags.http_listen.empty()) config.http_listen = flags.http_listen;
  if (!flags.state_file.empty()) config.state_file = flags.state_file;
  if (!flags.admin_token_file.empty()) config.admin_token_file = flags.admin_token_file;
  if (flags.tick_interval_s != 0) config.tick_interval = absl::Seconds(flags.tick_interval_s);
  return absl::OkStatus();
}

absl::StatusOr<ServeConfig> ParseServeConfig(const std::string& text, const std::string& source) {
  // Out-of-range numbers (4e308) throw too, not only syntax errors: ParseBoundedJson catches
  // every parse exception, and bounds size and nesting.
  absl::StatusOr<json> parsed = ParseBoundedJson(text, kServeConfigLimits, source);
  if (!parsed.ok()) return parsed.status();
  const json& doc = *parsed;
  ServeConfig c;
  Diagnostics diag(source);
  if (!doc.is_object()) {
    diag.Error("(top level)", "must be a JSON object", "");
    return diag.ToStatus();
  }
  const FieldReader r(doc, "", diag);
  static const auto* known = new config::KnownKeys(
      Keys({"grpc_listen", "http_listen", "tick_interval_s", "fast_path_threshold_pct",
            "state_file", "admin_token_file", "ingest_token_file", "tls", "grpc", "http",
            "actuator", "ingest", "store", "sources", "kubernetes", "leader_election"}));
  r.RejectUnknownKeys(*known);
  r.String("grpc_listen", &c.grpc_listen);
  r.String("http_listen", &c.http_listen);
  ReadSeconds(r, "tick_interval_s", kMinTickS, kMaxTickS, &c.tick_interval);
  ReadNumber(r, "fast_path_threshold_pct", 0, 10000, &c.fast_path_threshold_pct);
  r.String("state_file", &c.state_file);
  r.String("admin_token_file", &c.admin_token_file);
  r.String("ingest_token_file", &c.ingest_token_file);
  if (const json* tls = r.Find("tls")) ParseTls(*tls, c, diag);
  if (const json* grpc = r.Find("grpc")) ParseGrpc(*grpc, c, diag);
  if (const json* http = r.Find("http")) ParseHttp(*http, c, diag);
  if (const json* actuator = r.Find("actuator")) {
    if (auto a = actuator::ReadActuatorConfig(*actuator, r.PathOf("actuator"), diag)) {
      c.actuator = *std::move(a);
    }
  }
  if (const json* ingest = r.Find("ingest")) ParseIngest(*ingest, c, diag);
  if (const json* store = r.Find("store")) ParseStore(*store, c, diag);
  if (const json* sources = r.Find("sources")) ParseSources(*sources, c, diag);
  if (const json* kubernetes = r.Find("kubernetes")) ParseKubernetes(*kubernetes, c, diag);
  if (const json* election = r.Find("leader_election")) ParseLeaderElection(*election, c, diag);
  if (diag.has_errors()) return diag.ToStatus();
  return c;
}

absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text,
                   ReadRegularFile(path, kServeConfigLimits.max_bytes, "serve config"));
  return ParseServeConfig(text, path);
}

absl::StatusOr<policy::blueprint::LoadedBlueprint> LoadServedBlueprint(
    const std::string& blueprint_path) {
  ASSIGN_OR_RETURN(policy::blueprint::LoadedBlueprint loaded,
                   policy::blueprint::LoadBlueprintFile(blueprint_path));
  if (loaded.targets.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(blueprint_path, ": no autoscale resources; nothing for Limiar to manage"));
  }
  return loaded;
}

absl::StatusOr<std::string> CheckServeSetup(const ServeConfig& config,
                                            const std::string& blueprint_path) {
  ASSIGN_OR_RETURN(policy::blueprint::LoadedBlueprint loaded, LoadServedBlueprint(blueprint_path));
  ASSIGN_OR_RETURN(const ResolvedSources sources,
                   ResolveSources(config, loaded.targets, blueprint_path));
  std::string out = absl::StrCat(blueprint_path, ": ", loaded.targets.size(), " target(s):");
  for (const policy::TargetPolicy& t : loaded.targets) absl::StrAppend(&out, " ", t.target);
  absl::StrAppend(&out, "\nactuator: ", actuator::ActuatorKindName(config.actuator.kind),
                  "\nsources: ", sources.promql.size(), " promql, ", sources.scrape.size(),
                  " scrape, ", sources.kubernetes.size(), " kubernetes (other targets: push)");
  if (config.leader_election) {
    absl::StrAppend(&out, "\nleader election: Lease ", config.leader_election->lease_name);
  }
  for (const std::string& w : loaded.warnings) {
    absl::StrAppend(&out, "\nwarning: ", blueprint_path, ": ", w);
  }
  return out;
}

}  // namespace limiar::serve
