// A PolicyInput that owns its observations, for tests that build inputs by value:
// PolicyInput.metrics is only a view, so a helper returning one would leave it dangling.
#ifndef LIMIAR_TESTS_POLICY_OWNED_INPUT_H_
#define LIMIAR_TESTS_POLICY_OWNED_INPUT_H_

#include <utility>
#include <vector>

#include "src/policy/policy.h"

namespace limiar::policy {

struct OwnedInput : PolicyInput {
  std::vector<MetricObservation> observed;

  OwnedInput() = default;
  OwnedInput(const OwnedInput& o) : PolicyInput(o), observed(o.observed) { metrics = observed; }
  OwnedInput& operator=(const OwnedInput& o) {
    PolicyInput::operator=(o);
    observed = o.observed;
    metrics = observed;
    return *this;
  }

  // Appends one observation; the view follows the vector wherever it reallocates.
  void Add(MetricObservation m) {
    observed.push_back(std::move(m));
    metrics = observed;
  }
  MetricObservation& operator[](size_t i) { return observed[i]; }
};

}  // namespace limiar::policy

#endif  // LIMIAR_TESTS_POLICY_OWNED_INPUT_H_
