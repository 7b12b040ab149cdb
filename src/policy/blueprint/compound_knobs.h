// Readers for the knobs whose value is a list or an object: HPA rate policies, schedules
// the fallback and the forecasting policy. Each returns the canonical form (the same keys, defaults
// filled in, times in UTC, durations in seconds) that target-level merging compares and the policy
// is built from; nullopt after reporting the problems.
#ifndef LIMIAR_POLICY_BLUEPRINT_COMPOUND_KNOBS_H_
#define LIMIAR_POLICY_BLUEPRINT_COMPOUND_KNOBS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "src/common/config/diagnostics.h"

namespace limiar::policy::blueprint {

// `politicas_subida` / `politicas_descida`: [{tipo: pods|percent, valor, periodo_s}, ...].
std::optional<nlohmann::json> ReadRatePolicies(const nlohmann::json& v, const std::string& path,
                                               config::Diagnostics& diag);

// `agendamentos`: [{nome?, inicio | cron + fuso?, duracao_s | duracao_h, minimo?, maximo?},
// ...].
std::optional<nlohmann::json> ReadSchedules(const nlohmann::json& v, const std::string& path,
                                            config::Diagnostics& diag);

// `contingencia`: {falhas?, replicas, comportamento?}.
std::optional<nlohmann::json> ReadFallback(const nlohmann::json& v, const std::string& path,
                                           config::Diagnostics& diag);

// `previsao`: {previsor?, antecedencia_s?, margem_pct?, modo?, historico_dias?}.
std::optional<nlohmann::json> ReadForecasting(const nlohmann::json& v, const std::string& path,
                                              config::Diagnostics& diag);

// A schedule's start as its canonical form writes it: UTC, "2026-11-27T08:00:00Z". (Read
// with config::ParseZonedTime.)
std::string FormatScheduleTime(absl::Time t);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_COMPOUND_KNOBS_H_
