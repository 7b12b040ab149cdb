#include "src/sim/engine/scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/config/diagnostics.h"
#include "src/common/config/did_you_mean.h"
#include "src/common/config/json_read.h"
#include "src/common/config/json_text.h"
#include "src/common/config/known_keys.h"
#include "src/common/regular_file.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/sim/engine/policy_variant.h"

namespace limiar::sim {
namespace {

using config::Child;
using config::Diagnostics;
using config::FormatNumber;
using config::Index;
using config::KnownKeys;
using nlohmann::json;

constexpr double kYear = 365.0 * 86400;

// Reads obj[key] as a number in [min, max] (or (min, max]), reporting a problem with its
// path. nullopt when absent or bad.
std::optional<double> Number(const json& obj, const char* key, const std::string& path,
                             Diagnostics& diag, double min, double max, bool min_exclusive,
                             const char* meaning) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  return config::ReadNumberIn(*it, Child(path, key), diag, {min, !min_exclusive, max, true},
                              absl::StrCat("write ", meaning));
}

std::optional<double> Seconds(const json& obj, const char* key, const std::string& path,
                              Diagnostics& diag, double max_s = kYear) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  return config::ReadSeconds(*it, Child(path, key), diag, max_s);
}

std::optional<StartupDelay> ParseStartup(const json& v, const std::string& path,
                                         Diagnostics& diag) {
  StartupDelay d;
  if (v.is_number()) {  // shorthand: a fixed delay
    std::optional<double> s = config::ReadSeconds(v, path, diag, 86400);
    if (!s) return std::nullopt;
    d.fixed_s = *s;
    return d;
  }
  const json* o =
      config::ReadObject(v, path, diag,
                         "a number of seconds, or {\"fixed_s\": 30} / {\"uniform_s\": [20, 40]} / "
                         "{\"lognormal\": {\"median_s\": 30, \"sigma\": 0.3}}");
  if (!o) return std::nullopt;
  static const auto* known = new KnownKeys{.keys = {"fixed_s", "uniform_s", "lognormal"}};
  config::RejectUnknownKeys(*o, path, *known, diag);
  const int kinds = o->contains("fixed_s") + o->contains("uniform_s") + o->contains("lognormal");
  if (kinds != 1) {
    diag.Error(path, kinds == 0 ? "no delay given" : "more than one kind of delay",
               "give exactly one of fixed_s, uniform_s, lognormal");
    return std::nullopt;
  }
  if (auto s = Seconds(*o, "fixed_s", path, diag, 86400)) d.fixed_s = *s;
  if (auto it = o->find("uniform_s"); it != o->end()) {
    const std::string p = Child(path, "uniform_s");
    if (!it->is_array() || it->size() != 2) {
      diag.Error(p, "expected [min, max] in seconds", "write e.g. [20, 40]");
      return std::nullopt;
    }
    auto lo = config::ReadSeconds((*it)[0], Index(p, 0), diag, 86400);
    auto hi = config::ReadSeconds((*it)[1], Index(p, 1), diag, 86400);
    if (!lo || !hi) return std::nullopt;
    if (*lo > *hi) {
      diag.Error(p, "min exceeds max", "write the smaller number first");
      return std::nullopt;
    }
    d.kind = StartupDelay::Kind::kUniform;
    d.min_s = *lo;
    d.max_s = *hi;
  }
  if (auto it = o->find("lognormal"); it != o->end()) {
    const std::string p = Child(path, "lognormal");
    const json* ln = config::ReadObject(*it, p, diag, "{\"median_s\": 30, \"sigma\": 0.3}");
    if (!ln) return std::nullopt;
    static const auto* known_ln = new KnownKeys{.keys = {"median_s", "sigma"}};
    config::RejectUnknownKeys(*ln, p, *known_ln, diag);
    auto median = Number(*ln, "median_s", p, diag, 0, 86400, true, "a median > 0 seconds");
    auto sigma = Number(*ln, "sigma", p, diag, 0, 3, false, "a sigma in [0, 3]");
    if (!ln->contains("median_s") || !ln->contains("sigma")) {
      diag.Error(p, "needs both median_s and sigma",
                 "write e.g. {\"median_s\": 30, \"sigma\": 0.3}");
      return std::nullopt;
    }
    if (!median || !sigma) return std::nullopt;
    d.kind = StartupDelay::Kind::kLognormal;
    d.median_s = *median;
    d.sigma = *sigma;
  }
  return d;
}

