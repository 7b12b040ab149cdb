#include "src/controller/takeover_state.h"

#include <gtest/gtest.h>

namespace limiar::controller {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

policy::PolicyState::Point At(int s, int32_t value) { return {kT0 + absl::Seconds(s), value}; }

std::vector<int> Times(const std::vector<policy::PolicyState::Point>& points) {
  std::vector<int> out;
  for (const auto& p : points) out.push_back(static_cast<int>(absl::ToInt64Seconds(p.time - kT0)));
  return out;
}

TEST(MergeTakeoverStateTest, OwnRecentHistoryTheLeadersOlderOneAndItsScaleEvents) {
  TargetState leader;
  leader.mode = policy::Mode::kDryRun;
  leader.replicas = 8;
  leader.policy.hpa_history_started = true;
  // The leader wrote at t=60: history since t=0, a scale-up at t=30.
  leader.policy.recommendations = {At(0, 8), At(15, 8), At(30, 8), At(45, 8), At(60, 8)};
  leader.policy.scale_up_events = {At(30, 4)};
  leader.policy.last_scale_up = kT0 + absl::Seconds(30);
  leader.policy.consecutive_failures = 2;

  TargetState own;  // started at t=45, followed until the takeover at t=90
  own.policy.hpa_history_started = true;
  own.policy.recommendations = {At(45, 8), At(60, 8), At(75, 5), At(90, 5)};

  const std::map<std::string, TargetState> merged =
      MergeTakeoverState({{"web", own}, {"api", own}}, {{"web", leader}});
  const TargetState& web = merged.at("web");
  // The leader's before t=45, then this copy's own (t=75 and t=90 only it knows).
  EXPECT_EQ(Times(web.policy.recommendations), (std::vector<int>{0, 15, 30, 45, 60, 75, 90}));
  EXPECT_EQ(web.policy.recommendations[5].value, 5);
  // What only the leader knew: its scale events, its cooldown, its mode and count.
  EXPECT_EQ(Times(web.policy.scale_up_events), (std::vector<int>{30}));
  EXPECT_EQ(web.policy.last_scale_up, kT0 + absl::Seconds(30));
  EXPECT_EQ(web.mode, policy::Mode::kDryRun);
  EXPECT_EQ(web.replicas, 8);
  EXPECT_EQ(web.policy.consecutive_failures, 2);
  // A target the leader did not write keeps this copy's state.
  EXPECT_EQ(Times(merged.at("api").policy.recommendations), (std::vector<int>{45, 60, 75, 90}));
  EXPECT_FALSE(merged.at("api").policy.last_scale_up.has_value());
}

TEST(MergeTakeoverStateTest, ACopyWithNoHistoryYetTakesTheLeadersWhole) {
  TargetState leader;
  leader.policy.recommendations = {At(0, 3), At(15, 4)};
  leader.policy.kpa = {{.started = true, .delay_window = {At(0, 3), At(2, 4)}}};
  TargetState own;
  own.policy.kpa = {{}};
  const TargetState merged = MergeTakeoverState({{"web", own}}, {{"web", leader}}).at("web");
  EXPECT_EQ(Times(merged.policy.recommendations), (std::vector<int>{0, 15}));
  EXPECT_EQ(Times(merged.policy.kpa[0].delay_window), (std::vector<int>{0, 2}));
  EXPECT_TRUE(merged.policy.kpa[0].started);
}

}  // namespace
}  // namespace limiar::controller
