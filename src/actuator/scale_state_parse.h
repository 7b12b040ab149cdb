// Reading a ScaleState that a platform reports, for the exec and webhook actuators.
#ifndef LIMIAR_ACTUATOR_SCALE_STATE_PARSE_H_
#define LIMIAR_ACTUATOR_SCALE_STATE_PARSE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/actuator/actuator.h"
#include "src/common/bounded_json.h"

namespace limiar::actuator {

// What a scale state answer may be: room for a platform's own keys, no more nesting than
// such an object needs. Checked before parsing (bounded_json.h).
inline constexpr JsonLimits kScaleStateJsonLimits{.max_bytes = 1 << 20, .max_depth = 32};

// `{"spec_replicas": 3, "ready_replicas": 2}`: both keys required, non-negative integers
// within int32; other keys are ignored so that a platform may add its own. Text past
// kScaleStateJsonLimits is refused before parsing. Errors are InvalidArgument and never
// quote more than a short escaped excerpt of the text.
absl::StatusOr<ScaleState> ParseScaleStateJson(absl::string_view text);

// Either the JSON above, or two non-negative integers separated by blanks: `3 2`
// (spec, then ready). Leading and trailing whitespace is ignored.
absl::StatusOr<ScaleState> ParseScaleStateText(absl::string_view text);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_SCALE_STATE_PARSE_H_