const KnownKeys& TargetKeys() {
  static const auto* known =
      new KnownKeys{.keys = {"traffic", "capacity_rps", "service_time_ms", "queue_per_replica",
                             "timeout_s", "burstiness", "connection_lifetime_s", "initial_replicas",
                             "startup_delay_s", "drain_s", "policy"},
                    .aliases = {{"capacity", "capacity_rps"},
                                {"startup", "startup_delay_s"},
                                {"replicas", "initial_replicas"},
                                {"overrides", "policy"}}};
  return *known;
}

void ParseTarget(const json& v, const std::string& path, const std::string& name,
                 const std::string& base_dir, Diagnostics& diag, Scenario& out) {
  const json* o = config::ReadObject(
      v, path, diag, "the target's traffic and cluster model, e.g. {\"traffic\": {...}}");
  if (!o) return;
  config::RejectUnknownKeys(*o, path, TargetKeys(), diag);
  TargetModel m;
  m.target = name;
  if (auto it = o->find("traffic"); it == o->end()) {
    diag.Error(path, "no traffic", "add \"traffic\": {\"kind\": \"flash_sale\", ...} or a trace");
  } else if (auto t = ParseTraffic(*it, Child(path, "traffic"), base_dir, diag)) {
    m.traffic = std::move(*t);
  }
  m.capacity_rps = Number(*o, "capacity_rps", path, diag, 0, 1e9, true, "requests/s > 0");
  m.service_time_ms = Number(*o, "service_time_ms", path, diag, 0, 3.6e6, true, "milliseconds > 0");
  if (auto q = Number(*o, "queue_per_replica", path, diag, 0, 1e9, false, "a count >= 0")) {
    m.queue_per_replica = *q;
  }
  if (auto s = Seconds(*o, "timeout_s", path, diag, 86400)) m.timeout_s = *s;
  if (auto b = Number(*o, "burstiness", path, diag, 0, 100, true,
                      "(ca^2 + cs^2) / 2 > 0; 1 for Poisson arrivals and exponential service")) {
    m.burstiness = *b;
  }
  if (auto s = Seconds(*o, "connection_lifetime_s", path, diag, 86400)) {
    m.connection_lifetime_s = *s;
  }
  if (auto it = o->find("initial_replicas"); it != o->end()) {
    m.initial_replicas = config::ReadInteger(*it, Child(path, "initial_replicas"), diag, 0, 100000);
  }
  if (auto it = o->find("startup_delay_s"); it != o->end()) {
    if (auto d = ParseStartup(*it, Child(path, "startup_delay_s"), diag)) m.startup = *d;
  }
  if (auto s = Seconds(*o, "drain_s", path, diag, 86400)) m.drain_s = *s;
  if (auto it = o->find("policy"); it != o->end()) {
    if (const json* p = config::ReadObject(
            *it, Child(path, "policy"), diag,
            "policy knobs as the blueprint spells them, e.g. {\"limiar\": 50}")) {
      for (const auto& [k, val] : p->items()) m.policy[k] = val;
    }
  }
  out.targets.push_back(std::move(m));
}

