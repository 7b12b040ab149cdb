// The `authorization: Bearer TOKEN` check shared by every service that takes a token (admin
// calls, metric push). The comparison takes the same time wherever the first difference is,
// so that a token cannot be guessed byte by byte from response times.
#ifndef LIMIAR_COMMON_BEARER_TOKEN_H_
#define LIMIAR_COMMON_BEARER_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar {

// True when `authorization` is "Bearer " followed by exactly `token`.
bool BearerTokenMatches(absl::string_view authorization, absl::string_view token);

// A token from its file (`what` names the file in errors): surrounding white space is not
// part of it, and an empty one is a mistake, not "no authentication". An empty `path` is
// no token configured, and gives "".
absl::StatusOr<std::string> ReadBearerTokenFile(const std::string& path, absl::string_view what);

}  // namespace limiar

#endif  // LIMIAR_COMMON_BEARER_TOKEN_H_
