// The JSON config of one PromQL source, keyed as KEDA's Prometheus trigger is but in
// snake_case, holding only what the source needs (the scaling and activation thresholds
// are the policy's: they come from the autoscale resource's `limiar` block):
//
//   {
//     "server_address": "http://prometheus:9090",      required, http:// or https://
//     "query": "sum(rate(http_requests_total[1m]))",   required
//     "interval_s": 30,              how often to query; >= 1 (default 30, KEDA's)
//     "ignore_null_values": true,    empty result / NaN / Inf count as 0 (default true)
//     "timeout_s": 3,                per request, (0, 300] (default 3, KEDA's)
//     "bearer_token_file": "/var/run/secrets/token",   "Authorization: Bearer <file>"
//     "username": "limiar", "password_file": "/etc/limiar/prom-password",  basic auth
//     "ca_file": "/etc/limiar/prom-ca.pem",            https only
//     "headers": {"X-Scope-OrgID": "tenant-a"},        extra request headers
//     "max_body_bytes": 1048576      answers past this are an error, reading stops there;
//                                    1024 to 4194304 (default 1 MiB)
//   }
//
// Unknown keys are errors with a "did you mean" hint that also knows KEDA's camelCase
// names (serverAddress, ignoreNullValues, customHeaders, ...); wrong types are named. Every
// problem is reported at once, each at its JSON path, so that one run fixes them all.
#ifndef LIMIAR_METRICS_PROMQL_PROMQL_CONFIG_H_
#define LIMIAR_METRICS_PROMQL_PROMQL_CONFIG_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "src/common/config/diagnostics.h"
#include "src/metrics/promql/promql_client.h"

namespace limiar::metrics {

// `config` at `json_path` (e.g. "recursos[3].config.promql") to a query. Errors are
// InvalidArgument, and every one starts with the JSON path of the offending value
// ("recursos[3].config.promql.interval_s: must be a number, not a string"). Checks the
// config only: files named in it are read at query time (they may rotate or appear later).
absl::StatusOr<PromQlQuery> ParsePromQlConfig(const nlohmann::json& config,
                                              const std::string& json_path);
// The same, reporting to the file's diagnostics (nullopt after a problem).
std::optional<PromQlQuery> ReadPromQlConfig(const nlohmann::json& config,
                                            const std::string& json_path,
                                            config::Diagnostics& diag);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PROMQL_PROMQL_CONFIG_H_
