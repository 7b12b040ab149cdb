#include "src/common/clock.h"

#include <gtest/gtest.h>

namespace limiar {
namespace {

TEST(ManualClockTest, MovesOnlyWhenTold) {
  const absl::Time start = absl::FromUnixSeconds(1000);
  ManualClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(absl::Seconds(15));
  EXPECT_EQ(clock.Now(), start + absl::Seconds(15));
}

TEST(ManualClockTest, SleepUntilJumpsForwardNeverBack) {
  ManualClock clock(absl::FromUnixSeconds(1000));
  clock.SleepUntil(absl::FromUnixSeconds(1060));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1060));
  clock.SleepUntil(absl::FromUnixSeconds(10));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1060));
}

}  // namespace
}  // namespace limiar
