// The state file of `limiar serve`: every target's decision history (stabilization
// recommendations, scale events, panic state, cooldown timers) and run-time mode, so that
// a restart, even after `kill -9`, changes no decision. JSON, written atomically (a temp
// file in the same directory, fsync, rename, fsync of the directory): a reader sees the
// old state or the new one, never a torn one.
#ifndef LIMIAR_CONTROLLER_STATE_FILE_H_
#define LIMIAR_CONTROLLER_STATE_FILE_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "src/controller/control_loop.h"

namespace limiar::controller {

struct SavedState {
  absl::Time saved_at;
  std::map<std::string, TargetState> targets;
};

std::string StateToJson(const SavedState& state);
// Errors name the source and the JSON path; the caller decides whether to start fresh.
absl::StatusOr<SavedState> StateFromJson(const std::string& text, const std::string& source);

absl::Status WriteStateFile(const std::string& path, const SavedState& state);
// NotFound when there is no file yet (a first start).
absl::StatusOr<SavedState> ReadStateFile(const std::string& path);

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_STATE_FILE_H_
