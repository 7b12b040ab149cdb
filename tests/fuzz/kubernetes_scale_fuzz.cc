// The kubernetes actuator's Observe reads two API server answers (the scale subresource and
// the Deployment). The input is both, separated by the first NUL byte; without one, the
// same bytes answer both requests.
#include <cstddef>
#include <cstdint>
#include <string>

#include "src/actuator/kubernetes_actuator.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string scale = input.substr(0, nul);
  const std::string deployment = nul == std::string::npos ? input : input.substr(nul + 1);
  absl::StatusOr<limiar::actuator::ScaleState> state =
      limiar::actuator::ParseKubernetesScaleAnswers(
          scale, deployment, "https://127.0.0.1:6443/apis/apps/v1/namespaces/fuzz/deployments/web");
  if (state.ok()) {
    limiar::fuzz::Require(state->spec_replicas >= 0 && state->ready_replicas >= 0,
                          "a parsed scale state has a negative count");
  }
  return 0;
}
