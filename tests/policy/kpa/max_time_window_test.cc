#include "src/policy/kpa/max_time_window.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace limiar::policy::kpa {
namespace {

absl::Time At(int64_t s) { return absl::FromUnixSeconds(s); }

TEST(MaxTimeWindowTest, SizeIsCeilOfDurationOverGranularity) {
  EXPECT_EQ(MaxTimeWindow(absl::Minutes(5), absl::Seconds(2)).size(), 150);
  EXPECT_EQ(MaxTimeWindow(absl::Seconds(5), absl::Seconds(2)).size(), 3);
  EXPECT_EQ(MaxTimeWindow(absl::Milliseconds(500), absl::Seconds(2)).size(), 1);
}

TEST(MaxTimeWindowTest, EmptyWindowIsZero) {
  MaxTimeWindow w(absl::Seconds(10), absl::Seconds(2));
  EXPECT_EQ(w.Current(), 0);
}

struct Record {
  int64_t t;
  int32_t value;
  int32_t want;  // Current() right after recording
};

TEST(MaxTimeWindowTest, Sequences) {
  struct Case {
    std::string name;
    absl::Duration duration;
    std::vector<Record> records;
  };
  // 10 s in 2 s buckets: bucket = floor(t / 2), 5 buckets.
  const std::vector<Case> cases = {
      {"single value", absl::Seconds(10), {{0, 5, 5}}},
      {"larger replaces", absl::Seconds(10), {{0, 5, 5}, {2, 7, 7}}},
      {"smaller waits for the larger to expire",
       absl::Seconds(10),
       {{0, 7, 7}, {2, 5, 5 + 2}, {8, 1, 7}, {10, 1, 5}, {12, 1, 1}}},
      {"same bucket keeps the larger", absl::Seconds(10), {{0, 3, 3}, {1, 9, 9}, {1, 2, 9}}},
      {"descending staircase",
       absl::Seconds(10),
       {{0, 9, 9}, {2, 8, 9}, {4, 7, 9}, {10, 0, 8}, {12, 0, 7}, {14, 0, 0}}},
      {"gap longer than the window", absl::Seconds(10), {{0, 9, 9}, {100, 1, 1}}},
      {"equal value refreshes its age",
       absl::Seconds(10),
       {{0, 4, 4}, {8, 4, 4}, {10, 0, 4}, {16, 0, 4}, {18, 0, 0}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    MaxTimeWindow w(c.duration, absl::Seconds(2));
    for (const Record& r : c.records) {
      w.Record(At(r.t), r.value);
      EXPECT_EQ(w.Current(), r.want) << "t=" << r.t;
    }
  }
}

TEST(MaxTimeWindowTest, BucketsFloorNegativeTimes) {
  // floor(-1 / 2) = -1 and floor(-2 / 2) = -1: one bucket, the larger value stays.
  MaxTimeWindow w(absl::Seconds(4), absl::Seconds(2));
  w.Record(At(-2), 6);
  w.Record(At(-1), 3);
  EXPECT_EQ(w.Current(), 6);
  w.Record(At(2), 1);  // bucket 1: 1 - (-1) = 2 >= 2 buckets, so the 6 expires
  EXPECT_EQ(w.Current(), 1);
}

}  // namespace
}  // namespace limiar::policy::kpa
