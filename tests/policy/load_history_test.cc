// The forecast history's arithmetic: gap filling, what a warm start reads,
// and how minutes read from Prometheus join the ones Limiar kept.
#include "src/policy/load_history.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar::policy {
namespace {

using ::testing::ElementsAre;

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000 / 60 * 60);  // a minute's start

absl::Time Minute(int64_t k) { return kT0 + absl::Minutes(k); }

PolicyState::LoadHistory Kept(int64_t last, std::vector<double> minutes) {
  return {.last_minute = Minute(last), .minutes = std::move(minutes)};
}

TEST(LoadHistoryTest, CapIsTheHistoryInMinutesAndAtLeastOne) {
  Forecasting f;
  f.history = absl::Hours(24 * 14);
  EXPECT_EQ(LoadHistoryCap(f), 20160u);
  f.history = absl::Seconds(10);
  EXPECT_EQ(LoadHistoryCap(f), 1u);
}

TEST(LoadHistoryTest, GapFillTakesTheMinuteADayBeforeElseTheLastOne) {
  std::vector<double> before(1440);
  for (size_t i = 0; i < before.size(); ++i) before[i] = static_cast<double>(i);
  EXPECT_EQ(GapFill(before), 0);  // the same minute of the day before: index n - 1440
  before.push_back(7);
  EXPECT_EQ(GapFill(before), 1);
  EXPECT_EQ(GapFill(std::vector<double>{3, 4, 5}), 5);
}

TEST(LoadHistoryTest, NothingKeptReadsTheWholeSpanUpToTheCurrentMinute) {
  const MinuteSpan span = MinutesToRead({}, Minute(100) + absl::Seconds(30), 60);
  EXPECT_EQ(span.from, Minute(40));
  EXPECT_EQ(span.to, Minute(100));  // the current minute is not complete: not read
}

TEST(LoadHistoryTest, AFullKeptHistoryReadsOnlyTheMinutesAfterIt) {
  // Kept minutes 30..89 cover the span's start (40): read 90..99 only.
  const MinuteSpan span =
      MinutesToRead(Kept(89, std::vector<double>(60, 1)), Minute(100) + absl::Seconds(1), 60);
  EXPECT_EQ(span.from, Minute(90));
  EXPECT_EQ(span.to, Minute(100));
  // Up to the minute before now's: nothing at all.
  EXPECT_TRUE(
      MinutesToRead(Kept(99, std::vector<double>(60, 1)), Minute(100) + absl::Seconds(1), 60)
          .empty());
}

TEST(LoadHistoryTest, AShortKeptHistoryReadsTheWholeSpan) {
  // Kept 80..99 starts after the span's start (40): the minutes before it are missing.
  const MinuteSpan span = MinutesToRead(Kept(99, std::vector<double>(20, 1)), Minute(100), 60);
  EXPECT_EQ(span.from, Minute(40));
  EXPECT_EQ(span.to, Minute(100));
}

TEST(LoadHistoryTest, ReadMinutesBecomeTheHistoryWhenNothingWasKept) {
  const std::vector<double> read{kNone, kNone, 5, 6, kNone, 8, kNone};
  const PolicyState::LoadHistory h = MergeLoadHistory({}, Minute(0), read, 100);
  // Leading minutes without a value dropped, the inner gap filled, the trailing one dropped.
  EXPECT_EQ(h.last_minute, Minute(5));
  EXPECT_THAT(h.minutes, ElementsAre(5, 6, 6, 8));
}

TEST(LoadHistoryTest, KeptMinutesWinAndReadOnesFillAroundThem) {
  // Kept: minutes 3..5 = 30, 40, 50. Read: minutes 0..7.
  const std::vector<double> read{0, 1, 2, 3, 4, 5, 6, 7};
  const PolicyState::LoadHistory h = MergeLoadHistory(Kept(5, {30, 40, 50}), Minute(0), read, 100);
  EXPECT_EQ(h.last_minute, Minute(7));
  EXPECT_THAT(h.minutes, ElementsAre(0, 1, 2, 30, 40, 50, 6, 7));
}

TEST(LoadHistoryTest, KeptMinutesAfterTheReadOnesStay) {
  // Read 0..2, kept 5..6 (observed while the reading ran): 3 and 4 are filled.
  const std::vector<double> read{1, 2, 3};
  const PolicyState::LoadHistory h = MergeLoadHistory(Kept(6, {50, 60}), Minute(0), read, 100);
  EXPECT_EQ(h.last_minute, Minute(6));
  EXPECT_THAT(h.minutes, ElementsAre(1, 2, 3, 3, 3, 50, 60));
}

TEST(LoadHistoryTest, OnlyTheNewestCapMinutesAreKept) {
  const std::vector<double> read{0, 1, 2, 3, 4, 5, 6, 7};
  const PolicyState::LoadHistory h = MergeLoadHistory({}, Minute(0), read, 3);
  EXPECT_EQ(h.last_minute, Minute(7));
  EXPECT_THAT(h.minutes, ElementsAre(5, 6, 7));
}

TEST(LoadHistoryTest, NothingReadLeavesTheKeptHistoryAlone) {
  const std::vector<double> read{kNone, kNone};
  const PolicyState::LoadHistory h = MergeLoadHistory(Kept(5, {30, 40}), Minute(0), read, 100);
  EXPECT_EQ(h.last_minute, Minute(5));
  EXPECT_THAT(h.minutes, ElementsAre(30, 40));
}

TEST(LoadHistoryTest, NegativeAndInfiniteReadValuesAreNoLoad) {
  const std::vector<double> read{1, -5, std::numeric_limits<double>::infinity(), 4};
  const PolicyState::LoadHistory h = MergeLoadHistory({}, Minute(0), read, 100);
  EXPECT_THAT(h.minutes, ElementsAre(1, 1, 1, 4));
}

TEST(LoadHistoryTest, GapsAreFilledFromTheDayBefore) {
  // Two days of read minutes, the second day's minute 100 missing: it takes day one's.
  std::vector<double> read(2 * 1440);
  for (size_t i = 0; i < read.size(); ++i) read[i] = static_cast<double>(i % 1440) + 1000;
  read[1440 + 100] = kNone;
  const PolicyState::LoadHistory h = MergeLoadHistory({}, Minute(0), read, 4000);
  ASSERT_EQ(h.minutes.size(), read.size());
  EXPECT_EQ(h.minutes[1440 + 100], 1100);
  EXPECT_EQ(h.minutes[1440 + 99], 1099);
}

}  // namespace
}  // namespace limiar::policy
