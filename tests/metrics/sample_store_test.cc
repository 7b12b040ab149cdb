#include "src/metrics/sample_store.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace limiar::metrics {
namespace {

using policy::MetricType;

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

policy::TargetPolicy Target(std::vector<MetricType> metrics = {MetricType::kRequests}) {
  policy::TargetPolicy t;
  t.target = "storefront";
  for (MetricType m : metrics) t.metrics.push_back({"s", m, 65, 100});
  return t;
}

Sample At(const std::string& replica, double value, absl::Time time,
          MetricType metric = MetricType::kRequests) {
  Sample s;
  s.target = "storefront";
  s.metric = metric;
  s.replica_id = replica;
  s.value = value;
  s.time = time;
  return s;
}

SampleStoreOptions Options() {
  SampleStoreOptions o;
  o.metric_window = absl::Seconds(30);
  o.max_age = absl::Seconds(60);
  return o;
}

TEST(SampleStoreTest, ReplicaValueIsTheMeanOverTheMetricWindow) {
  SampleStore store(Options());
  ASSERT_TRUE(store.Add(At("a", 100, kT0)).ok());  // outside (now - 30 s, now] below
  ASSERT_TRUE(store.Add(At("a", 10, kT0 + absl::Seconds(20))).ok());
  ASSERT_TRUE(store.Add(At("a", 30, kT0 + absl::Seconds(30))).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(30), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].error.ok());
  ASSERT_EQ(out[0].replicas.size(), 1u);
  EXPECT_DOUBLE_EQ(*out[0].replicas[0].value, 20);
  EXPECT_EQ(out[0].replicas[0].sample_time, kT0 + absl::Seconds(30));
}

TEST(SampleStoreTest, StaleReplicaIsMissingNotZero) {
  SampleStore store(Options());
  ASSERT_TRUE(store.Add(At("a", 50, kT0)).ok());
  ASSERT_TRUE(store.Add(At("b", 50, kT0 + absl::Seconds(90))).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(90), &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 2u);
  for (const policy::ReplicaSample& r : out[0].replicas) {
    if (r.replica_id == "a") {
      EXPECT_FALSE(r.value.has_value());
    } else {
      EXPECT_EQ(r.value, 50);
    }
  }
}

TEST(SampleStoreTest, MetricWithoutSamplesIsAnErrorOfThatMetricOnly) {
  SampleStore store(Options());
  ASSERT_TRUE(store.Add(At("a", 0.5, kT0, MetricType::kCpu)).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target({MetricType::kCpu, MetricType::kConnections}), kT0, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].error.ok());
  EXPECT_EQ(out[1].error.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(out[1].error.message().find("connections"), std::string::npos);
}

TEST(SampleStoreTest, KnativeTotalsSumReplicaMeansOverStableAndPanicWindows) {
  SampleStore store(Options());
  policy::TargetPolicy t = Target();
  t.kpa.stable_window = absl::Seconds(60);  // panic window: 10 % = 6 s
  for (int s = 1; s <= 60; ++s) {
    const double load = s > 54 ? 100 : 10;  // a burst in the last 6 s
    ASSERT_TRUE(store.Add(At("a", load, kT0 + absl::Seconds(s))).ok());
    ASSERT_TRUE(store.Add(At("b", load, kT0 + absl::Seconds(s))).ok());
  }
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(t, kT0 + absl::Seconds(60), &out).ok());
  EXPECT_DOUBLE_EQ(*out[0].panic_total, 200);
  EXPECT_DOUBLE_EQ(*out[0].stable_total, 2 * (54 * 10 + 6 * 100) / 60.0);
}

TEST(SampleStoreTest, LatePointsAreOrderedAndFuturePointsIgnored) {
  SampleStore store(Options());
  ASSERT_TRUE(store.Add(At("a", 30, kT0 + absl::Seconds(20))).ok());
  ASSERT_TRUE(store.Add(At("a", 10, kT0 + absl::Seconds(10))).ok());  // late
  ASSERT_TRUE(store.Add(At("a", 1000, kT0 + absl::Seconds(40))).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(25), &out).ok());
  EXPECT_DOUBLE_EQ(*out[0].replicas[0].value, 20);
}

TEST(SampleStoreTest, MemoryIsBoundedPerSeriesAndInSeriesCount) {
  SampleStoreOptions o = Options();
  o.max_points_per_series = 4;
  o.max_series = 2;
  o.metric_window = absl::Hours(1);
  o.max_age = absl::Hours(1);
  SampleStore store(o);
  for (int s = 0; s < 10; ++s) ASSERT_TRUE(store.Add(At("a", s, kT0 + absl::Seconds(s))).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(9), &out).ok());
  EXPECT_DOUBLE_EQ(*out[0].replicas[0].value, (6 + 7 + 8 + 9) / 4.0);  // only the newest 4

  ASSERT_TRUE(store.Add(At("b", 1, kT0)).ok());
  const absl::Status full = store.Add(At("c", 1, kT0));
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(store.series_count(), 2u);
  ASSERT_TRUE(store.Add(At("b", 2, kT0 + absl::Seconds(1))).ok());  // existing series: fine
}

