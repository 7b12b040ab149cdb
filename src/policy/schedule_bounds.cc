#include "src/policy/schedule_bounds.h"

#include <algorithm>

namespace limiar::policy {

EffectiveBounds BoundsAt(const TargetPolicy& config, absl::Time now) {
  EffectiveBounds b;
  b.min_replicas = config.min_replicas;
  b.max_replicas = config.max_replicas;
  for (const Schedule& s : config.schedules) {
    if (now < s.start || now >= s.start + s.duration) continue;
    if (s.min_replicas && *s.min_replicas > b.min_replicas) {
      b.min_replicas = *s.min_replicas;
      b.floor_schedule = &s;
    }
    if (s.max_replicas && *s.max_replicas < b.max_replicas) {
      b.max_replicas = *s.max_replicas;
      b.ceiling_schedule = &s;
    }
  }
  if (b.min_replicas > b.max_replicas) {
    b.max_replicas = b.min_replicas;
    b.ceiling_schedule = nullptr;
  }
  return b;
}

}  // namespace limiar::policy
