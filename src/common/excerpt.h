// A peer's text, made safe to quote in an error message or a log line: at most `max` bytes,
// control characters escaped (a body with a newline could otherwise forge log lines), and
// "..." where it was cut. Never quote a peer's value any other way.
#ifndef LIMIAR_COMMON_EXCERPT_H_
#define LIMIAR_COMMON_EXCERPT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace limiar {

std::string Excerpt(absl::string_view text, size_t max = 200);

}  // namespace limiar

#endif  // LIMIAR_COMMON_EXCERPT_H_
