#include "src/policy/guarded_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/common/plural.h"
#include "src/common/status_macros.h"

namespace limiar::policy {
namespace {

std::string Seconds(absl::Duration d) { return absl::StrCat(absl::ToInt64Seconds(d), "s"); }

// One direction's cooldown: the count stays at `current` while the last scale in
// `direction` ("up" or "down") is more recent than `cooldown`.
void HoldIfCoolingDown(absl::Time now, const std::optional<absl::Time>& last,
                       absl::Duration cooldown, absl::string_view direction,
                       absl::string_view reason, int32_t current, bool explain,
                       Recommendation& rec) {
  if (!last || now - *last >= cooldown) return;
  if (explain) {
    rec.message =
        absl::StrCat("scale-", direction, " to ", rec.desired_replicas, " held at ", current,
                     " by the ", Seconds(cooldown), " scale-", direction, " cooldown (last scale-",
                     direction, " ", Seconds(now - *last), " ago)");
  }
  rec.reason = std::string(reason);
  rec.desired_replicas = current;
}

// "schedule \"black-friday\" holds at least 20 replicas until 2026-11-27T14:00:00Z".
std::string ScheduleMessage(const Schedule& s, const char* what, int32_t replicas,
                            absl::Time until) {
  return absl::StrFormat("schedule \"%s\" %s %s until %s", s.name, what,
                         Counted(replicas, "replica"),
                         absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", until, absl::UTCTimeZone()));
}

}  // namespace

GuardedPolicy::GuardedPolicy(const TargetPolicy& config, std::unique_ptr<Policy> algorithm)
    : config_(config), algorithm_(std::move(algorithm)) {
  if (config_.forecasting) forecast_.emplace(config_);
}

absl::StatusOr<Recommendation> GuardedPolicy::Recommend(const PolicyInput& in) {
  const EffectiveBounds bounds = BoundsAt(config_, in.now, &recurring_windows_);
  bounded_.now = in.now;
  bounded_.current_replicas = in.current_replicas;
  bounded_.ready_replicas = in.ready_replicas;
  bounded_.min_replicas = bounds.min_replicas;
  bounded_.max_replicas = bounds.max_replicas;
  bounded_.metrics = in.metrics;
  bounded_.explain = in.explain;
  ASSIGN_OR_RETURN(Recommendation rec, algorithm_->Recommend(bounded_));
  // The forecast sees every evaluation, the fallback's too, so that its history has no hole.
  if (forecast_) {
    rec.forecast = forecast_->Evaluate(bounded_, bounds.min_replicas, bounds.max_replicas);
  }

  consecutive_failures_ = rec.scaling_active ? 0 : consecutive_failures_ + 1;
  if (config_.fallback && consecutive_failures_ >= config_.fallback->failure_threshold) {
    ApplyFallback(bounded_, rec);
    if (!in.explain) rec.message.clear();
    return rec;
  }

  // Lost data is no evidence of lower load: hold the count, except where the bounds
  // themselves demand less.
  const int32_t hold = std::min(in.current_replicas, bounds.max_replicas);
  if (!rec.scaling_active && rec.desired_replicas < hold) {
    rec.desired_replicas = hold;
    rec.reason = "MetricsUnavailable";
    rec.message = absl::StrCat("no usable metric; holding ", Counted(hold, "replica"),
                               " (missing metrics never scale down)");
  }

  HoldForCooldown(bounded_, bounds.min_replicas, bounds.max_replicas, rec);
  ApplySchedules(in, bounds, rec);

  // Like a schedule floor, the forecast's is reached during a cooldown too: it is there to
  // have the capacity before the load comes.
  if (rec.forecast && rec.forecast->ready && rec.forecast->mode == ForecastMode::kActive &&
      rec.forecast->floor > rec.desired_replicas) {
    rec.desired_replicas = rec.forecast->floor;
    rec.forecast->applied = true;
    rec.reason = "ForecastFloor";
    if (in.explain) rec.message = ForecastSentence(*rec.forecast);
  }
  if (!in.explain) rec.message.clear();
  return rec;
}

void GuardedPolicy::ApplySchedules(const PolicyInput& in, const EffectiveBounds& bounds,
                                   Recommendation& rec) const {
  // The floor is the reason when it, not the metrics, set the count: the metrics asked for
  // less, or the target was below the floor (the algorithm then jumps to it regardless).
  if (bounds.floor_schedule && rec.desired_replicas == bounds.min_replicas &&
      (rec.proposed_replicas < bounds.min_replicas || in.current_replicas < bounds.min_replicas)) {
    rec.reason = "ScheduleFloor";
    rec.message = ScheduleMessage(*bounds.floor_schedule, "holds at least", bounds.min_replicas,
                                  bounds.floor_until);
  } else if (bounds.ceiling_schedule && rec.desired_replicas == bounds.max_replicas &&
             (rec.proposed_replicas > bounds.max_replicas ||
              in.current_replicas > bounds.max_replicas)) {
    rec.reason = "ScheduleCeiling";
    rec.message = ScheduleMessage(*bounds.ceiling_schedule, "caps the count at",
                                  bounds.max_replicas, bounds.ceiling_until);
  }
}

void GuardedPolicy::ApplyFallback(const PolicyInput& in, Recommendation& rec) const {
  const Fallback& f = *config_.fallback;
  int32_t target = f.replicas;
  switch (f.behavior) {
    case FallbackBehavior::kStatic:
      break;
    case FallbackBehavior::kCurrentReplicas:
      target = in.current_replicas;
      break;
    case FallbackBehavior::kIfHigher:
      target = std::max(in.current_replicas, f.replicas);
      break;
    case FallbackBehavior::kIfLower:
      target = std::min(in.current_replicas, f.replicas);
      break;
  }
  target = std::clamp(target, in.min_replicas, in.max_replicas);
  rec.desired_replicas = target;
  rec.reason = kFallbackReason;
  rec.message =
      absl::StrFormat("%s without a usable metric (threshold %d); fallback %s -> %s",
                      Counted(consecutive_failures_, "consecutive evaluation"), f.failure_threshold,
                      FallbackBehaviorName(f.behavior), Counted(target, "replica"));
}

void GuardedPolicy::HoldForCooldown(const PolicyInput& in, int32_t min, int32_t max,
                                    Recommendation& rec) const {
  const int32_t current = in.current_replicas;
  if (rec.desired_replicas > current && current >= min) {
    HoldIfCoolingDown(in.now, last_scale_up_, config_.cooldown_up, "up", "CooldownUp", current,
                      in.explain, rec);
  } else if (rec.desired_replicas < current && current <= max) {
    HoldIfCoolingDown(in.now, last_scale_down_, config_.cooldown_down, "down", "CooldownDown",
                      current, in.explain, rec);
  }
}

void GuardedPolicy::RecordScale(absl::Time now, int32_t from, int32_t to) {
  if (to > from) last_scale_up_ = now;
  if (to < from) last_scale_down_ = now;
  algorithm_->RecordScale(now, from, to);
}

void GuardedPolicy::SaveState(PolicyState& out) const {
  algorithm_->SaveState(out);
  out.last_scale_up = last_scale_up_;
  out.last_scale_down = last_scale_down_;
  out.consecutive_failures = consecutive_failures_;
  if (forecast_) forecast_->Save(out);
}

void GuardedPolicy::RestoreState(const PolicyState& state) {
  algorithm_->RestoreState(state);
  last_scale_up_ = state.last_scale_up;
  last_scale_down_ = state.last_scale_down;
  consecutive_failures_ = state.consecutive_failures;
  if (forecast_) forecast_->Restore(state);
}

}  // namespace limiar::policy
