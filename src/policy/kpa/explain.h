// Reasons and sentences for one KPA decision, built from the decider's intermediate values
// so that the explanation cannot drift from the arithmetic.
#ifndef LIMIAR_POLICY_KPA_EXPLAIN_H_
#define LIMIAR_POLICY_KPA_EXPLAIN_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "src/policy/kpa/decider.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::kpa {

// What a sentence needs besides the ScaleResult.
struct ExplainContext {
  MetricType metric = MetricType::kRequests;
  DeciderSpec spec;
  absl::Duration panic_window = absl::Seconds(6);
  // The decider's state after the tick (for "below the threshold for 24s").
  PanicState state;
  absl::Time now;
  // The bounds applied after the decider: a sentence clamps to them first, so that it never
  // names a count they rule out as one the replicas go to or are held at.
  int32_t min_replicas = 0;
  int32_t max_replicas = INT32_MAX;
};

// Machine-readable reason of a valid result: "ScaleDownDelay" (the delay window holds a
// higher count), "KpaPanic", "ScaleUpLimit" / "ScaleDownLimit" (Knative's rate limits
// bound the stable count), or "KpaStable".
const char* DecisionReason(const ScaleResult& r);

// A sentence for a valid result, e.g. "panic: 6s average 420 requests/s needs 9 replicas
// (threshold 200% of 4 ready); holding >= 9 until 60s without panic".
void AppendExplanation(const ExplainContext& ctx, const ScaleResult& r, std::string* out);

}  // namespace limiar::policy::kpa

#endif  // LIMIAR_POLICY_KPA_EXPLAIN_H_
