// A scraped /metrics body is a peer's bytes: both parsers must turn any of them into a
// result or a line error, within the body's own size in memory.
#include <cstddef>
#include <cstdint>

#include "src/metrics/prometheus_text.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = limiar::fuzz::AsText(data, size);
  (void)limiar::metrics::ParsePrometheusText(text);
  const limiar::metrics::ParsedExposition lenient =
      limiar::metrics::ParsePrometheusTextLenient(text, /*max_errors=*/10);
  limiar::fuzz::Require(lenient.errors.size() <= 10, "lenient parse kept more errors than asked");
  return 0;
}
