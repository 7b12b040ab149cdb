// The `webhook` actuator: one HTTP POST per decision.
//
// Request: POST to `url` with `Content-Type: application/json`, `Authorization: Bearer
// TOKEN` when a token is configured, the configured extra headers, and this body (one
// object, keys always present, UTF-8):
//
//   {
//     "target": "storefront",          // the target compute's name (string)
//     "replicas": 5,                   // desired count: the state to reach, never a delta
//     "previous_replicas": 3,          // the count Limiar saw before deciding
//     "reason": "scale_up",            // machine-readable reason of the decision
//     "message": "requests 92% of 65% target: 3 -> 5",  // the human sentence
//     "time": "2026-11-27T08:00:15Z"   // when the decision was taken, RFC 3339 UTC
//   }
//
// The same decision may arrive more than once (retries after a timeout): it is desired
// state, so the receiver just applies it again. Any 2xx response is success (its body is
// ignored); 429 and 5xx are retried with backoff; any other status is an error that names
// the status code and the first 200 bytes of the response body. Redirects are not
// followed.
//
// Observe: with `observe_url`, a GET of that URL, where {target} is replaced by the
// URL-escaped target name, must answer 2xx with {"spec_replicas": N, "ready_replicas": N}.
// Without it, Observe returns the last count set (or the initial count), all ready.
#ifndef LIMIAR_ACTUATOR_WEBHOOK_ACTUATOR_H_
#define LIMIAR_ACTUATOR_WEBHOOK_ACTUATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/actuator/actuator.h"
#include "src/actuator/last_set_counts.h"
#include "src/common/http/http_client.h"

namespace limiar::actuator {

struct WebhookOptions {
  std::string url;          // http:// or https:// (required)
  std::string observe_url;  // optional; may contain {target}
  // Optional; at most one. The file is read on every call, so a rotated secret is picked
  // up without a restart.
  std::string bearer_token;
  std::string bearer_token_file;
  std::map<std::string, std::string> headers;  // extra request headers
  std::string ca_file;                         // PEM roots for https; empty: the system's
  absl::Duration timeout = absl::Seconds(10);
};

// The JSON body above, as sent (compact, keys in the order shown).
std::string WebhookBody(const ScaleRequest& request);

class WebhookActuator final : public Actuator {
 public:
  WebhookActuator(WebhookOptions options, std::map<std::string, int32_t> initial);

  // Both block on the network up to the timeout. Thread-safe.
  absl::StatusOr<ScaleState> Observe(const std::string& target) override;
  absl::Status SetReplicas(const ScaleRequest& request) override;
  // Without observe_url, new targets report their starting count until one is set.
  void AddTargets(const std::map<std::string, TargetStart>& targets) override {
    last_set_.AddMissing(targets);
  }

 private:
  absl::StatusOr<http::HttpRequest> BaseRequest() const;

  const WebhookOptions options_;
  http::HttpClient http_;
  LastSetCounts last_set_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_WEBHOOK_ACTUATOR_H_
