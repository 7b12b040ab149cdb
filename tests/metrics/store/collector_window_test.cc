#include "src/metrics/store/collector_window.h"

#include <gtest/gtest.h>

namespace limiar::metrics {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

absl::Time At(double s) { return kT0 + absl::Seconds(s); }

TEST(CollectorWindowTest, ABucketsTotalIsItsMeanPerReadyReplicaTimesTheReadyCount) {
  CollectorWindow w;
  // One scrape of three ready replicas in second 1: mean 100, times 3.
  w.Record(At(1.2), 90, 3);
  w.Record(At(1.2), 110, 3);
  w.Record(At(1.7), 100, 3);
  EXPECT_DOUBLE_EQ(*w.Average(At(0), At(1)), 300);
}

TEST(CollectorWindowTest, TheWindowAveragesBucketsWithSamplesInFromExclusiveToNowInclusive) {
  CollectorWindow w;
  w.Record(At(10), 100, 1);  // at `from`: out
  w.Record(At(11), 200, 1);
  w.Record(At(13), 600, 1);  // second 12 had no sample: not a zero
  w.Record(At(20), 999, 1);  // after `now`: out
  EXPECT_DOUBLE_EQ(*w.Average(At(10), At(19)), 400);
  EXPECT_FALSE(w.Average(At(14), At(19)).has_value());
}

TEST(CollectorWindowTest, ALateSampleJoinsItsOwnSecond) {
  CollectorWindow w;
  w.Record(At(1), 10, 2);
  w.Record(At(3), 30, 2);
  w.Record(At(2), 20, 2);  // late
  w.Record(At(1), 30, 2);  // late, into an existing bucket: mean 20
  EXPECT_DOUBLE_EQ(*w.Average(At(0), At(1)), 40);
  EXPECT_DOUBLE_EQ(*w.Average(At(1), At(2)), 40);
  EXPECT_DOUBLE_EQ(*w.Average(At(0), At(3)), (40 + 40 + 60) / 3.0);
}

TEST(CollectorWindowTest, TheReadyCountIsTheBucketsLatest) {
  CollectorWindow w;
  // A scrape that finds a replica more than the last: the count grows as it is recorded.
  w.Record(At(1), 100, 1);
  w.Record(At(1), 100, 2);
  EXPECT_DOUBLE_EQ(*w.Average(At(0), At(1)), 200);
}

TEST(CollectorWindowTest, TrimDropsBucketsAtOrBeforeTheCutoff) {
  CollectorWindow w;
  w.Record(At(1), 1, 1);
  w.Record(At(2), 2, 1);
  w.TrimBefore(At(1));
  EXPECT_DOUBLE_EQ(*w.Average(At(-100), At(100)), 2);
  w.TrimBefore(At(2));
  EXPECT_TRUE(w.empty());
}

}  // namespace
}  // namespace limiar::metrics
