#include "src/policy/schedule_bounds.h"

#include <algorithm>
#include <optional>

#include "src/policy/cron.h"

namespace limiar::policy {

std::optional<absl::Time> RecurringWindows::StartAt(const TargetPolicy& config, size_t index,
                                                    absl::Time now) {
  const Schedule& s = config.schedules[index];
  if (seen_.size() != config.schedules.size()) seen_.assign(config.schedules.size(), Seen{});
  Seen& seen = seen_[index];
  seen.start = CronWindowStartSince(*s.cron, s.time_zone, s.duration, now, seen.then, seen.start);
  seen.then = now;
  return seen.start;
}

EffectiveBounds BoundsAt(const TargetPolicy& config, absl::Time now, RecurringWindows* windows) {
  EffectiveBounds b;
  b.min_replicas = config.min_replicas;
  b.max_replicas = config.max_replicas;
  for (size_t i = 0; i < config.schedules.size(); ++i) {
    const Schedule& s = config.schedules[i];
    std::optional<absl::Time> start = s.start;
    if (s.cron) {
      start = windows != nullptr ? windows->StartAt(config, i, now)
                                 : CronWindowStart(*s.cron, s.time_zone, s.duration, now);
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
