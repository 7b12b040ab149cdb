// Kubernetes resource quantities ("250m", "1500000n", "2Gi", "1e3", "0.5"), parsed exactly as
// apimachinery's resource.ParseQuantity reads them and read back as its ScaledValue does.
//
//   quantity = [+-] digits [ "." digits ] suffix        (at least one digit)
//   suffix   = "" | n u m k M G T P E                   (10^-9 .. 10^18)
//            | Ki Mi Gi Ti Pi Ei                        (2^10 .. 2^60)
//            | (e|E) [+-] digits                        (10^exponent)
//
//   value          = sign * digits * 10^(suffix_exponent - fraction_digits) * 1024^binary
//   ScaledCeil(s)  = ceil(value / 10^s), rounded away from zero like inf.RoundUp,
//                    saturating at +-(2^63 - 1)
//
// The HPA reads cpu as MilliValue (ScaledCeil(-3)): "1500000n" is 2 millicores, "250m" 250,
// "0.5" 500; memory as Value (ScaledCeil(0)): "2Gi" is 2147483648. The digits are kept as
// text and scaled with decimal arithmetic, so rounding is exact however many there are.
// Pure and thread-compatible.
#ifndef LIMIAR_KUBE_QUANTITY_H_
#define LIMIAR_KUBE_QUANTITY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar::kube {

// Longer text is refused: Kubernetes' own canonical forms are far shorter.
inline constexpr size_t kMaxQuantityLength = 128;

class Quantity {
 public:
  // MilliValue: 1 cpu = 1000.
  int64_t MilliValue() const { return ScaledCeil(-3); }
  // Value: bytes, or whole cpus rounded up.
  int64_t Value() const { return ScaledCeil(0); }
  // ceil(value / 10^scale), away from zero, saturating at +-(2^63 - 1).
  int64_t ScaledCeil(int scale) const;
  // The nearest double (for display and for values that do not fit a scale).
  double ToDouble() const;
  bool negative() const { return negative_; }
  bool IsZero() const { return digits_.empty(); }

 private:
  friend absl::StatusOr<Quantity> ParseQuantity(absl::string_view text);

  bool negative_ = false;
  std::string digits_;    // decimal, no leading zeros; empty for zero
  int exponent10_ = 0;    // value = digits_ * 10^exponent10_ * 1024^binary_power_
  int binary_power_ = 0;  // 0..6
};

// InvalidArgument saying what is wrong with `text` and what a quantity looks like.
absl::StatusOr<Quantity> ParseQuantity(absl::string_view text);

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_QUANTITY_H_