TEST(SampleStoreTest, RetentionAndRemovalFreeSeries) {
  SampleStoreOptions o = Options();
  o.retention = absl::Minutes(5);
  SampleStore store(o);
  ASSERT_TRUE(store.Add(At("a", 1, kT0)).ok());
  ASSERT_TRUE(store.Add(At("b", 1, kT0 + absl::Minutes(4))).ok());
  ASSERT_TRUE(store.Add(At("b", 1, kT0 + absl::Minutes(4), MetricType::kCpu)).ok());
  store.Compact(kT0 + absl::Minutes(6));
  EXPECT_EQ(store.series_count(), 2u);  // "a" aged out
  store.RemoveReplica("storefront", "b");
  EXPECT_EQ(store.series_count(), 0u);
}

TEST(SampleStoreTest, ReadinessTransitionIsTakenFromTheFirstSampleShowingIt) {
  SampleStore store(Options());
  Sample s = At("a", 0.2, kT0, MetricType::kCpu);
  s.ready = false;
  s.start_time = kT0 - absl::Seconds(5);
  ASSERT_TRUE(store.Add(s).ok());
  s.ready = true;
  s.time = kT0 + absl::Seconds(15);
  ASSERT_TRUE(store.Add(s).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target({MetricType::kCpu}), kT0 + absl::Seconds(15), &out).ok());
  const policy::ReplicaSample& r = out[0].replicas[0];
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(r.ready_transition, kT0 + absl::Seconds(15));
  EXPECT_EQ(r.start_time, kT0 - absl::Seconds(5));
}

TEST(SampleStoreTest, ConcurrentIngestAndObserveLoseNothing) {
  SampleStoreOptions o = Options();
  o.max_points_per_series = 10'000;
  o.metric_window = absl::Hours(1);
  o.max_age = absl::Hours(1);
  SampleStore store(o);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&store, w] {
      for (int i = 0; i < 1000; ++i) {
        (void)store.Add(At("r" + std::to_string(w), 1, kT0 + absl::Milliseconds(i)));
      }
    });
  }
  std::vector<policy::MetricObservation> out;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(store.Observe(Target(), kT0, &out).ok());
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(1), &out).ok());
  EXPECT_EQ(out[0].replicas.size(), 4u);
  EXPECT_DOUBLE_EQ(*out[0].stable_total, 4);
}

}  // namespace
}  // namespace limiar::metrics

namespace limiar::metrics {
namespace {

TEST(SampleStoreWholeTargetTest, NewestFreshValueIsObservedWithoutReplicas) {
  SampleStore store(Options());
  ASSERT_TRUE(store.AddWholeTarget("storefront", MetricType::kRequests, 900, kT0).ok());
  ASSERT_TRUE(store
                  .AddWholeTarget("storefront", MetricType::kRequests, 400,
                                  kT0 - absl::Seconds(5))  // late: older than the newest
                  .ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(10), &out).ok());
  ASSERT_TRUE(out[0].error.ok()) << out[0].error;
  EXPECT_EQ(out[0].whole_target_value, 900);
  EXPECT_TRUE(out[0].replicas.empty());
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Minutes(5), &out).ok());
  EXPECT_FALSE(out[0].whole_target_value.has_value());  // older than max_age
  EXPECT_FALSE(out[0].error.ok());
}

// AddAll is Add for a whole scrape: the same store afterwards, and a refused point (a series
// beyond the limit) loses none of the others.
TEST(SampleStoreTest, AddAllStoresWhatAddWouldAndKeepsTheRestPastARefusal) {
  SampleStoreOptions o = Options();
  o.max_series = 3;
  SampleStore one_by_one(o), batched(o);
  std::vector<Sample> batch = {At("a", 10, kT0), At("b", 20, kT0), At("c", 30, kT0),
                               At("d", 40, kT0),  // a fourth series: refused
                               At("a", 50, kT0 + absl::Seconds(10))};
  Sample other = At("x", 1, kT0);
  other.target = "checkout";  // a run of another target in the same call
  batch.insert(batch.begin() + 2, other);
  for (const Sample& s : batch) (void)one_by_one.Add(s);
  const absl::Status status = batched.AddAll(batch);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(batched.series_count(), one_by_one.series_count());
  std::vector<policy::MetricObservation> a, b;
  ASSERT_TRUE(one_by_one.Observe(Target(), kT0 + absl::Seconds(10), &a).ok());
  ASSERT_TRUE(batched.Observe(Target(), kT0 + absl::Seconds(10), &b).ok());
  // Replicas come in hash order, which differs between two stores: compare by id.
  auto by_id = [](const std::vector<policy::ReplicaSample>& r) {
    std::map<std::string, double> m;
    for (const policy::ReplicaSample& s : r) m[s.replica_id] = s.value.value_or(-1);
    return m;
  };
  EXPECT_EQ(by_id(a[0].replicas), by_id(b[0].replicas));
  EXPECT_EQ(b[0].replicas.size(), 2u);  // a and b; c is past the limit with x counted
  EXPECT_TRUE(batched.AddAll({}).ok());
}

}  // namespace
}  // namespace limiar::metrics
