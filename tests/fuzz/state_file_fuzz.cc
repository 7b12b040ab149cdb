// The state file is read back after a crash, perhaps torn or edited: any bytes must restore
// or be refused, and whatever restores must survive its own write and read unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "src/controller/state_file.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// The restoring process's clock, fixed so that runs repeat: 2030-01-01, after every seed.
const absl::Time kNow = absl::FromUnixSeconds(1893456000);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<limiar::controller::SavedState> state =
      limiar::controller::StateFromJson(text, "fuzz.json", kNow);
  if (!state.ok()) return 0;
  const std::string written = limiar::controller::StateToJson(*state);
  absl::StatusOr<limiar::controller::SavedState> again =
      limiar::controller::StateFromJson(written, "rewritten.json", kNow);
  limiar::fuzz::Require(again.ok(), "a restored state does not read back after StateToJson");
  limiar::fuzz::Require(limiar::controller::StateToJson(*again) == written,
                        "a restored state changes on its second write");
  return 0;
}