void ParseEvent(const json& v, const std::string& path, Diagnostics& diag, Scenario& out) {
  const json* o = config::ReadObject(
      v, path, diag,
      "an event, e.g. {\"kind\": \"zone_outage\", \"at_s\": 1800, \"fraction\": 0.33}");
  if (!o) return;
  static const auto* known =
      new KnownKeys{.keys = {"kind", "at_s", "duration_s", "fraction", "replace", "target"}};
  config::RejectUnknownKeys(*o, path, *known, diag);
  SimEvent e;
  auto kind_it = o->find("kind");
  if (kind_it == o->end()) {
    diag.Error(path, "no kind", "add \"kind\": one of zone_outage, metric_outage, actuator_outage");
    return;
  }
  std::optional<std::string> kind = config::ReadEnum(
      *kind_it, Child(path, "kind"), diag, {"zone_outage", "metric_outage", "actuator_outage"},
      {{"zone_failure", "zone_outage"}, {"metrics_outage", "metric_outage"}});
  if (!kind) return;
  e.kind = *kind == "zone_outage"     ? SimEvent::Kind::kZoneOutage
           : *kind == "metric_outage" ? SimEvent::Kind::kMetricOutage
                                      : SimEvent::Kind::kActuatorOutage;
  if (auto at = Seconds(*o, "at_s", path, diag)) {
    e.at_s = *at;
  } else if (!o->contains("at_s")) {
    diag.Error(path, "no at_s", "add \"at_s\": the event's time in seconds from the start");
  }
  if (e.kind == SimEvent::Kind::kZoneOutage) {
    if (o->contains("duration_s")) {
      diag.Error(Child(path, "duration_s"), "a zone outage is instantaneous",
                 "remove it (lost replicas are replaced after their start-up delay)");
    }
    auto f = Number(*o, "fraction", path, diag, 0, 1, true, "a share of replicas in (0, 1]");
    if (!f && !o->contains("fraction")) {
      diag.Error(path, "no fraction", "add \"fraction\": the share of replicas lost, e.g. 0.33");
    }
    if (f) e.fraction = *f;
    if (auto it = o->find("replace"); it != o->end()) {
      if (auto r = config::ReadBool(*it, Child(path, "replace"), diag,
                                    "write true (the platform recreates lost replicas) or false")) {
        e.replace = *r;
      }
    }
  } else {
    for (const char* k : {"fraction", "replace"}) {
      if (o->contains(k)) {
        diag.Error(Child(path, k), absl::StrCat("applies to zone_outage only"), "remove it");
      }
    }
    auto d = Seconds(*o, "duration_s", path, diag);
    if (!d && !o->contains("duration_s")) {
      diag.Error(path, "no duration_s", "add \"duration_s\": how long the outage lasts");
    }
    if (d) e.duration_s = *d;
  }
  if (auto it = o->find("target"); it != o->end()) {
    if (auto t = config::ReadString(*it, Child(path, "target"), diag)) e.target = *t;
  }
  out.events.push_back(std::move(e));
}

std::optional<json> LoadBlueprintJson(const json& v, const std::string& path,
                                      const std::string& base_dir, Diagnostics& diag,
                                      std::string* source) {
  if (v.is_object()) {
    *source = absl::StrCat(diag.source(), " (", path, ")");
    return v;
  }
  if (!v.is_string()) {
    diag.Error(
        path,
        absl::StrCat("expected a path or an inline blueprint object, got ", config::Describe(v)),
        "write the blueprint's path (relative to the scenario) or the blueprint itself");
    return std::nullopt;
  }
  std::filesystem::path p = v.get<std::string>();
  const bool relative = p.is_relative();
  if (relative) p = std::filesystem::path(base_dir) / p;
  absl::StatusOr<std::string> text =
      ReadRegularFile(p.string(), policy::blueprint::kMaxBlueprintBytes, "blueprint");
  if (!text.ok()) {
    diag.Error(path, text.status().message(),
               relative ? absl::StrCat("relative paths resolve against ", base_dir) : "");
    return std::nullopt;
  }
  *source = p.string();
  Diagnostics bp_diag(*source);
  std::optional<json> parsed =
      config::ParseJson(*text, policy::blueprint::kBlueprintTextLimits, bp_diag);
  diag.AddErrorsOf(bp_diag);
  return parsed;
}

