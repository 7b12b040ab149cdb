#include "src/actuator/scale_state_parse.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/bounded_json.h"
#include "src/common/excerpt.h"

namespace limiar::actuator {
namespace {

// Quotes at most 80 bytes of what the platform sent, so an error stays one readable line.
std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", Excerpt(absl::StripAsciiWhitespace(text), 80), "\"");
}

absl::StatusOr<int32_t> ReadCount(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return absl::InvalidArgumentError(absl::StrCat("missing \"", key, "\""));
  if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
      it->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", key, "\" must be a non-negative integer, got ", DescribeJsonValue(*it)));
  }
  return static_cast<int32_t>(it->get<int64_t>());
}

}  // namespace

absl::StatusOr<ScaleState> ParseScaleStateJson(absl::string_view text) {
  absl::StatusOr<nlohmann::json> doc = ParseBoundedJson(text, kScaleStateJsonLimits, "scale state");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a JSON object {\"spec_replicas\": N, \"ready_replicas\": N}, got ",
                     Quoted(text)));
  }
  ScaleState state;
  absl::StatusOr<int32_t> spec = ReadCount(*doc, "spec_replicas");
  if (!spec.ok()) return spec.status();
  absl::StatusOr<int32_t> ready = ReadCount(*doc, "ready_replicas");
  if (!ready.ok()) return ready.status();
  state.spec_replicas = *spec;
  state.ready_replicas = *ready;
  return state;
}

absl::StatusOr<ScaleState> ParseScaleStateText(absl::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (absl::StartsWith(trimmed, "{")) return ParseScaleStateJson(trimmed);
  std::vector<absl::string_view> fields =
      absl::StrSplit(trimmed, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  ScaleState state;
  if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &state.spec_replicas) ||
      !absl::SimpleAtoi(fields[1], &state.ready_replicas) || state.spec_replicas < 0 ||
      state.ready_replicas < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected \"SPEC READY\" (two non-negative integers) or a JSON object, got ",
                     Quoted(text)));
  }
  return state;
}

}  // namespace limiar::actuator
