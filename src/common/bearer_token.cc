#include "src/common/bearer_token.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "src/common/regular_file.h"
#include "src/common/status_macros.h"

namespace limiar {

bool BearerTokenMatches(absl::string_view authorization, absl::string_view token) {
  if (!absl::ConsumePrefix(&authorization, "Bearer ")) return false;
  if (authorization.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= authorization[i] ^ token[i];
  return diff == 0;
}

absl::StatusOr<std::string> ReadBearerTokenFile(const std::string& path, absl::string_view what) {
  if (path.empty()) return std::string();
  ASSIGN_OR_RETURN(std::string token, ReadRegularFile(path, kMaxCredentialFileBytes, what));
  token = std::string(absl::StripAsciiWhitespace(token));
  if (token.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " ", path, " is empty"));
  return token;
}

}  // namespace limiar
