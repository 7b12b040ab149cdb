#include "src/policy/schedule_bounds.h"

#include <algorithm>
#include <optional>

namespace limiar::policy {

EffectiveBounds BoundsAt(const TargetPolicy& config, absl::Time now) {
  EffectiveBounds b;
  b.min_replicas = config.min_replicas;
  b.max_replicas = config.max_replicas;
  for (const Schedule& s : config.schedules) {
    std::optional<absl::Time> start = s.start;
    if (s.cron) {
      start = CronWindowStart(*s.cron, s.time_zone, s.duration, now);
    } else if (now < s.start || now >= s.start + s.duration) {
      start.reset();
    }
    if (!start) continue;
    if (s.min_replicas && *s.min_replicas > b.min_replicas) {
      b.min_replicas = *s.min_replicas;
      b.floor_schedule = &s;
      b.floor_until = *start + s.duration;
    }
    if (s.max_replicas && *s.max_replicas < b.max_replicas) {
      b.max_replicas = *s.max_replicas;
      b.ceiling_schedule = &s;
      b.ceiling_until = *start + s.duration;
    }
  }
  if (b.min_replicas > b.max_replicas) {
    b.max_replicas = b.min_replicas;
    b.ceiling_schedule = nullptr;
  }
  return b;
}

}  // namespace limiar::policy
