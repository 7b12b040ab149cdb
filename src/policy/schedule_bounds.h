// Replica bounds in force at a moment: the target's replicas_min/max narrowed by the
// schedules active then. Pure, but for what RecurringWindows remembers to save work.
#ifndef LIMIAR_POLICY_SCHEDULE_BOUNDS_H_
#define LIMIAR_POLICY_SCHEDULE_BOUNDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

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
//
// `windows`, when given, remembers each recurring schedule's window between calls for one
// config (a policy's own): with `now` rising, as evaluations go, a call converts only the
// minutes since the call before instead of the whole window's. The answer is the same.
class RecurringWindows;
EffectiveBounds BoundsAt(const TargetPolicy& config, absl::Time now,
                         RecurringWindows* windows = nullptr);

class RecurringWindows {
 public:
  // The start of the window of `config.schedules[index]` (a recurring one) covering `now`.
  std::optional<absl::Time> StartAt(const TargetPolicy& config, size_t index, absl::Time now);

 private:
  struct Seen {
    absl::Time then = absl::InfiniteFuture();  // never: the first call looks at every minute
    std::optional<absl::Time> start;
  };
  std::vector<Seen> seen_;
};

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_SCHEDULE_BOUNDS_H_
