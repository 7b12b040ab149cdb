// Limiar's additions around an anchor algorithm (hpa or kpa), all off by default:
//   - schedules narrow [min, max] for their window before the algorithm runs;
//   - missing or failed metrics never cause a scale-down (only the bounds can lower it);
//   - after `fallback.failure_threshold` consecutive evaluations without any usable metric,
//     the fallback replica count applies (KEDA's fallback and its four behaviours);
//   - per-direction cooldowns: no scale-up within `cooldown_up` of the last scale-up, no
//     scale-down within `cooldown_down` of the last scale-down (AWS style). Bounds still
//     apply during a cooldown: a schedule floor is reached at once;
//   - the forecasting policy (`previsao`) raises the count to the replicas the forecast load
//     of the next horizon needs, like a schedule floor that follows demand; it never lowers
//     it, and in forecast-only mode it only reports what it would have done.
// Deterministic and clock-free like every Policy.
#ifndef LIMIAR_POLICY_GUARDED_POLICY_H_
#define LIMIAR_POLICY_GUARDED_POLICY_H_

#include <memory>
#include <optional>

#include "src/policy/forecast_floor.h"
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"
#include "src/policy/schedule_bounds.h"

namespace limiar::policy {

// The reason of a decision the fallback count made (what serve's limiar_fallback_active
// tells).
inline constexpr char kFallbackReason[] = "Fallback";

class GuardedPolicy final : public Policy {
 public:
  GuardedPolicy(const TargetPolicy& config, std::unique_ptr<Policy> algorithm);

  // Uses config bounds narrowed by schedules; `in.min_replicas`/`in.max_replicas` are
  // ignored on the way in and set for the algorithm.
  absl::StatusOr<Recommendation> Recommend(const PolicyInput& in) override;
  void RecordScale(absl::Time now, int32_t from, int32_t to) override;
  void SaveState(PolicyState& out) const override;
  void RestoreState(const PolicyState& state) override;

  int32_t consecutive_failures() const { return consecutive_failures_; }

 private:
  void ApplyFallback(const PolicyInput& in, Recommendation& rec) const;
  void HoldForCooldown(const PolicyInput& in, int32_t min, int32_t max, Recommendation& rec) const;
  void ApplySchedules(const PolicyInput& in, const EffectiveBounds& bounds,
                      Recommendation& rec) const;

  const TargetPolicy config_;
  RecurringWindows recurring_windows_;  // of config_'s recurring schedules
  std::unique_ptr<Policy> algorithm_;
  PolicyInput bounded_;  // the caller's input with effective bounds; its metrics a view
  std::optional<ForecastFloor> forecast_;  // with a `previsao`
  int32_t consecutive_failures_ = 0;
  std::optional<absl::Time> last_scale_up_;
  std::optional<absl::Time> last_scale_down_;
};

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_GUARDED_POLICY_H_
