// The `authorization: Bearer TOKEN` check shared by every service that takes a token (admin
// calls, metric push). The comparison takes the same time wherever the first difference is,
// so that a token cannot be guessed byte by byte from response times.
#ifndef LIMIAR_COMMON_BEARER_TOKEN_H_
#define LIMIAR_COMMON_BEARER_TOKEN_H_

#include "absl/strings/string_view.h"

namespace limiar {

// True when `authorization` is "Bearer " followed by exactly `token`.
bool BearerTokenMatches(absl::string_view authorization, absl::string_view token);

}  // namespace limiar

#endif  // LIMIAR_COMMON_BEARER_TOKEN_H_
