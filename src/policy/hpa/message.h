// The human sentence of a reconcile: the decisive step first, with its numbers ("scale-up
// limited to 8 by policy Pods 4/15s (cpu at 95% of 65% target asks 12)").
#ifndef LIMIAR_POLICY_HPA_MESSAGE_H_
#define LIMIAR_POLICY_HPA_MESSAGE_H_

#include <cstdint>
#include <string>

#include "src/policy/hpa/reconcile.h"

namespace limiar::policy::hpa {

// Appends the sentence for `out` to `msg`. `first_invalid` is the index of the first
// invalid metric (-1 if none) and `invalid` the number of invalid metrics.
void AppendMessage(const ReconcileInput& in, const ReconcileResult& out, int first_invalid,
                   int invalid, std::string& msg);

// Milli-units as a decimal without trailing zeros: 31666 -> "31.666", 20000 -> "20".
void AppendMilli(int64_t milli, std::string& msg);

}  // namespace limiar::policy::hpa

#endif  // LIMIAR_POLICY_HPA_MESSAGE_H_
