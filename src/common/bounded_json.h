// JSON from a peer (a webhook's answer, a PromQL result, the Kubernetes API) or from a file
// a client names, parsed within limits. nlohmann's parser does not recurse, but a value
// nested 100,000 deep still overflows the stack later (dump, comparison), and a 1 GB answer
// costs its size several times over. So the text is checked first, in one pass without
// recursion: size, then nesting depth outside strings. Parse errors quote at most a short,
// escaped excerpt, never the value.
#ifndef LIMIAR_COMMON_BOUNDED_JSON_H_
#define LIMIAR_COMMON_BOUNDED_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar {

struct JsonLimits {
  size_t max_bytes = 1 << 20;
  int max_depth = 32;  // arrays and objects open at once
};

// OK when `text` is within `limits`; otherwise InvalidArgument saying which limit, at what
// byte offset for depth. Does not check the syntax.
absl::Status CheckJsonLimits(absl::string_view text, const JsonLimits& limits);

// CheckJsonLimits, then the parse. Errors are InvalidArgument and start with `what` (e.g.
// "webhook observe answer"); a syntax error then names its line and column.
absl::StatusOr<nlohmann::json> ParseBoundedJson(absl::string_view text, const JsonLimits& limits,
                                                absl::string_view what);

// nlohmann's message without its "[json.exception.NAME.N] " prefix, and for a syntax error
// without its "parse error at line L, column C: " either.
std::string JsonErrorText(const nlohmann::json::exception& e);

// A syntax error of nlohmann's, for a human. nlohmann's own position is the byte where it
// stopped reading (the "o" of a bare `nome`, the "e" of an unexpected `true`); this is the
// first byte of the token it is about, or the offending byte inside a string or number.
struct JsonSyntaxError {
  int line = 1;         // 1-based
  int column = 1;       // 1-based, in bytes
  std::string message;  // JsonErrorText
};
JsonSyntaxError LocateJsonSyntaxError(absl::string_view text, const nlohmann::json::parse_error& e);

// A parsed value from a peer, described for an error message without dumping it (a
// dump recurses as deep as the value nests, and may be as long as the whole answer):
// numbers, booleans and null as written, a string as a short escaped Excerpt, an array or
// an object by its size ("an array of 3 elements").
std::string DescribeJsonValue(const nlohmann::json& value);

}  // namespace limiar

#endif  // LIMIAR_COMMON_BOUNDED_JSON_H_
