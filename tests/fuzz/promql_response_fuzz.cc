// A PromQL /api/v1/query or /api/v1/query_range answer is a peer's bytes. The first byte
// picks the HTTP status the answer came with (success and Prometheus' error statuses take
// different paths) and whether null values count as 0; the rest is the body, read as both.
#include <cstddef>
#include <cstdint>

#include "src/metrics/promql/promql_client.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr long kStatuses[] = {200, 400, 422, 503, 401, 404, 429, 302};
  const long status = kStatuses[data[0] % 8];
  const bool ignore_null_values = (data[0] & 0x80) != 0;
  const auto body = limiar::fuzz::AsText(data + 1, size - 1);
  (void)limiar::metrics::ParsePromQlResponse(status, body, ignore_null_values);
  (void)limiar::metrics::ParsePromQlRangeResponse(status, body);
  return 0;
}
