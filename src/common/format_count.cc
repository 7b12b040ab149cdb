#include "src/common/format_count.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace limiar {

std::string FormatCount(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double r = std::round(v);
  std::string digits = absl::StrFormat("%.0f", std::fabs(r));
  std::string out = (r < 0) ? "-" : "";
  const size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits, 0, lead);
  for (size_t i = lead; i < digits.size(); i += 3) {
    out.push_back(',');
    out.append(digits, i, 3);
  }
  return out;
}

}  // namespace limiar
