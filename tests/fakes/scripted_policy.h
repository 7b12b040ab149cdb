// A Policy whose recommendation the test sets: isolates GuardedPolicy's own rules from the
// anchor algorithms (which have their own tests and conformance suites).
#ifndef LIMIAR_TESTS_FAKES_SCRIPTED_POLICY_H_
#define LIMIAR_TESTS_FAKES_SCRIPTED_POLICY_H_

#include <vector>

#include "src/policy/policy.h"

namespace limiar::testing {

class ScriptedPolicy final : public policy::Policy {
 public:
  struct Shared {
    policy::Recommendation next;  // returned by the next Recommend
    // Every input received; the metrics view is dropped, since it is valid only during
    // the call.
    std::vector<policy::PolicyInput> seen;
    std::vector<std::pair<int32_t, int32_t>> scales;
  };
  explicit ScriptedPolicy(Shared* shared) : shared_(shared) {}

  absl::StatusOr<policy::Recommendation> Recommend(const policy::PolicyInput& in) override {
    shared_->seen.push_back(in);
    shared_->seen.back().metrics = {};
    return shared_->next;
  }
  void RecordScale(absl::Time, int32_t from, int32_t to) override {
    shared_->scales.push_back({from, to});
  }
  // The algorithm's own part of the state is not this fake's to keep.
  void SaveState(policy::PolicyState&) const override {}
  void RestoreState(const policy::PolicyState&) override {}

 private:
  Shared* shared_;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_FAKES_SCRIPTED_POLICY_H_
