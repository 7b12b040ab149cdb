// PolicyInput.explain: a caller that reads no message (a replay keeping no decision) gets
// the same decisions without one.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "src/policy/policy_factory.h"
#include "tests/policy/owned_input.h"
#include "tests/support/policy_builders.h"

namespace limiar::policy {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

// Load per replica over a run of evaluations 15 s apart: a rise (scale-ups, the second
// one held by the cooldown), a plateau and a fall (scale-downs).
const std::vector<double> kLoad = {40, 120, 200, 200, 150, 90, 60, 30, 20, 20, 20, 20};

OwnedInput At(int step, int32_t current, double per_replica) {
  OwnedInput in;
  in.now = kT0 + absl::Seconds(15 * step);
  in.current_replicas = current;
  in.ready_replicas = current;
  in.min_replicas = 1;
  in.max_replicas = 20;
  MetricObservation obs = testing::ReadyReplicas(MetricType::kRequests, current, per_replica,
                                                 in.now, kT0 - absl::Hours(1));
  obs.stable_total = per_replica * current;  // the KPA reads the collector's totals
  obs.panic_total = per_replica * current;
  in.Add(std::move(obs));
  return in;
}

void ExpectSameDecisionsWithoutMessages(Algorithm algorithm) {
  TargetPolicy config = testing::RequestsPolicy(1, 20);
  config.algorithm = algorithm;
  config.cooldown_up = absl::Seconds(20);
  absl::StatusOr<std::unique_ptr<Policy>> told = CreatePolicy(config);
  absl::StatusOr<std::unique_ptr<Policy>> silent = CreatePolicy(config);
  ASSERT_TRUE(told.ok() && silent.ok());
  int32_t current = 2;
  int held = 0;
  for (size_t step = 0; step < kLoad.size(); ++step) {
    OwnedInput in = At(static_cast<int>(step), current, kLoad[step]);
    absl::StatusOr<Recommendation> a = (*told)->Recommend(in);
    in.explain = false;
    absl::StatusOr<Recommendation> b = (*silent)->Recommend(in);
    ASSERT_TRUE(a.ok() && b.ok());
    const std::string where = "step " + std::to_string(step);
    EXPECT_EQ(a->desired_replicas, b->desired_replicas) << where;
    EXPECT_EQ(a->proposed_replicas, b->proposed_replicas) << where;
    EXPECT_EQ(a->reason, b->reason) << where;
    EXPECT_FALSE(a->message.empty()) << where;
    EXPECT_EQ(b->message, "") << where;
    if (a->reason == "CooldownUp") ++held;
    if (a->desired_replicas != current) {
      (*told)->RecordScale(in.now, current, a->desired_replicas);
      (*silent)->RecordScale(in.now, current, a->desired_replicas);
      current = a->desired_replicas;
    }
  }
  EXPECT_GT(held, 0) << "the run never met the cooldown";
}

TEST(ExplainTest, HpaDecidesTheSameWithoutMessages) {
  ExpectSameDecisionsWithoutMessages(Algorithm::kHpa);
}

TEST(ExplainTest, KpaDecidesTheSameWithoutMessages) {
  ExpectSameDecisionsWithoutMessages(Algorithm::kKpa);
}

}  // namespace
}  // namespace limiar::policy
