#include "src/policy/kpa/metric_window.h"

#include <gtest/gtest.h>

namespace limiar::policy::kpa {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

absl::Time At(double s) { return kT0 + absl::Seconds(s); }

struct Averages {
  bool ok = false;
  double stable = -1;
  double panic = -1;
};

Averages Get(const MetricWindow& w, double t) {
  Averages a;
  a.ok = w.Averages(At(t), &a.stable, &a.panic);
  return a;
}

TEST(MetricWindowTest, NoDataBeforeTheFirstRecord) {
  MetricWindow w(absl::Seconds(60), absl::Seconds(6));
  EXPECT_FALSE(Get(w, 0).ok);
}

TEST(MetricWindowTest, AveragesOverRecordedSecondsOnly) {
  MetricWindow w(absl::Seconds(60), absl::Seconds(6));
  // A 2 s tick: seconds without a record are not zeros.
  for (int t = 0; t <= 58; t += 2) w.Record(At(t), t < 50 ? 100 : 400);
  const Averages a = Get(w, 58);
  ASSERT_TRUE(a.ok);
  EXPECT_DOUBLE_EQ(a.stable, (25 * 100.0 + 5 * 400.0) / 30);
  // Panic window (52, 58]: 54, 56, 58.
  EXPECT_DOUBLE_EQ(a.panic, 400);
}

TEST(MetricWindowTest, OldRecordsLeaveTheWindows) {
  MetricWindow w(absl::Seconds(10), absl::Seconds(3));
  w.Record(At(0), 10);
  w.Record(At(5), 20);
  Averages a = Get(w, 9);
  EXPECT_DOUBLE_EQ(a.stable, 15);
  EXPECT_DOUBLE_EQ(a.panic, 0);  // nothing in (6, 9]: Knative's 0
  a = Get(w, 10);                // second 0 is out: window (0, 10]
  EXPECT_DOUBLE_EQ(a.stable, 20);
  EXPECT_FALSE(Get(w, 15).ok);  // nothing in (5, 15]
}

TEST(MetricWindowTest, SeveralRecordsInOneSecondAverage) {
  MetricWindow w(absl::Seconds(60), absl::Seconds(6));
  w.Record(At(0), 10);
  w.Record(At(0.5), 30);
  w.Record(At(1), 50);
  const Averages a = Get(w, 1);
  EXPECT_DOUBLE_EQ(a.stable, (20 + 50) / 2.0);
  EXPECT_DOUBLE_EQ(a.panic, (20 + 50) / 2.0);
}

TEST(MetricWindowTest, RingWrapsWithoutLosingTheWindow) {
  MetricWindow w(absl::Seconds(5), absl::Seconds(2));
  for (int t = 0; t < 1000; ++t) w.Record(At(t), t);
  const Averages a = Get(w, 999);
  EXPECT_DOUBLE_EQ(a.stable, (995 + 996 + 997 + 998 + 999) / 5.0);
  EXPECT_DOUBLE_EQ(a.panic, (998 + 999) / 2.0);
}

TEST(MetricWindowTest, TimeRunningBackwardsClearsTheHistory) {
  MetricWindow w(absl::Seconds(60), absl::Seconds(6));
  w.Record(At(100), 1000);
  w.Record(At(10), 4);
  const Averages a = Get(w, 10);
  EXPECT_DOUBLE_EQ(a.stable, 4);
}

TEST(MetricWindowTest, PanicWindowIsAtMostTheStableWindow) {
  MetricWindow w(absl::Seconds(4), absl::Seconds(10));
  EXPECT_EQ(w.stable_buckets(), 4);
  EXPECT_EQ(w.panic_buckets(), 4);
}

}  // namespace
}  // namespace limiar::policy::kpa