const KnownKeys& TopKeys() {
  static const auto* known = new KnownKeys{
      .keys = {"name", "description", "blueprint", "start", "duration_s", "step_s", "seed",
               "loop_interval_s", "metrics", "slo", "price_per_replica_hour", "targets", "events"},
      .aliases = {{"duration", "duration_s"},
                  {"step", "step_s"},
                  {"policies", "targets"},
                  {"loop_s", "loop_interval_s"},
                  {"tick_s", "loop_interval_s"}}};
  return *known;
}

void ParseSlo(const json& v, const std::string& path, Diagnostics& diag, SloSpec& slo) {
  const json* o = config::ReadObject(
      v, path, diag, "{\"latency_percentile\": 95, \"latency_ms\": 250, \"max_drop_rate\": 0.001}");
  if (!o) return;
  static const auto* known = new KnownKeys{
      .keys = {"latency_percentile", "latency_ms", "max_drop_rate", "max_violation_s"},
      .aliases = {{"percentile", "latency_percentile"}, {"p", "latency_percentile"}}};
  config::RejectUnknownKeys(*o, path, *known, diag);
  if (auto it = o->find("latency_percentile"); it != o->end()) {
    if (auto p = config::ReadNumber(*it, Child(path, "latency_percentile"), diag)) {
      if (*p != 50 && *p != 95 && *p != 99) {
        diag.Error(Child(path, "latency_percentile"),
                   absl::StrCat(FormatNumber(*p), " is not offered"),
                   "write 50, 95 or 99 (the percentiles the model reports)");
      } else {
        slo.latency_percentile = *p;
      }
    }
  }
  if (auto ms = Number(*o, "latency_ms", path, diag, 0, 3.6e6, true, "milliseconds > 0")) {
    slo.latency_ms = *ms;
  }
  if (auto r = Number(*o, "max_drop_rate", path, diag, 0, 1, false,
                      "a fraction in [0, 1], e.g. 0.001 for 0.1 %")) {
    slo.max_drop_rate = *r;
  }
  slo.max_violation_s = Seconds(*o, "max_violation_s", path, diag);
}

