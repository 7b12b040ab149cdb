// What a copy of Limiar that has just been elected keeps of its own history and takes of
// its predecessor's (the state the old leader last wrote to the cluster), so that it decides
// as the old leader would have:
//
//   recommendations, KPA windows and panic: its own, which it computed from the same
//     metrics every tick while following (more recent than anything the leader wrote),
//     with the leader's older points added where its own history starts later (a copy
//     started a minute ago has a minute of history; a stabilization window is five);
//   scale events, last scale-up/down (cooldowns), mode: the leader's, which only it knew;
//   consecutive failures: the larger.
//
// Pure; targets the leader did not write keep their own state.
#ifndef LIMIAR_CONTROLLER_TAKEOVER_STATE_H_
#define LIMIAR_CONTROLLER_TAKEOVER_STATE_H_

#include <map>
#include <string>

#include "src/controller/control_loop.h"

namespace limiar::controller {

std::map<std::string, TargetState> MergeTakeoverState(
    const std::map<std::string, TargetState>& own,
    const std::map<std::string, TargetState>& leader);

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_TAKEOVER_STATE_H_
