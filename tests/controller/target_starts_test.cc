// Each target's starting count: the saved one clamped into the target's bounds, else its
// minimum; and its autoscale resource.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/controller/state_file.h"

namespace limiar::controller {
namespace {

policy::TargetPolicy Target(const std::string& name, int32_t min, int32_t max) {
  policy::TargetPolicy t;
  t.target = name;
  t.min_replicas = min;
  t.max_replicas = max;
  t.metrics.resize(1);
  t.metrics[0].autoscale_resource = name + "-deploy";
  return t;
}

TargetState Saved(int32_t replicas) {
  TargetState s;
  s.replicas = replicas;
  return s;
}

TEST(TargetStartsTest, SavedCountsAreClampedIntoTheBounds) {
  struct Case {
    const char* name;
    std::optional<int32_t> saved;  // nullopt: not in the state file
    int32_t want;
  };
  // Bounds [2, 10] for every case.
  const Case cases[] = {
      {"no saved state: the minimum", std::nullopt, 2},
      {"never observed (-1): the minimum", -1, 2},
      {"within the bounds: kept", 7, 7},
      {"at the minimum: kept", 2, 2},
      {"below the minimum (bounds raised while stopped): 0 -> 2", 0, 2},
      {"above the maximum (bounds lowered while stopped): 25 -> 10", 25, 10},
  };
  for (const Case& c : cases) {
    std::map<std::string, TargetState> saved;
    if (c.saved) saved["web"] = Saved(*c.saved);
    const std::map<std::string, actuator::TargetStart> starts =
        TargetStarts({Target("web", 2, 10)}, saved);
    ASSERT_EQ(starts.size(), 1u) << c.name;
    EXPECT_EQ(starts.at("web").replicas, c.want) << c.name;
    EXPECT_EQ(starts.at("web").resource, "web-deploy") << c.name;
  }
}

TEST(TargetStartsTest, OnlyTheBlueprintsTargetsStart) {
  // A saved target the blueprint no longer has is left out.
  const std::map<std::string, actuator::TargetStart> starts = TargetStarts(
      {Target("web", 1, 5), Target("api", 3, 3)}, {{"web", Saved(4)}, {"gone", Saved(9)}});
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts.at("web").replicas, 4);
  EXPECT_EQ(starts.at("api").replicas, 3);
  EXPECT_FALSE(starts.contains("gone"));
}

}  // namespace
}  // namespace limiar::controller