void ParseMetrics(const json& v, const std::string& path, Diagnostics& diag, MetricsModel& m) {
  const json* o = config::ReadObject(
      v, path, diag, "{\"scrape_interval_s\": 15, \"delay_s\": 5, \"window_s\": 60}");
  if (!o) return;
  static const auto* known = new KnownKeys{
      .keys = {"scrape_interval_s", "delay_s", "window_s", "max_age_s"},
      .aliases = {{"interval_s", "scrape_interval_s"}, {"scrape_s", "scrape_interval_s"}}};
  config::RejectUnknownKeys(*o, path, *known, diag);
  m.scrape_interval_s =
      Number(*o, "scrape_interval_s", path, diag, 0, 3600, true, "seconds > 0, e.g. 15");
  if (auto d = Seconds(*o, "delay_s", path, diag, 3600)) m.delay_s = *d;
  if (auto w = Number(*o, "window_s", path, diag, 0, 3600, true, "seconds > 0")) m.window_s = *w;
  if (auto a = Number(*o, "max_age_s", path, diag, 0, 86400, true, "seconds > 0")) {
    m.max_age_s = *a;
  }
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source,
                                       const std::string& base_dir) {
  Diagnostics diag(source);
  std::optional<json> root = config::ParseJson(text, kScenarioTextLimits, diag);
  if (!root) return diag.ToStatus();
  const json* o = config::ReadObject(*root, "", diag, "a scenario");
  if (!o) return diag.ToStatus();
  config::RejectUnknownKeys(*o, "", TopKeys(), diag);
  Scenario s;
  s.source = source;
  s.base_dir = base_dir;
  s.name = std::filesystem::path(source).stem().string();
  if (auto it = o->find("name"); it != o->end()) {
    if (auto n = config::ReadString(*it, "name", diag)) s.name = *n;
  }
  if (auto it = o->find("description"); it != o->end()) {
    if (auto d = config::ReadString(*it, "description", diag)) s.description = *d;
  }
  if (auto it = o->find("blueprint"); it == o->end()) {
    diag.Error("", "no blueprint", "add \"blueprint\": a path or the blueprint object itself");
  } else if (auto bp = LoadBlueprintJson(*it, "blueprint", base_dir, diag, &s.blueprint_source)) {
    s.blueprint = std::move(*bp);
  }
  if (auto it = o->find("start"); it != o->end()) {
    std::optional<std::string> str = config::ReadString(*it, "start", diag);
    std::optional<absl::Time> t;
    if (str) t = config::ParseZonedTime(*str);
    if (str && !t) {
      diag.Error("start", absl::StrCat("\"", *str, "\" is not an RFC 3339 time with a zone"),
                 "write e.g. \"2026-11-27T08:00:00Z\"");
    }
    if (t) s.start = *t;
  }
  if (auto d = Number(*o, "duration_s", "", diag, 0, kMaxDurationS, true, "seconds > 0")) {
    s.duration_s = *d;
  }
  if (auto d = Number(*o, "step_s", "", diag, 0, 3600, true, "seconds > 0, e.g. 1")) {
    s.step_s = *d;
  }
  if (auto it = o->find("seed"); it != o->end()) {
    if (auto v = config::ReadInteger(*it, "seed", diag, 0, INT32_MAX)) s.seed = *v;
  }
  if (auto d = Number(*o, "loop_interval_s", "", diag, 0, 3600, true, "seconds > 0, e.g. 15")) {
    s.loop_interval_s = *d;
  }
  if (auto it = o->find("metrics"); it != o->end()) ParseMetrics(*it, "metrics", diag, s.metrics);
  if (auto it = o->find("slo"); it != o->end()) ParseSlo(*it, "slo", diag, s.slo);
  if (auto p = Number(*o, "price_per_replica_hour", "", diag, 0, 1e6, false, "a price >= 0")) {
    s.price_per_replica_hour = *p;
  }
  if (auto it = o->find("targets"); it == o->end()) {
    diag.Error("", "no targets",
               "add \"targets\": {\"COMPUTE\": {\"traffic\": {...}}} for each compute to simulate");
  } else if (const json* t = config::ReadObject(*it, "targets", diag,
                                                "one entry per simulated compute, by its nome")) {
    if (t->empty()) diag.Error("targets", "empty", "add at least one compute to simulate");
    for (const auto& [name, v] : t->items()) {
      ParseTarget(v, Child("targets", name), name, base_dir, diag, s);
    }
  }
  if (auto it = o->find("events"); it != o->end()) {
    if (const json* events =
            config::ReadList(*it, "events", diag, "write [{\"kind\": \"zone_outage\", ...}]")) {
      for (size_t i = 0; i < events->size(); ++i) {
        ParseEvent((*events)[i], Index("events", i), diag, s);
      }
    }
  }
  // Steps must tile the loop and the scrape: the loop ticks on step boundaries.
  if (s.loop_interval_s < s.step_s) {
    diag.Error("loop_interval_s", "shorter than step_s", "make step_s at most the loop interval");
  }
  if (const double steps = std::ceil(s.duration_s / s.step_s - 1e-9); steps > kMaxRunSteps) {
    diag.Error(
        "step_s",
        absl::StrCat(FormatNumber(s.duration_s), " s in steps of ", FormatNumber(s.step_s),
                     " s make ", FormatNumber(steps), " steps, over the limit of ", kMaxRunSteps),
        "use a larger step_s or a shorter duration_s");
  }
  if (!diag.has_errors() && !s.blueprint.is_null()) {
    // The blueprint, with the targets' `policy` knobs, must load as `limiar serve` would
    // load it, and name every target.
    absl::StatusOr<policy::blueprint::LoadedBlueprint> loaded =
        LoadVariantBlueprint(s, PolicyVariant{});
    if (!loaded.ok()) return loaded.status();
    s.warnings = loaded->warnings;
    std::vector<std::string> managed;
    for (const policy::TargetPolicy& t : loaded->targets) managed.push_back(t.target);
    for (const TargetModel& m : s.targets) {
      if (std::find(managed.begin(), managed.end(), m.target) == managed.end()) {
        diag.Error(
            Child("targets", m.target), "not a compute that the blueprint autoscales",
            config::DidYouMean(m.target, managed, {},
                               absl::StrCat("simulate one of: ", absl::StrJoin(managed, ", "))));
      }
    }
    for (size_t i = 0; i < s.events.size(); ++i) {
      const SimEvent& e = s.events[i];
      if (!e.target.empty() &&
          std::none_of(s.targets.begin(), s.targets.end(),
                       [&](const TargetModel& m) { return m.target == e.target; })) {
        diag.Error(Child(Index("events", i), "target"), "not a simulated target",
                   "name one of the scenario's targets, or omit it for all");
      }
      if (e.at_s >= s.duration_s) {
        diag.Error(Child(Index("events", i), "at_s"), "after the end of the run",
                   absl::StrCat("use a time below duration_s (", FormatNumber(s.duration_s), ")"));
      }
    }
  }
  if (diag.has_errors()) return diag.ToStatus();
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const SimEvent& a, const SimEvent& b) { return a.at_s < b.at_s; });
  return s;
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadRegularFile(path, kMaxScenarioBytes, "scenario");
  if (!text.ok()) return text.status();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseScenario(*text, path, dir.empty() ? std::string(".") : dir);
}

