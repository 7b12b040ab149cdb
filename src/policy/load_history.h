// The forecasting policy's per-minute load history (PolicyState::LoadHistory): how many
// minutes it keeps, how a missing minute is filled, and how minutes read elsewhere (a
// Prometheus range query, at a warm start) join the ones Limiar kept.
#ifndef LIMIAR_POLICY_LOAD_HISTORY_H_
#define LIMIAR_POLICY_LOAD_HISTORY_H_

#include <cstddef>
#include <span>

#include "absl/time/time.h"
#include "src/policy/cron.h"  // MinuteOf
#include "src/policy/policy.h"
#include "src/policy/policy_config.h"

namespace limiar::policy {

// The minutes of history `config` keeps per metric (at least one).
size_t LoadHistoryCap(const Forecasting& config);

// The value of a minute without one, given the minutes before it (at least one): the same
// minute a day before when they reach that far, else the minute before. Filled so, a
// history stays evenly spaced and its daily season aligned.
double GapFill(std::span<const double> before);

// `kept` joined with `read`: minutes starting at `first_minute`, NaN where the source had no
// value. Each minute keeps the kept value when `kept` has that minute, else takes the read
// one; a minute neither has, between two that have one, is filled by GapFill; minutes
// before the first value are dropped; the newest `cap` minutes are kept.
PolicyState::LoadHistory MergeLoadHistory(const PolicyState::LoadHistory& kept,
                                          absl::Time first_minute, std::span<const double> read,
                                          size_t cap);

// Minute starts, `to` excluded.
struct MinuteSpan {
  absl::Time from;
  absl::Time to;
  bool empty() const { return to <= from; }
};

// What a warm start at `now` reads for a history of `cap` minutes: the `cap` completed
// minutes before now's, less the ones at the start that `kept` already has; empty when it
// has them all.
MinuteSpan MinutesToRead(const PolicyState::LoadHistory& kept, absl::Time now, size_t cap);

}  // namespace limiar::policy

#endif  // LIMIAR_POLICY_LOAD_HISTORY_H_
