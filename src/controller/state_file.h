// The state file of `limiar serve`: every target's decision history (stabilization
// recommendations, scale events, panic state, cooldown timers) and run-time mode, so that
// a restart, even after `kill -9`, changes no decision. JSON, written atomically (a temp
// file of a fresh name in the same directory, fsync, rename, fsync of the directory): a
// reader sees the old state or the new one, never a torn one. Read back as hostile input:
// a regular file within kStateFileLimits, integers in range, nothing dated after now.
#ifndef LIMIAR_CONTROLLER_STATE_FILE_H_
#define LIMIAR_CONTROLLER_STATE_FILE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "src/actuator/actuator.h"
#include "src/common/bounded_json.h"
#include "src/controller/control_loop.h"

namespace limiar::controller {

// What a state file may be: 10,000 targets with full histories take a fraction of the
// size, and the format nests 6 levels deep. Checked before parsing.
inline constexpr JsonLimits kStateFileLimits{.max_bytes = 256 << 20, .max_depth = 16};

struct SavedState {
  absl::Time saved_at;
  std::map<std::string, TargetState> targets;
};

std::string StateToJson(const SavedState& state);
// Errors name the source and the JSON path; the caller decides whether to start fresh.
// `now` is the restoring process's time: nothing saved may be dated after it.
absl::StatusOr<SavedState> StateFromJson(const std::string& text, const std::string& source,
                                         absl::Time now);

absl::Status WriteStateFile(const std::string& path, const SavedState& state);
// NotFound when there is no file yet (a first start).
absl::StatusOr<SavedState> ReadStateFile(const std::string& path, absl::Time now);

// What a start makes of the state file: the saved state; or no file yet (a first start,
// `error` OK, `saved` empty); or an unreadable file (`error` says why), which is renamed to
// `set_aside_to` (PATH.unreadable) so that it cannot keep the autoscaler down, yet is kept
// for a post-mortem. Either way without a saved state the start proceeds with a fresh history.
struct StartState {
  std::optional<SavedState> saved;
  absl::Status error;
  std::string set_aside_to;
};
StartState ReadStateFileAtStart(const std::string& path, absl::Time now);

// Each target's count at start and its autoscale resource: what the actuator is created
// with, and told of the targets a reload adds. The count is the saved one clamped into the
// target's [min, max] (a blueprint edited while stopped may have moved the bounds; a count
// outside them would be acted on before the first decision), else min: the saved state is
// only a hint. Pure.
std::map<std::string, actuator::TargetStart> TargetStarts(
    const std::vector<policy::TargetPolicy>& targets,
    const std::map<std::string, TargetState>& saved);

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_STATE_FILE_H_