const char* BuiltinFlashSaleJson() {
  return R"json({
  "name": "flash-sale",
  "description": "Acme Store Pro's storefront through a 10x flash sale",
  "blueprint": {
    "nome": "Acme Store Pro (storefront)",
    "recursos": [
      {"tipo": "compute", "nome": "storefront",
       "config": {"subtipo": "web", "replicas_min": 2, "replicas_max": 8}},
      {"tipo": "autoscale", "nome": "scale-store",
       "config": {"alvo_recurso_id": "storefront", "metrica": "requests", "limiar": 65,
                  "capacidade_por_replica": 100}}
    ]
  },
  "start": "2026-11-27T08:00:00Z",
  "duration_s": 3600,
  "step_s": 1,
  "seed": 42,
  "loop_interval_s": 15,
  "metrics": {"scrape_interval_s": 15, "delay_s": 2, "window_s": 60},
  "slo": {"latency_percentile": 95, "latency_ms": 250, "max_drop_rate": 0.001},
  "price_per_replica_hour": 0.12,
  "targets": {
    "storefront": {
      "traffic": {"kind": "poisson", "of": {"kind": "flash_sale", "baseline": 70,
                  "start_s": 600, "ramp_s": 120, "peak_multiple": 10, "hold_s": 900,
                  "decay_s": 600}},
      "capacity_rps": 100,
      "service_time_ms": 50,
      "queue_per_replica": 200,
      "timeout_s": 10,
      "startup_delay_s": {"lognormal": {"median_s": 25, "sigma": 0.3}}
    }
  }
}
)json";
}

Scenario BuiltinFlashSale() {
  absl::StatusOr<Scenario> s = ParseScenario(BuiltinFlashSaleJson(), "built-in", ".");
  // The text is a constant of this file and a test loads it: failure is a programming error.
  if (!s.ok()) {
    std::fprintf(stderr, "built-in scenario: %s\n", std::string(s.status().message()).c_str());
    std::abort();
  }
  return *std::move(s);
}

}  // namespace limiar::sim
