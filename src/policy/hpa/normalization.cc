#include "src/policy/hpa/normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "src/policy/hpa/replica_calculator.h"

namespace limiar::policy::hpa {
namespace {

// Inside a window/period of length w: strictly younger than w.
bool Within(absl::Time t, absl::Time cutoff) { return t > cutoff; }

int32_t ClampToInt32(int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

// Go's int32(x) on a float, saturated instead of undefined when out of range.
int32_t TruncToInt32(double x) {
  if (std::isnan(x)) return 0;
  return ClampToInt32(static_cast<int64_t>(std::clamp(x, -9.0e18, 9.0e18)));
}

// Replicas at the start of the policy's period: undo what the period already did.
int64_t PeriodStart(int32_t current, const RatePolicy& policy,
                    absl::Span<const ScaleEvent> scale_up_events,
                    absl::Span<const ScaleEvent> scale_down_events, absl::Time now) {
  return static_cast<int64_t>(current) -
         ReplicasChangeInPeriod(policy.period, scale_up_events, now) +
         ReplicasChangeInPeriod(policy.period, scale_down_events, now);
}

}  // namespace

absl::Duration LongestPolicyPeriod(const ScalingRules& rules) {
  absl::Duration longest = absl::ZeroDuration();
  for (const RatePolicy& p : rules.policies) longest = std::max(longest, p.period);
  return longest;
}

const char* LimitReasonName(LimitReason reason) {
  switch (reason) {
    case LimitReason::kDesiredWithinRange:
      return "DesiredWithinRange";
    case LimitReason::kScaleUpLimit:
      return "ScaleUpLimit";
    case LimitReason::kScaleDownLimit:
      return "ScaleDownLimit";
    case LimitReason::kTooFewReplicas:
      return "TooFewReplicas";
    case LimitReason::kTooManyReplicas:
      return "TooManyReplicas";
  }
  return "?";
}

int32_t StabilizeLegacy(std::vector<TimestampedRecommendation>& history, int32_t desired,
                        absl::Duration window, absl::Time now) {
  const absl::Time cutoff = now - window;
  int32_t stabilized = desired;
  int old_index = -1;
  for (size_t i = 0; i < history.size(); ++i) {
    if (!Within(history[i].timestamp, cutoff)) {
      old_index = static_cast<int>(i);
    } else {
      stabilized = std::max(stabilized, history[i].replicas);
    }
  }
  // Reusing an expired slot keeps the history as long as the window needs, no longer.
  if (old_index >= 0) {
    history[old_index] = {desired, now};
  } else {
    history.push_back({desired, now});
  }
  return stabilized;
}

int32_t LegacyScaleUpLimit(int32_t current, double factor, double minimum) {
  return TruncToInt32(std::max(factor * static_cast<double>(current), minimum));
}

Limited ClampLegacy(int32_t current, int32_t desired, int32_t min_replicas, int32_t max_replicas,
                    double scale_up_limit_factor, double scale_up_limit_minimum) {
  // Guards against a bogus usage spike multiplying the count at once (kubernetes #32304).
  const int32_t scale_up_limit =
      LegacyScaleUpLimit(current, scale_up_limit_factor, scale_up_limit_minimum);
  int32_t upper = max_replicas;
  LimitReason upper_reason = LimitReason::kTooManyReplicas;
  if (max_replicas > scale_up_limit) {
    upper = scale_up_limit;
    upper_reason = LimitReason::kScaleUpLimit;
  }
  if (desired < min_replicas) return {min_replicas, LimitReason::kTooFewReplicas};
  if (desired > upper) return {upper, upper_reason};
  return {desired, LimitReason::kDesiredWithinRange};
}

int32_t StabilizeWithBehavior(std::vector<TimestampedRecommendation>& history, int32_t current,
                              int32_t desired, absl::Duration up_window, absl::Duration down_window,
                              absl::Time now) {
  const absl::Time up_cutoff = now - up_window;
  const absl::Time down_cutoff = now - down_window;
  int32_t up = desired;
  int32_t down = desired;
  int old_index = -1;
  for (size_t i = 0; i < history.size(); ++i) {
    const TimestampedRecommendation& rec = history[i];
    const bool in_up = Within(rec.timestamp, up_cutoff);
    const bool in_down = Within(rec.timestamp, down_cutoff);
    if (in_up) up = std::min(up, rec.replicas);
    if (in_down) down = std::max(down, rec.replicas);
    if (!in_up && !in_down) old_index = static_cast<int>(i);
  }
  // Scale up only as far as every recent recommendation agrees, down only as far as the
  // highest recent one allows.
  int32_t stabilized = std::max(current, up);
  stabilized = std::min(stabilized, down);
  if (old_index >= 0) {
    history[old_index] = {desired, now};
  } else {
    history.push_back({desired, now});
  }
  return stabilized;
}

int32_t ReplicasChangeInPeriod(absl::Duration period, absl::Span<const ScaleEvent> events,
                               absl::Time now) {
  const absl::Time cutoff = now - period;
  int64_t sum = 0;
  for (const ScaleEvent& e : events) {
    if (Within(e.timestamp, cutoff)) sum += e.change;
  }
  return ClampToInt32(sum);
}

RateLimit ScaleUpLimit(int32_t current, absl::Span<const ScaleEvent> scale_up_events,
                       absl::Span<const ScaleEvent> scale_down_events, const ScalingRules& rules,
                       absl::Time now) {
  if (rules.select_policy == SelectPolicy::kDisabled) return {current, -1};
  const bool pick_min = rules.select_policy == SelectPolicy::kMin;
  RateLimit result{
      pick_min ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int32_t>::min(), -1};
  for (size_t i = 0; i < rules.policies.size(); ++i) {
    const RatePolicy& p = rules.policies[i];
    const int64_t start = PeriodStart(current, p, scale_up_events, scale_down_events, now);
    int32_t proposed = 0;
    if (p.type == RatePolicyType::kPods) {
      proposed = ClampToInt32(start + p.value);
    } else {
      // Rounded up so that a small percentage of a small count still allows one replica.
      proposed = CeilToReplicas(static_cast<double>(start) * (1 + p.value / 100.0));
    }
    if (pick_min ? proposed < result.replicas : proposed > result.replicas) {
      result = {proposed, static_cast<int>(i)};
    }
  }
  return result;
}

RateLimit ScaleDownLimit(int32_t current, absl::Span<const ScaleEvent> scale_up_events,
                         absl::Span<const ScaleEvent> scale_down_events, const ScalingRules& rules,
                         absl::Time now) {
  if (rules.select_policy == SelectPolicy::kDisabled) return {current, -1};
  // For a scale-down the smallest change ("Min") is the highest count.
  const bool pick_max = rules.select_policy == SelectPolicy::kMin;
  RateLimit result{
      pick_max ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max(), -1};
  for (size_t i = 0; i < rules.policies.size(); ++i) {
    const RatePolicy& p = rules.policies[i];
    const int64_t start = PeriodStart(current, p, scale_up_events, scale_down_events, now);
    int32_t proposed = 0;
    if (p.type == RatePolicyType::kPods) {
      proposed = ClampToInt32(start - p.value);
    } else {
      proposed = TruncToInt32(static_cast<double>(start) * (1 - p.value / 100.0));
    }
    if (pick_max ? proposed > result.replicas : proposed < result.replicas) {
      result = {proposed, static_cast<int>(i)};
    }
  }
  return result;
}

Limited ApplyRateLimits(int32_t current, int32_t desired, int32_t min_replicas,
                        int32_t max_replicas, const HpaBehavior& behavior,
                        absl::Span<const ScaleEvent> scale_up_events,
                        absl::Span<const ScaleEvent> scale_down_events, absl::Time now) {
  if (desired > current) {
    const RateLimit limit =
        ScaleUpLimit(current, scale_up_events, scale_down_events, behavior.scale_up, now);
    // Past events never force a scale-down: the limit is at least the current count.
    const int32_t scale_up_limit = std::max(limit.replicas, current);
    Limited upper{max_replicas, LimitReason::kTooManyReplicas};
    if (max_replicas > scale_up_limit) {
      upper = {scale_up_limit, LimitReason::kScaleUpLimit, limit.policy_index};
    }
    if (desired > upper.replicas) return upper;
  } else if (desired < current) {
    const RateLimit limit =
        ScaleDownLimit(current, scale_up_events, scale_down_events, behavior.scale_down, now);
    const int32_t scale_down_limit = std::min(limit.replicas, current);
    Limited lower{min_replicas, LimitReason::kTooFewReplicas};
    if (min_replicas < scale_down_limit) {
      lower = {scale_down_limit, LimitReason::kScaleDownLimit, limit.policy_index};
    }
    if (desired < lower.replicas) return lower;
  }
  return {desired, LimitReason::kDesiredWithinRange};
}

void StoreScaleEvent(const ScalingRules& rules, std::vector<ScaleEvent>& events, int32_t change,
                     absl::Time now) {
  const absl::Time cutoff = now - LongestPolicyPeriod(rules);
  int old_index = -1;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!Within(events[i].timestamp, cutoff)) events[i].outdated = true;
    if (events[i].outdated) old_index = static_cast<int>(i);
  }
  if (old_index >= 0) {
    events[old_index] = {change, now, false};
  } else {
    events.push_back({change, now, false});
  }
}

void RecordScaleEvent(const HpaBehavior* behavior, std::vector<ScaleEvent>& scale_up_events,
                      std::vector<ScaleEvent>& scale_down_events, int32_t prev, int32_t next,
                      absl::Time now) {
  if (behavior == nullptr || prev == next) return;
  if (next > prev) {
    StoreScaleEvent(behavior->scale_up, scale_up_events, next - prev, now);
  } else {
    StoreScaleEvent(behavior->scale_down, scale_down_events, prev - next, now);
  }
}

}  // namespace limiar::policy::hpa
