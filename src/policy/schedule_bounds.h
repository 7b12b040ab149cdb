// Replica bounds in force at a moment: the target's replicas_min/max narrowed by the
// schedules active then. Pure.
#ifndef LIMIAR_POLICY_SCHEDULE_BOUNDS_H_
#define LIMIAR_POLICY_SCHEDULE_BOUNDS_H_

#include <cstdint>

#include "absl/time/time.h"
#include "src/policy/policy_config.h"

namespace limiar::policy {

struct EffectiveBounds {
  int32_t min_replicas = 0;
  int32_t max_replicas = 0;
  // The schedules that raised the floor / lowered the ceiling; null when none did.
  const Schedule* floor_schedule = nullptr;
  const Schedule* ceiling_schedule = nullptr;
  // When the window of each ends (a recurring schedule's current window).
  absl::Time floor_until;
  absl::Time ceiling_until;
};

// A schedule is active on [start, start + duration); a recurring one on [match, match +
// duration) for each match of its cron expression in its time zone. Floors: the highest active
// `minimo` above replicas_min wins; ceilings: the lowest active `maximo` below replicas_max. Where
// an active floor exceeds an active ceiling the floor wins: a schedule that asks for
// capacity is there to protect an event, and running short is the costlier mistake.
EffectiveBounds BoundsAt(const TargetPolicy& config, absl::Time now);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_SCHEDULE_BOUNDS_H_
