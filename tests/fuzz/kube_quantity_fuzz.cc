// Kubernetes quantities come from the API server (PodMetrics usage, pod cpu requests): any
// text must parse or be refused, never crash, and what parses must round consistently.
#include <cstddef>
#include <cstdint>

#include "src/kube/quantity.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::StatusOr<limiar::kube::Quantity> q =
      limiar::kube::ParseQuantity(limiar::fuzz::AsText(data, size));
  if (!q.ok()) return 0;
  const int64_t milli = q->MilliValue();
  const int64_t value = q->Value();
  // Rounding away from zero: a whole unit is never less than its thousandths say.
  limiar::fuzz::Require(q->negative() ? milli <= 0 && value <= 0 : milli >= 0 && value >= 0,
                        "a quantity's sign changed in rounding");
  limiar::fuzz::Require(q->IsZero() == (milli == 0), "zero and MilliValue 0 disagree");
  if (!q->negative() && milli < INT64_MAX / 1000 - 1) {
    limiar::fuzz::Require(value * 1000 >= milli && (value - 1) * 1000 < milli,
                          "Value is not MilliValue rounded up to a whole unit");
  }
  return 0;
}
