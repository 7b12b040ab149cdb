#include "src/policy/blueprint/autoscale_config.h"

#include <functional>
#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"
#include "src/common/config/known_keys.h"
#include "src/policy/blueprint/compound_knobs.h"
#include "src/policy/blueprint/knob_names.h"

namespace limiar::policy::blueprint {

using config::AliasMap;
using config::Child;
using config::Diagnostics;
using config::FormatNumber;
using config::ReadEnum;
using config::ReadInteger;
using config::ReadNumber;
using config::ReadNumberIn;
using config::ReadSeconds;
using config::ReadString;
using config::RejectUnknownKeys;

namespace {

using json = nlohmann::json;
using Reader = std::function<std::optional<json>(const json&, const std::string&, Diagnostics&)>;

constexpr double kInf = std::numeric_limits<double>::infinity();
// HPA caps stabilization windows at one hour; Knative caps its windows and delays the same.
constexpr double kHourS = 3600;
// Longer cooldowns or start-up periods than a year are unit mistakes (milliseconds?), and
// keep durations far from absl's infinity.
constexpr double kYearS = 366 * 24 * 3600;

// A number in a range whose ends are open or closed.
Reader Range(double lo, bool lo_closed, double hi, bool hi_closed, std::string todo) {
  return [=](const json& v, const std::string& path, Diagnostics& diag) -> std::optional<json> {
    std::optional<double> d = ReadNumberIn(v, path, diag, {lo, lo_closed, hi, hi_closed}, todo);
    if (!d) return std::nullopt;
    return *d;
  };
}

Reader Seconds(double min_s, double max_s) {
  return [=](const json& v, const std::string& path, Diagnostics& diag) -> std::optional<json> {
    std::optional<double> s = ReadSeconds(v, path, diag, max_s);
    if (!s) return std::nullopt;
    if (*s < min_s) {
      diag.Error(
          path,
          absl::StrCat(FormatNumber(*s), " s is below the minimum of ", FormatNumber(min_s), " s"),
          absl::StrCat("use ", FormatNumber(min_s), " to ", FormatNumber(max_s)));
      return std::nullopt;
    }
    return *s;
  };
}

Reader Enum(const std::vector<std::string>& names, const AliasMap& aliases) {
  return [&names, &aliases](const json& v, const std::string& path,
                            Diagnostics& diag) -> std::optional<json> {
    std::optional<std::string> s = ReadEnum(v, path, diag, names, aliases);
    if (!s) return std::nullopt;
    return *s;
  };
}

Reader Integer(int64_t min) {
  return [=](const json& v, const std::string& path, Diagnostics& diag) -> std::optional<json> {
    std::optional<int32_t> n = ReadInteger(v, path, diag, min, std::numeric_limits<int32_t>::max());
    if (!n) return std::nullopt;
    return *n;
  };
}

std::optional<json> ReadBurstCapacity(const json& v, const std::string& path, Diagnostics& diag) {
  std::optional<double> d = ReadNumber(v, path, diag);
  if (!d) return std::nullopt;
  if (*d >= 0 || *d == -1) return *d;
  diag.Error(path, absl::StrCat("negative burst capacity ", FormatNumber(*d)),
             "use 0 or more, or -1 for unlimited (Knative's convention)");
  return std::nullopt;
}

const config::KnownKeys& AutoscaleKnownKeys() {
  static const auto* known = new config::KnownKeys{
      .keys = AutoscaleKeys(), .aliases = AutoscaleKeyAliases(), .otherwise = kUnknownKnobTodo};
  return *known;
}

// The reader of every target-level key; the tolerance shorthand is handled by the caller.
const std::map<std::string, Reader>& TargetKnobReaders() {
  static const auto* readers = [] {
    const std::string fraction = "a tolerance is a fraction in [0, 1): 0.1 means 10 %";
    return new std::map<std::string, Reader>{
        {key::kAlgoritmo, Enum(AlgorithmNames(), AlgorithmAliases())},
        {key::kModo, Enum(ModeNames(), ModeAliases())},
        {key::kTolerancia, Range(0, true, 1, false, fraction)},
        {key::kToleranciaSubida, Range(0, true, 1, false, fraction)},
        {key::kToleranciaDescida, Range(0, true, 1, false, fraction)},
        {key::kEstabilizacaoSubida, Seconds(0, kHourS)},
        {key::kEstabilizacaoDescida, Seconds(0, kHourS)},
        {key::kPoliticasSubida, ReadRatePolicies},
        {key::kPoliticasDescida, ReadRatePolicies},
        {key::kSelecaoSubida, Enum(SelectNames(), SelectAliases())},
        {key::kSelecaoDescida, Enum(SelectNames(), SelectAliases())},
        {key::kInicializacaoCpu, Seconds(0, kYearS)},
        {key::kProntidaoInicial, Seconds(0, kYearS)},
        {key::kLegadoFator,
         Range(1, true, kInf, false, "a factor of the current count, 1 or more (HPA uses 2)")},
        {key::kLegadoMinimo,
         Range(1, true, kInf, false, "a replica count, 1 or more (HPA uses 4)")},
        {key::kJanelaEstavel, Seconds(6, kHourS)},
        {key::kJanelaPanico,
         Range(1, true, 100, true, "a percentage of janela_estavel_s from 1 to 100")},
        {key::kLimiarPanico,
         Range(110, true, 1000, true,
               "a percentage of the target from 110 to 1000 (Knative's range; 200 = twice)")},
        {key::kTaxaMaxSubida,
         Range(1, false, kInf, false, "a rate above 1: at most rate x ready replicas per tick")},
        {key::kTaxaMaxDescida,
         Range(1, false, kInf, false, "a rate above 1: at least ready / rate replicas kept")},
        {key::kCapacidadeRajada, ReadBurstCapacity},
        {key::kAtrasoDescida, Seconds(0, kHourS)},
        {key::kEscalaAtivacao, Integer(1)},
        {key::kEsperaSubida, Seconds(0, kYearS)},
        {key::kEsperaDescida, Seconds(0, kYearS)},
        {key::kAgendamentos, ReadSchedules},
        {key::kContingencia, ReadFallback},
        {key::kPrevisao, ReadForecasting},
    };
  }();
  return *readers;
}

// `suggested`: keys an unknown key was already reported as a likely typo of; saying that
// they are missing too would be noise.
void ReadMetricKeys(const json& config, const std::string& path,
                    const std::set<std::string>& suggested, Diagnostics& diag,
                    AutoscaleSpec& spec) {
  auto missing = [&](const char* k, absl::string_view todo) {
    if (config.contains(k)) return false;
    if (!suggested.count(k)) diag.Error(path, absl::StrCat("missing ", k), todo);
    return true;
  };
  if (!missing(key::kAlvo, "add alvo_recurso_id: the nome of the compute to scale")) {
    const std::string p = Child(path, key::kAlvo);
    spec.target = ReadString(config.at(key::kAlvo), p, diag);
    if (spec.target && spec.target->empty()) {
      diag.Error(p, "empty alvo_recurso_id", "write the nome of the compute to scale");
      spec.target.reset();
    }
  }
  if (!missing(key::kMetrica, absl::StrCat("add metrica: ", Alternatives(MetricTypeNames())))) {
    if (auto m = ReadEnum(config.at(key::kMetrica), Child(path, key::kMetrica), diag,
                          MetricTypeNames(), MetricAliases())) {
      spec.metric = MetricTypeFromName(*m).value_or(MetricType::kCpu);
    }
  }
  if (!missing(key::kLimiar, "add limiar: the target utilization in percent, e.g. 70")) {
    const std::string p = Child(path, key::kLimiar);
    spec.limiar = ReadNumber(config.at(key::kLimiar), p, diag);
    if (spec.limiar && (*spec.limiar <= 0 || *spec.limiar > 100)) {
      diag.Error(p,
                 absl::StrCat("limiar ", FormatNumber(*spec.limiar), " is out of range (0, 100]"),
                 "limiar is the target utilization in percent of a replica's capacity; use "
                 "a value above 0 and at most 100, typically 60 to 80");
      spec.limiar.reset();
    } else if (spec.limiar && *spec.limiar == 100) {
      diag.Warning(p,
                   "limiar 100 leaves no headroom: replicas are saturated before Limiar adds more",
                   "consider 60 to 80 unless this workload tolerates queueing");
    }
  }
  if (config.contains(key::kCapacidade)) {
    const std::string p = Child(path, key::kCapacidade);
    spec.capacity = ReadNumber(config.at(key::kCapacidade), p, diag);
    if (spec.capacity && *spec.capacity <= 0) {
      diag.Error(p, absl::StrCat("capacity ", FormatNumber(*spec.capacity), " is not positive"),
                 "set what one replica handles at 100 %: cores for cpu, requests/s for "
                 "requests, open connections for connections");
      spec.capacity.reset();
    }
  }
}

}  // namespace

AutoscaleSpec ReadAutoscaleConfig(const json& config, const std::string& path, Diagnostics& diag) {
  AutoscaleSpec spec;
  spec.config_path = path;
  const std::set<std::string> suggested =
      RejectUnknownKeys(config, path, AutoscaleKnownKeys(), diag);
  ReadMetricKeys(config, path, suggested, diag, spec);
  for (const auto& [k, reader] : TargetKnobReaders()) {
    if (!config.contains(k)) continue;
    const std::string p = Child(path, k);
    std::optional<json> v = reader(config.at(k), p, diag);
    if (!v) continue;
    if (k == key::kTolerancia) {
      // The shorthand sets both directions; an explicit per-direction key wins.
      for (const char* dir : {key::kToleranciaSubida, key::kToleranciaDescida}) {
        if (!config.contains(dir)) spec.knobs[dir] = {*v, p};
      }
    } else {
      spec.knobs[k] = {*v, p};
    }
  }
  return spec;
}

}  // namespace limiar::policy::blueprint
