#include "src/kube/quantity.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace limiar::kube {
namespace {

// Exponents past this change nothing (the value saturates or rounds up to one unit) and
// would make the decimal arithmetic long: clamped.
constexpr int kMaxExponent = 1000;

struct Suffix {
  absl::string_view text;
  int exponent10;
  int binary_power;
};
constexpr Suffix kSuffixes[] = {
    {"n", -9, 0}, {"u", -6, 0}, {"m", -3, 0}, {"k", 3, 0},  {"M", 6, 0},
    {"G", 9, 0},  {"T", 12, 0}, {"P", 15, 0}, {"E", 18, 0}, {"Ki", 0, 1},
    {"Mi", 0, 2}, {"Gi", 0, 3}, {"Ti", 0, 4}, {"Pi", 0, 5}, {"Ei", 0, 6},
};

absl::Status Invalid(absl::string_view text, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "quantity \"", text, "\": ", what,
      "; a quantity is a number with an optional suffix: n u m k M G T P E, Ki Mi Gi Ti Pi Ei, "
      "or e<exponent> (e.g. 250m, 1500000n, 2Gi, 1e3)"));
}

// `decimal` * `factor`, both as decimal text without leading zeros.
std::string MultiplySmall(const std::string& decimal, int factor) {
  std::string out(decimal.size(), '0');
  int carry = 0;
  for (size_t i = decimal.size(); i-- > 0;) {
    const int product = (decimal[i] - '0') * factor + carry;
    out[i] = static_cast<char>('0' + product % 10);
    carry = product / 10;
  }
  return carry > 0 ? absl::StrCat(carry, out) : out;
}

// Parses the exponent of an "e<exponent>" suffix, clamped to +-kMaxExponent.
bool ParseExponent(absl::string_view text, int* exponent) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  int64_t value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    value = std::min<int64_t>(value * 10 + (c - '0'), kMaxExponent);
  }
  *exponent = static_cast<int>(negative ? -value : value);
  return true;
}

}  // namespace

absl::StatusOr<Quantity> ParseQuantity(absl::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  if (text.size() > kMaxQuantityLength) {
    return absl::InvalidArgumentError(absl::StrCat("quantity of ", text.size(), " characters (",
                                                   kMaxQuantityLength, " at most)"));
  }
  Quantity q;
  size_t i = 0;
  if (text[0] == '+' || text[0] == '-') {
    q.negative_ = text[0] == '-';
    i = 1;
  }
  int digit_count = 0;
  int fraction_digits = 0;
  bool in_fraction = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (in_fraction) return Invalid(text, "a second decimal point");
      in_fraction = true;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) break;
    ++digit_count;
    if (in_fraction) ++fraction_digits;
    if (c == '0' && q.digits_.empty()) continue;  // leading zeros carry nothing
    q.digits_.push_back(c);
  }
  if (digit_count == 0) return Invalid(text, "no digits");

  const absl::string_view suffix = text.substr(i);
  int suffix_exponent = 0;
  if (!suffix.empty()) {
    const Suffix* known = std::find_if(std::begin(kSuffixes), std::end(kSuffixes),
                                       [&](const Suffix& s) { return s.text == suffix; });
    if (known != std::end(kSuffixes)) {
      suffix_exponent = known->exponent10;
      q.binary_power_ = known->binary_power;
    } else if ((suffix[0] != 'e' && suffix[0] != 'E') ||
               !ParseExponent(suffix.substr(1), &suffix_exponent)) {
      return Invalid(text, absl::StrCat("unknown suffix \"", suffix, "\""));
    }
  }
  q.exponent10_ =
      std::clamp(suffix_exponent - fraction_digits, -2 * kMaxExponent, 2 * kMaxExponent);
  if (q.digits_.empty()) q.negative_ = false;  // -0 is 0
  return q;
}

int64_t Quantity::ScaledCeil(int scale) const {
  if (digits_.empty()) return 0;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  std::string m = digits_;
  for (int i = 0; i < binary_power_; ++i) m = MultiplySmall(m, 1024);
  const int shift = exponent10_ - scale;  // value / 10^scale = m * 10^shift
  // The integer part of m * 10^shift, and whether anything was cut off below it.
  size_t integer_digits;
  if (shift >= 0) {
    // More than 19 digits cannot fit an int64: saturate before building a long string.
    if (m.size() + static_cast<size_t>(shift) > 19) return negative_ ? -kMax : kMax;
    m.append(static_cast<size_t>(shift), '0');
    integer_digits = m.size();
  } else {
    const size_t cut = static_cast<size_t>(-shift);
    integer_digits = m.size() > cut ? m.size() - cut : 0;
  }
  const bool cut_nonzero = std::any_of(m.begin() + static_cast<std::ptrdiff_t>(integer_digits),
                                       m.end(), [](char c) { return c != '0'; });
  if (integer_digits > 19) return negative_ ? -kMax : kMax;
  unsigned __int128 value = 0;
  for (size_t i = 0; i < integer_digits; ++i)
    value = value * 10 + static_cast<unsigned>(m[i] - '0');
  if (cut_nonzero) value += 1;  // away from zero, as inf.RoundUp
  if (value > static_cast<unsigned __int128>(kMax)) return negative_ ? -kMax : kMax;
  const int64_t magnitude = static_cast<int64_t>(value);
  return negative_ ? -magnitude : magnitude;
}

double Quantity::ToDouble() const {
  if (digits_.empty()) return 0;
  const double mantissa = std::strtod(absl::StrCat(digits_, "e", exponent10_).c_str(), nullptr);
  const double value = mantissa * std::pow(1024.0, binary_power_);
  return negative_ ? -value : value;
}

}  // namespace limiar::kube
