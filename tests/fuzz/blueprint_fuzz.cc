// A blueprint is read at start-up and on every reload, from a file an operator may not
// have written: any bytes must load or be reported, never crash the service.
#include <cstddef>
#include <cstdint>

#include "src/policy/blueprint/blueprint_loader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)limiar::policy::blueprint::LoadBlueprintText(limiar::fuzz::AsText(data, size), "fuzz.json");
  return 0;
}
