#include "src/policy/blueprint/compound_knobs.h"

#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/common/config/json_read.h"
#include "src/common/config/known_keys.h"
#include "src/policy/blueprint/knob_names.h"
#include "src/policy/cron.h"

namespace limiar::policy::blueprint {

using config::Child;
using config::Diagnostics;
using config::FormatNumber;
using config::Index;
using config::ParseZonedTime;
using config::ReadEnum;
using config::ReadInteger;
using config::ReadList;
using config::ReadNumber;
using config::ReadObject;
using config::ReadSeconds;
using config::ReadString;
using config::RejectUnknownKeys;

namespace {

using json = nlohmann::json;

// HPA's limit on a rate policy's period (MaxPeriodSeconds).
constexpr double kMaxPolicyPeriodS = 1800;
constexpr double kMaxScheduleS = 366 * 24 * 3600;
// A recurring window is found by looking back over its length at every evaluation.
constexpr double kMaxRecurringS = 7 * 24 * 3600;

std::optional<json> ReadRatePolicy(const json& v, const std::string& path, Diagnostics& diag) {
  const json* obj =
      ReadObject(v, path, diag, "\"tipo\": \"pods\", \"valor\": 4, \"periodo_s\": 15");
  if (!obj) return std::nullopt;
  RejectUnknownKeys(*obj, path,
                    {.keys = {key::kTipo, key::kValor, key::kPeriodo},
                     .aliases = {{"type", key::kTipo},
                                 {"value", key::kValor},
                                 {"period_seconds", key::kPeriodo},
                                 {"periodo", key::kPeriodo}},
                     .otherwise = kUnknownKnobTodo},
                    diag);
  bool ok = true;
  auto require = [&](const char* k, absl::string_view what) -> const json* {
    if (obj->contains(k)) return &obj->at(k);
    diag.Error(path, absl::StrCat("missing ", k), absl::StrCat("add ", k, ": ", what));
    ok = false;
    return nullptr;
  };
  json out;
  if (const json* t = require(key::kTipo, "pods or percent")) {
    auto s = ReadEnum(*t, Child(path, key::kTipo), diag, RateTypeNames(), RateTypeAliases());
    ok = ok && s.has_value();
    if (s) out[key::kTipo] = *s;
  }
  if (const json* val = require(key::kValor, "how many pods, or what percent, per period")) {
    auto n =
        ReadInteger(*val, Child(path, key::kValor), diag, 1, std::numeric_limits<int32_t>::max());
    ok = ok && n.has_value();
    if (n) out[key::kValor] = *n;
  }
  if (const json* p = require(key::kPeriodo, "the window in seconds, e.g. 15")) {
    auto s = ReadSeconds(*p, Child(path, key::kPeriodo), diag, kMaxPolicyPeriodS);
    if (s && *s == 0) {
      diag.Error(Child(path, key::kPeriodo), "a rate policy's period must be positive",
                 "use 1 to 1800 seconds (HPA's range), e.g. 15");
      s.reset();
    }
    ok = ok && s.has_value();
    if (s) out[key::kPeriodo] = *s;
  }
  if (!ok) return std::nullopt;
  return out;
}

// `cron` and `fuso` of a recurring schedule into `out`; false after reporting a problem.
bool ReadRecurrence(const json& obj, const std::string& path, json& out, Diagnostics& diag) {
  bool ok = true;
  if (auto text = ReadString(obj.at(key::kCron), Child(path, key::kCron), diag)) {
    if (absl::StatusOr<CronSpec> spec = ParseCron(*text); spec.ok()) {
      out[key::kCron] = *text;
    } else {
      diag.Error(Child(path, key::kCron), spec.status().message(),
                 "write minute hour day-of-month month day-of-week, as KEDA's cron scaler "
                 "reads it: \"0 8 * * 1-5\" is 08:00 on weekdays");
      ok = false;
    }
  } else {
    ok = false;
  }
  out[key::kFuso] = "UTC";
  if (obj.contains(key::kFuso)) {
    if (auto zone = ReadString(obj.at(key::kFuso), Child(path, key::kFuso), diag)) {
      absl::TimeZone tz;
      if (!zone->empty() && absl::LoadTimeZone(*zone, &tz)) {
        out[key::kFuso] = *zone;
      } else {
        diag.Error(Child(path, key::kFuso), absl::StrCat("unknown time zone \"", *zone, "\""),
                   "use an IANA name such as \"America/Sao_Paulo\" or \"Europe/Lisbon\" "
                   "(the tzdata package holds them)");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  return ok;
}

std::optional<json> ReadSchedule(const json& v, const std::string& path, size_t index,
                                 Diagnostics& diag) {
  const json* obj = ReadObject(
      v, path, diag, "\"inicio\": \"2026-11-27T08:00:00Z\", \"duracao_h\": 6, \"minimo\": 20");
  if (!obj) return std::nullopt;
  RejectUnknownKeys(*obj, path,
                    {.keys = {key::kNome, key::kInicio, key::kCron, key::kFuso, key::kDuracaoS,
                              key::kDuracaoH, key::kMinimo, key::kMaximo},
                     .aliases = {{"name", key::kNome},
                                 {"start", key::kInicio},
                                 {"timezone", key::kFuso},
                                 {"time_zone", key::kFuso},
                                 {"tz", key::kFuso},
                                 {"fuso_horario", key::kFuso},
                                 {"schedule", key::kCron},
                                 {"duration", key::kDuracaoS},
                                 {"duracao", key::kDuracaoS},
                                 {"min", key::kMinimo},
                                 {"min_replicas", key::kMinimo},
                                 {"max", key::kMaximo},
                                 {"max_replicas", key::kMaximo}},
                     .otherwise = kUnknownKnobTodo},
                    diag);
  bool ok = true;
  json out;
  out[key::kNome] = Index(key::kAgendamentos, index);
  if (obj->contains(key::kNome)) {
    auto name = ReadString(obj->at(key::kNome), Child(path, key::kNome), diag);
    if (name && name->empty()) {
      diag.Error(Child(path, key::kNome), "empty nome", "name the schedule or drop nome");
      name.reset();
    }
    ok = ok && name.has_value();
    if (name) out[key::kNome] = *name;
  }

  const bool recurring = obj->contains(key::kCron);
  if (recurring && obj->contains(key::kInicio)) {
    diag.Error(path, "both inicio and cron",
               "a schedule is one window (inicio) or recurring (cron, with fuso); keep one");
    ok = false;
  } else if (recurring) {
    ok = ReadRecurrence(*obj, path, out, diag) && ok;
  } else if (obj->contains(key::kFuso)) {
    diag.Error(Child(path, key::kFuso), "fuso without cron",
               "fuso is the time zone of a cron schedule; inicio carries its own offset, so "
               "drop fuso or use cron");
    ok = false;
  } else if (!obj->contains(key::kInicio)) {
    diag.Error(path, "missing inicio",
               "add inicio: the start as an RFC 3339 time, e.g. \"2026-11-27T08:00:00Z\", or "
               "cron for a recurring window, e.g. \"cron\": \"0 8 * * 1-5\"");
    ok = false;
  } else if (auto s = ReadString(obj->at(key::kInicio), Child(path, key::kInicio), diag)) {
    if (std::optional<absl::Time> t = ParseZonedTime(*s)) {
      out[key::kInicio] = FormatScheduleTime(*t);
    } else {
      diag.Error(Child(path, key::kInicio), absl::StrCat("not an RFC 3339 time: \"", *s, "\""),
                 "write it like \"2026-11-27T08:00:00Z\" (UTC) or with an offset, "
                 "\"2026-11-27T05:00:00-03:00\"");
      ok = false;
    }
  } else {
    ok = false;
  }

  const bool has_s = obj->contains(key::kDuracaoS), has_h = obj->contains(key::kDuracaoH);
  if (has_s == has_h) {
    diag.Error(path, has_s ? "both duracao_s and duracao_h" : "missing duration",
               "give exactly one of duracao_s (seconds) or duracao_h (hours)");
    ok = false;
  } else {
    const char* k = has_s ? key::kDuracaoS : key::kDuracaoH;
    auto d = ReadNumber(obj->at(k), Child(path, k), diag);
    if (d && *d <= 0) {
      diag.Error(Child(path, k), absl::StrCat("non-positive duration ", FormatNumber(*d)),
                 "a schedule must last some time; use a positive number");
      d.reset();
    } else if (d && recurring && *d * (has_s ? 1 : 3600) > kMaxRecurringS) {
      diag.Error(Child(path, k),
                 absl::StrCat("duration ", FormatNumber(*d),
                              " exceeds the week a recurring "
                              "window may last"),
                 "make each window at most 7 days (604800 s), or use a one-off inicio");
      d.reset();
    } else if (d && *d * (has_s ? 1 : 3600) > kMaxScheduleS) {
      diag.Error(Child(path, k), absl::StrCat("duration ", FormatNumber(*d), " exceeds a year"),
                 "split it into yearly schedules, or check the unit (duracao_s is seconds)");
      d.reset();
    }
    ok = ok && d.has_value();
    if (d) out[key::kDuracaoS] = has_s ? *d : *d * 3600;
  }

  auto read_bound = [&](const char* k) -> std::optional<int32_t> {
    if (!obj->contains(k)) return std::nullopt;
    auto n = ReadInteger(obj->at(k), Child(path, k), diag, 0, std::numeric_limits<int32_t>::max());
    ok = ok && n.has_value();
    if (n) out[k] = *n;
    return n;
  };
  const std::optional<int32_t> lo = read_bound(key::kMinimo);
  const std::optional<int32_t> hi = read_bound(key::kMaximo);
  if (!obj->contains(key::kMinimo) && !obj->contains(key::kMaximo)) {
    diag.Error(path, "neither minimo nor maximo",
               "a schedule sets a floor (minimo), a ceiling (maximo) or both; add one");
    ok = false;
  }
  if (lo && hi && *lo > *hi) {
    diag.Error(Child(path, key::kMinimo),
               absl::StrCat("minimo ", *lo, " is greater than maximo ", *hi),
               "swap them or fix one");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

std::string FormatScheduleTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::optional<json> ReadRatePolicies(const json& v, const std::string& path, Diagnostics& diag) {
  const json* list = ReadList(
      v, path, diag, "write a list: [{\"tipo\": \"pods\", \"valor\": 4, \"periodo_s\": 15}]");
  if (!list) return std::nullopt;
  if (list->empty()) {
    diag.Error(path, "empty list of rate policies",
               "give at least one {tipo, valor, periodo_s}; to forbid scaling in this "
               "direction set the matching selecao_* to desativado");
    return std::nullopt;
  }
  json out = json::array();
  bool ok = true;
  for (size_t i = 0; i < list->size(); ++i) {
    auto p = ReadRatePolicy((*list)[i], Index(path, i), diag);
    ok = ok && p.has_value();
    if (p) out.push_back(*p);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<json> ReadSchedules(const json& v, const std::string& path, Diagnostics& diag) {
  const json* list =
      ReadList(v, path, diag,
               "write a list: [{\"nome\": \"black-friday\", \"inicio\": \"2026-11-27T08:00:00Z\", "
               "\"duracao_h\": 6, \"minimo\": 20}]");
  if (!list) return std::nullopt;
  json out = json::array();
  bool ok = true;
  std::set<std::string> names;
  for (size_t i = 0; i < list->size(); ++i) {
    auto s = ReadSchedule((*list)[i], Index(path, i), i, diag);
    ok = ok && s.has_value();
    if (!s) continue;
    const std::string name = (*s)[key::kNome];
    if (!names.insert(name).second) {
      diag.Error(Child(Index(path, i), key::kNome), absl::StrCat("duplicate nome \"", name, "\""),
                 "decisions name the schedule that applied; give each one its own nome");
      ok = false;
    }
    out.push_back(*s);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<json> ReadFallback(const json& v, const std::string& path, Diagnostics& diag) {
  const json* obj =
      ReadObject(v, path, diag, "\"falhas\": 3, \"replicas\": 6, \"comportamento\": \"estatico\"");
  if (!obj) return std::nullopt;
  RejectUnknownKeys(*obj, path,
                    {.keys = {key::kFalhas, key::kReplicas, key::kComportamento},
                     .aliases = {{"failure_threshold", key::kFalhas},
                                 {"failures", key::kFalhas},
                                 {"behavior", key::kComportamento},
                                 {"replica", key::kReplicas}},
                     .otherwise = kUnknownKnobTodo},
                    diag);
  bool ok = true;
  json out;
  out[key::kFalhas] = 3;
  out[key::kComportamento] = "estatico";
  out[key::kReplicas] = nullptr;
  if (obj->contains(key::kFalhas)) {
    auto n = ReadInteger(obj->at(key::kFalhas), Child(path, key::kFalhas), diag, 1,
                         std::numeric_limits<int32_t>::max());
    ok = ok && n.has_value();
    if (n) out[key::kFalhas] = *n;
  }
  if (obj->contains(key::kComportamento)) {
    auto b = ReadEnum(obj->at(key::kComportamento), Child(path, key::kComportamento), diag,
                      FallbackNames(), FallbackAliases());
    ok = ok && b.has_value();
    if (b) out[key::kComportamento] = *b;
  }
  if (obj->contains(key::kReplicas)) {
    auto n = ReadInteger(obj->at(key::kReplicas), Child(path, key::kReplicas), diag, 0,
                         std::numeric_limits<int32_t>::max());
    ok = ok && n.has_value();
    if (n) out[key::kReplicas] = *n;
  } else if (out[key::kComportamento] != "atual") {
    diag.Error(path, "missing replicas",
               "add replicas: the count to run once the metrics keep failing (only "
               "comportamento atual needs none)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<json> ReadForecasting(const json& v, const std::string& path, Diagnostics& diag) {
  const json* obj =
      ReadObject(v, path, diag,
                 "\"previsor\": \"auto\", \"antecedencia_s\": 120, \"margem_pct\": 10, "
                 "\"modo\": \"ativo\"");
  if (!obj) return std::nullopt;
  RejectUnknownKeys(
      *obj, path,
      {.keys = {key::kPrevisor, key::kAntecedencia, key::kMargem, key::kModo, key::kHistorico},
       .aliases = {{"forecaster", key::kPrevisor},
                   {"model", key::kPrevisor},
                   {"modelo", key::kPrevisor},
                   {"horizon", key::kAntecedencia},
                   {"horizonte_s", key::kAntecedencia},
                   {"lead_time", key::kAntecedencia},
                   {"antecedencia", key::kAntecedencia},
                   {"margin", key::kMargem},
                   {"margem", key::kMargem},
                   {"mode", key::kModo},
                   {"history_days", key::kHistorico},
                   {"historico", key::kHistorico}},
       .otherwise = kUnknownKnobTodo},
      diag);
  bool ok = true;
  json out;
  out[key::kPrevisor] = "auto";
  out[key::kAntecedencia] = 120;
  out[key::kMargem] = 10;
  out[key::kModo] = "ativo";
  out[key::kHistorico] = 14;
  auto read_enum = [&](const char* k, const std::vector<std::string>& names,
                       const config::AliasMap& aliases) {
    if (!obj->contains(k)) return;
    auto e = ReadEnum(obj->at(k), Child(path, k), diag, names, aliases);
    ok = ok && e.has_value();
    if (e) out[k] = *e;
  };
  read_enum(key::kPrevisor, ForecasterNames(), ForecasterAliases());
  read_enum(key::kModo, ForecastModeNames(), ForecastModeAliases());
  if (obj->contains(key::kAntecedencia)) {
    // A day ahead is already beyond what a start-up delay plus a tick can mean.
    auto s =
        ReadSeconds(obj->at(key::kAntecedencia), Child(path, key::kAntecedencia), diag, 24 * 3600);
    ok = ok && s.has_value();
    if (s) out[key::kAntecedencia] = *s;
  }
  if (obj->contains(key::kMargem)) {
    auto m = config::ReadNumberIn(obj->at(key::kMargem), Child(path, key::kMargem), diag,
                                  {.lo = 0, .lo_closed = true, .hi = 1000, .hi_closed = true},
                                  "a percentage added to the forecast load, 0 to 1000");
    ok = ok && m.has_value();
    if (m) out[key::kMargem] = *m;
  }
  if (obj->contains(key::kHistorico)) {
    // 90 days of minutes is 1 MB per metric, kept in memory and in the state.
    auto d = ReadInteger(obj->at(key::kHistorico), Child(path, key::kHistorico), diag, 1, 90);
    ok = ok && d.has_value();
    if (d) out[key::kHistorico] = *d;
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace limiar::policy::blueprint
