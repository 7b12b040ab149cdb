// Scenario files are shared and downloaded: any bytes must parse or be reported. Relative
// blueprint and trace paths resolve in a folder that does not exist, so the fuzzer explores
// the scenario's own grammar (and inline blueprints), not the file system.
#include <cstddef>
#include <cstdint>

#include "src/sim/engine/scenario.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)limiar::sim::ParseScenario(limiar::fuzz::AsText(data, size), "fuzz.json",
                                   "/nonexistent/limiar-fuzz");
  return 0;
}
