#include "src/policy/fast_path.h"

#include <gtest/gtest.h>

#include <limits>

namespace limiar::policy {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

struct Case {
  const char* name;
  Algorithm algorithm;
  double capacity;       // per replica
  double target_pct;     // of capacity
  double panic_pct;      // kpa panic threshold
  double fast_path_pct;  // serve config; <= 0: off
  double want;
};

// target_value = capacity x target_pct / 100; trigger = target_value x the lower of the
// fast-path multiple and (kpa only) the panic threshold, / 100.
const Case kCases[] = {
    // 100 x 70 % = 70; x 200 % = 140.
    {"HpaTwiceTarget", Algorithm::kHpa, 100, 70, 200, 200, 140},
    // 1 core x 50 % = 0.5; x 300 % = 1.5.
    {"HpaThreeTimes", Algorithm::kHpa, 1, 50, 200, 300, 1.5},
    // Fast path off and no panic condition: never.
    {"HpaOff", Algorithm::kHpa, 100, 70, 200, 0, kNever},
    // 100 x 70 % = 70; panic 150 % -> 105 is below the 200 % multiple (140).
    {"KpaPanicLower", Algorithm::kKpa, 100, 70, 150, 200, 105},
    // 70 x 120 % = 84 is below panic 200 % (140).
    {"KpaMultipleLower", Algorithm::kKpa, 100, 70, 200, 120, 84},
    // Fast path off: kpa still triggers at panic, 70 x 200 % = 140.
    {"KpaOffStillPanics", Algorithm::kKpa, 100, 70, 200, 0, 140},
    // A negative multiple is off too.
    {"KpaNegativeIsOff", Algorithm::kKpa, 10, 100, 200, -5, 20},
};

class FastPathTriggerTest : public testing::TestWithParam<Case> {};

TEST_P(FastPathTriggerTest, LowerOfMultipleAndPanic) {
  const Case& c = GetParam();
  TargetPolicy t;
  t.algorithm = c.algorithm;
  t.kpa.panic_threshold_percentage = c.panic_pct;
  MetricTarget m;
  m.capacity_per_replica = c.capacity;
  m.target_percent = c.target_pct;
  EXPECT_DOUBLE_EQ(FastPathTrigger(t, m, c.fast_path_pct), c.want);
}

INSTANTIATE_TEST_SUITE_P(Table, FastPathTriggerTest, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(FastPathTriggersTest, UnusedMetricsNeverTrigger) {
  TargetPolicy t;
  t.target = "web";
  MetricTarget requests;
  requests.metric = MetricType::kRequests;
  requests.capacity_per_replica = 100;
  requests.target_percent = 50;
  t.metrics = {requests};
  const auto triggers = FastPathTriggers({t}, 200);
  ASSERT_EQ(triggers.size(), 1u);
  const MetricTriggers& web = triggers.at("web");
  EXPECT_EQ(web[static_cast<size_t>(MetricType::kCpu)], kNever);
  EXPECT_DOUBLE_EQ(web[static_cast<size_t>(MetricType::kRequests)], 100);
  EXPECT_EQ(web[static_cast<size_t>(MetricType::kConnections)], kNever);
}

}  // namespace
}  // namespace limiar::policy
