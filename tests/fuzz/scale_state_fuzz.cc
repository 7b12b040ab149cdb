// What an exec actuator's observe_command prints and a webhook's observe_url answers: a
// peer's bytes that must become a ScaleState of non-negative counts, or an error.
#include <cstddef>
#include <cstdint>

#include "src/actuator/scale_state_parse.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

void CheckCounts(const absl::StatusOr<limiar::actuator::ScaleState>& state) {
  if (!state.ok()) return;
  limiar::fuzz::Require(state->spec_replicas >= 0 && state->ready_replicas >= 0,
                        "a parsed scale state has a negative count");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = limiar::fuzz::AsText(data, size);
  CheckCounts(limiar::actuator::ParseScaleStateJson(text));
  CheckCounts(limiar::actuator::ParseScaleStateText(text));
  return 0;
}
