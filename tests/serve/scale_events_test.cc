#include "src/serve/scale_events.h"

#include <gtest/gtest.h>

namespace limiar::serve {
namespace {

const kube::ObjectReference kWeb{"apps/v1", "Deployment", "shop", "web"};

controller::Decision Decided(int desired, const std::string& reason, const std::string& why) {
  controller::Decision d;
  d.target = "web";
  d.current_replicas = 2;
  d.desired_replicas = desired;
  d.recommendation.reason = reason;
  d.recommendation.message = why;
  return d;
}

TEST(EventForDecisionTest, InTheHpasWords) {
  controller::Decision d = Decided(4, "ScaleUpLimit", "scale-up limited to 4");
  EXPECT_FALSE(EventForDecision(d, kWeb).has_value());  // decided, not actuated: no event

  d.actuated = true;
  std::optional<kube::EventNote> e = EventForDecision(d, kWeb);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, "Normal");
  EXPECT_EQ(e->reason, "SuccessfulRescale");
  EXPECT_EQ(e->note, "New size: 4; reason: scale-up limited to 4");
  EXPECT_EQ(e->regarding.name, "web");

  d.actuated = false;
  d.actuation_note = "actuator failed: HTTP 503";
  e = EventForDecision(d, kWeb);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, "Warning");
  EXPECT_EQ(e->reason, "FailedRescale");
  EXPECT_EQ(e->note,
            "New size: 4; reason: scale-up limited to 4; error: actuator failed: HTTP 503");

  e = EventForDecision(Decided(2, "FailedGetPodsMetric", "no samples for web"), kWeb);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, "Warning");
  EXPECT_EQ(e->reason, "FailedGetPodsMetric");
  EXPECT_FALSE(EventForDecision(Decided(2, "ReadyForNewScale", "holding"), kWeb).has_value());
  // A follower's note is no failure.
  d.actuation_note = "follower: limiar-a leads";
  EXPECT_FALSE(EventForDecision(d, kWeb).has_value());
}

}  // namespace
}  // namespace limiar::serve
