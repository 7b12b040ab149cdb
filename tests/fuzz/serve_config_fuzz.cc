// The serve config: every problem must become one error naming its JSON path.
#include <cstddef>
#include <cstdint>
#include <string>

#include "src/serve/serve_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)limiar::serve::ParseServeConfig(std::string(reinterpret_cast<const char*>(data), size),
                                        "fuzz.json");
  return 0;
}
