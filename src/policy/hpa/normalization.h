// HPA normalization: what happens to the metrics' proposal before it becomes the desired
// replica count (pkg/controller/podautoscaler/horizontal.go). Pure: `now` is an argument
// and the history (recommendations, scale events) is owned by the caller.
//
// Time rule, everywhere below: an item belongs to a window or period of length w iff its
// timestamp is strictly after now - w, so an item whose age equals w is outside (upstream
// stamps items just before it evaluates them).
#ifndef LIMIAR_POLICY_HPA_NORMALIZATION_H_
#define LIMIAR_POLICY_HPA_NORMALIZATION_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::hpa {

struct TimestampedRecommendation {
  int32_t replicas = 0;
  absl::Time timestamp;
};

// One scale of the target; `change` is the (positive) number of replicas added or removed.
struct ScaleEvent {
  int32_t change = 0;
  absl::Time timestamp;
  // Older than the longest policy period: the slot may be reused by the next event.
  bool outdated = false;
};

// HPA's ScalingLimited reasons.
enum class LimitReason {
  kDesiredWithinRange,
  kScaleUpLimit,
  kScaleDownLimit,
  kTooFewReplicas,
  kTooManyReplicas,
};
const char* LimitReasonName(LimitReason reason);

struct Limited {
  int32_t replicas = 0;
  LimitReason reason = LimitReason::kDesiredWithinRange;
  // kScaleUpLimit / kScaleDownLimit on the behavior path: the index of the rate policy
  // that set the limit; -1 when selectPolicy is Disabled (and on the legacy path).
  int policy_index = -1;
};

// ---- Legacy path (no `behavior`) ----

// stabilizeRecommendation:
//   stabilized = max(desired, {r in history : r within `window`})
// then records `desired`: it overwrites the last entry found outside the window, else it
// is appended.
int32_t StabilizeLegacy(std::vector<TimestampedRecommendation>& history, int32_t desired,
                        absl::Duration window, absl::Time now);

// calculateScaleUpLimit: int32(max(factor * current, minimum)).
int32_t LegacyScaleUpLimit(int32_t current, double factor, double minimum);

// convertDesiredReplicasWithRules:
//   upper = min(max, LegacyScaleUpLimit(current))   (ScaleUpLimit if the limit binds,
//                                                    TooManyReplicas otherwise)
//   desired < min -> min (TooFewReplicas); desired > upper -> upper; else DesiredWithinRange
Limited ClampLegacy(int32_t current, int32_t desired, int32_t min_replicas, int32_t max_replicas,
                    double scale_up_limit_factor, double scale_up_limit_minimum);

// ---- Behavior path ----

// stabilizeRecommendationWithBehaviors:
//   up   = min(desired, {r within up_window})     down = max(desired, {r within down_window})
//   stabilized = min(max(current, up), down)
// then records `desired`: it overwrites the last entry outside BOTH windows, else appends.
int32_t StabilizeWithBehavior(std::vector<TimestampedRecommendation>& history, int32_t current,
                              int32_t desired, absl::Duration up_window, absl::Duration down_window,
                              absl::Time now);

// getReplicasChangePerPeriod: the sum of `change` over the events within `period`.
int32_t ReplicasChangeInPeriod(absl::Duration period, absl::Span<const ScaleEvent> events,
                               absl::Time now);

struct RateLimit {
  int32_t replicas = 0;
  int policy_index = -1;  // the policy selected; -1 when selectPolicy is Disabled
};

// calculateScaleUpLimitWithScalingRules. Per policy:
//   start = current - added_in_period + removed_in_period
//   Pods: start + value        Percent: ceil(start * (1 + value / 100))
// selectPolicy Max takes the largest, Min the smallest; Disabled returns `current`.
RateLimit ScaleUpLimit(int32_t current, absl::Span<const ScaleEvent> scale_up_events,
                       absl::Span<const ScaleEvent> scale_down_events, const ScalingRules& rules,
                       absl::Time now);

// calculateScaleDownLimitWithBehaviors. Per policy:
//   start = current - added_in_period + removed_in_period
//   Pods: start - value        Percent: trunc(start * (1 - value / 100))
// selectPolicy Max takes the smallest (the largest change), Min the largest; Disabled
// returns `current`.
RateLimit ScaleDownLimit(int32_t current, absl::Span<const ScaleEvent> scale_up_events,
                         absl::Span<const ScaleEvent> scale_down_events, const ScalingRules& rules,
                         absl::Time now);

// convertDesiredReplicasWithBehaviorRate, for an already stabilized `desired`:
//   up:   upper = min(max, max(current, ScaleUpLimit))  -> ScaleUpLimit / TooManyReplicas
//   down: lower = max(min, min(current, ScaleDownLimit)) -> ScaleDownLimit / TooFewReplicas
// Scale-down windows in `behavior` are not read here.
Limited ApplyRateLimits(int32_t current, int32_t desired, int32_t min_replicas,
                        int32_t max_replicas, const HpaBehavior& behavior,
                        absl::Span<const ScaleEvent> scale_up_events,
                        absl::Span<const ScaleEvent> scale_down_events, absl::Time now);

// getLongestPolicyPeriod: the longest period among the rules' policies (0 without any).
absl::Duration LongestPolicyPeriod(const ScalingRules& rules);

// storeScaleEvent for one direction's list: events older than the longest policy period
// of `rules` are marked outdated; the new event overwrites the last outdated slot, else it
// is appended.
void StoreScaleEvent(const ScalingRules& rules, std::vector<ScaleEvent>& events, int32_t change,
                     absl::Time now);

// storeScaleEvent: records the scale prev -> next in the list of its direction (a scale-up
// in `scale_up_events`). Nothing is stored without a behavior (the legacy path never reads
// events) or when prev == next.
void RecordScaleEvent(const HpaBehavior* behavior, std::vector<ScaleEvent>& scale_up_events,
                      std::vector<ScaleEvent>& scale_down_events, int32_t prev, int32_t next,
                      absl::Time now);

}  // namespace limiar::policy::hpa

#endif  // LIMIAR_POLICY_HPA_NORMALIZATION_H_
