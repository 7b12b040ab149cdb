#include "src/common/bearer_token.h"

#include "absl/strings/strip.h"

namespace limiar {

bool BearerTokenMatches(absl::string_view authorization, absl::string_view token) {
  if (!absl::ConsumePrefix(&authorization, "Bearer ")) return false;
  if (authorization.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= authorization[i] ^ token[i];
  return diff == 0;
}

}  // namespace limiar
