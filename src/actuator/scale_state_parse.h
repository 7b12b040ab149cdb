// Reading a ScaleState that a platform reports, for the exec and webhook actuators.
#ifndef LIMIAR_ACTUATOR_SCALE_STATE_PARSE_H_
#define LIMIAR_ACTUATOR_SCALE_STATE_PARSE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/actuator/actuator.h"

namespace limiar::actuator {

// `{"spec_replicas": 3, "ready_replicas": 2}`: both keys required, non-negative integers
// within int32; other keys are ignored so that a platform may add its own.
absl::StatusOr<ScaleState> ParseScaleStateJson(absl::string_view text);

// Either the JSON above, or two non-negative integers separated by blanks: `3 2`
// (spec, then ready). Leading and trailing whitespace is ignored.
absl::StatusOr<ScaleState> ParseScaleStateText(absl::string_view text);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_SCALE_STATE_PARSE_H_
