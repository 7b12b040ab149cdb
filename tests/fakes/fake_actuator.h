// An in-memory Actuator standing in for a platform API: records every SetReplicas call and
// can be told to fail, so the control loop's error paths are exercised.
#ifndef LIMIAR_TESTS_FAKES_FAKE_ACTUATOR_H_
#define LIMIAR_TESTS_FAKES_FAKE_ACTUATOR_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/actuator/actuator.h"

namespace limiar::testing {

class FakeActuator final : public actuator::Actuator {
 public:
  std::map<std::string, actuator::ScaleState> state;
  std::vector<std::pair<std::string, int32_t>> calls;
  std::vector<actuator::ScaleRequest> requests;
  absl::Status fail_set = absl::OkStatus();
  absl::Status fail_observe = absl::OkStatus();

  absl::StatusOr<actuator::ScaleState> Observe(const std::string& target) override {
    if (!fail_observe.ok()) return fail_observe;
    auto it = state.find(target);
    if (it == state.end()) return absl::NotFoundError(absl::StrCat("no target ", target));
    return it->second;
  }
  absl::Status SetReplicas(const actuator::ScaleRequest& request) override {
    const std::string& target = request.target;
    const int32_t replicas = request.replicas;
    calls.push_back({target, replicas});
    requests.push_back(request);
    if (!fail_set.ok()) return fail_set;
    state[target].spec_replicas = replicas;
    state[target].ready_replicas = replicas;
    return absl::OkStatus();
  }
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_FAKES_FAKE_ACTUATOR_H_
