// A count for people: rounded to an integer with thousands separators, no locale, so that
// reports and decision sentences read the same everywhere: 12345.6 -> "12,346".
#ifndef LIMIAR_COMMON_FORMAT_COUNT_H_
#define LIMIAR_COMMON_FORMAT_COUNT_H_

#include <string>

namespace limiar {

// Non-finite values read "n/a".
std::string FormatCount(double v);

}  // namespace limiar

#endif  // LIMIAR_COMMON_FORMAT_COUNT_H_
