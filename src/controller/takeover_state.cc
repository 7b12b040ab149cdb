#include "src/controller/takeover_state.h"

#include <algorithm>
#include <vector>

namespace limiar::controller {
namespace {

using Points = std::vector<policy::PolicyState::Point>;

// The leader's points from before `own` starts, then `own`: a history as long as the
// leader's, as recent as this copy's.
Points Prepend(const Points& leader, const Points& own) {
  if (own.empty()) return leader;
  Points out;
  for (const policy::PolicyState::Point& p : leader) {
    if (p.time < own.front().time) out.push_back(p);
  }
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

}  // namespace

std::map<std::string, TargetState> MergeTakeoverState(
    const std::map<std::string, TargetState>& own,
    const std::map<std::string, TargetState>& leader) {
  std::map<std::string, TargetState> out = own;
  for (auto& [target, mine] : out) {
    const auto theirs = leader.find(target);
    if (theirs == leader.end()) continue;
    const policy::PolicyState& l = theirs->second.policy;
    policy::PolicyState& m = mine.policy;
    m.hpa_history_started = m.hpa_history_started || l.hpa_history_started;
    m.recommendations = Prepend(l.recommendations, m.recommendations);
    if (m.kpa.size() == l.kpa.size()) {
      for (size_t i = 0; i < m.kpa.size(); ++i) {
        m.kpa[i].delay_window = Prepend(l.kpa[i].delay_window, m.kpa[i].delay_window);
        m.kpa[i].started = m.kpa[i].started || l.kpa[i].started;
      }
    }
    m.scale_up_events = l.scale_up_events;
    m.scale_down_events = l.scale_down_events;
    m.last_scale_up = l.last_scale_up;
    m.last_scale_down = l.last_scale_down;
    m.consecutive_failures = std::max(m.consecutive_failures, l.consecutive_failures);
    mine.mode = theirs->second.mode;
    if (theirs->second.replicas >= 0) mine.replicas = theirs->second.replicas;
  }
  return out;
}

}  // namespace limiar::controller
