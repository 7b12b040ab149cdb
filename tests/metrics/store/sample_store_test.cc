#include "src/metrics/store/sample_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <thread>

#include "tests/support/sample_builders.h"

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
  return testing::MakeSample("storefront", replica, value, time, metric);
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
  SampleStore store(Options());  // metric window 30 s, max age 60 s
  ASSERT_TRUE(store.Add(At("a", 50, kT0 + absl::Seconds(50))).ok());
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

// Policies sum over the replicas, and a floating-point sum depends on its order: the
// store hands them out by id, however they arrived or hash.
TEST(SampleStoreTest, ReplicasAreObservedInTheOrderOfTheirIds) {
  SampleStore store(Options());
  std::vector<std::string> ids;
  for (int i = 0; i < 64; ++i) ids.push_back("pod-" + std::to_string((i * 37) % 64));
  for (const std::string& id : ids) ASSERT_TRUE(store.Add(At(id, 1, kT0)).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0, &out).ok());
  std::vector<std::string> observed;
  for (const policy::ReplicaSample& r : out[0].replicas) observed.push_back(r.replica_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(observed, ids);
}

// The order is kept between reads: it must follow replicas that come and go, and outlive
// the target's series being moved when the store's map of targets grows (ASan would see a
// stale order read freed memory).
TEST(SampleStoreTest, TheKeptOrderFollowsReplicasAndTargetsThatMove) {
  SampleStore store(Options());
  std::map<std::string, double> want;  // id -> value, in id order
  auto add = [&](const std::string& id, double value) {
    ASSERT_TRUE(store.Add(At(id, value, kT0)).ok());
    want[id] = value;
  };
  auto expect_order = [&](const std::string& when) {
    std::vector<policy::MetricObservation> out;
    ASSERT_TRUE(store.Observe(Target(), kT0, &out).ok());
    std::vector<std::pair<std::string, double>> observed;
    for (const policy::ReplicaSample& r : out[0].replicas) {
      observed.emplace_back(r.replica_id, r.value.value_or(-1));
    }
    const std::vector<std::pair<std::string, double>> in_id_order(want.begin(), want.end());
    EXPECT_EQ(observed, in_id_order) << when;
  };
  for (int i = 1; i <= 5; ++i) add("pod-" + std::to_string(i), i);
  expect_order("first read");
  expect_order("second read, nothing changed");
  add("pod-0", 10);
  expect_order("after a replica came");
  store.RemoveReplica("storefront", "pod-3");
  want.erase("pod-3");
  expect_order("after a replica went");
  for (int t = 0; t < 500; ++t) {
    ASSERT_TRUE(store
                    .Add(testing::MakeSample("other-" + std::to_string(t), "r", 1, kT0,
                                             MetricType::kRequests))
                    .ok());
  }
  expect_order("after the map of targets grew");
}

// Ingest tries the replica that came at the same place at the previous time first: every
// sample must still land on its own replica when the order changes, a replica comes or
// goes between times, or a sender repeats one at a time.
TEST(SampleStoreTest, SamplesInAnOrderThatChangesLandOnTheirOwnReplicas) {
  SampleStore store(Options());
  std::map<std::string, std::vector<std::pair<absl::Time, double>>> sent;
  absl::Time now = kT0;
  auto scrape = [&](const std::vector<std::pair<std::string, double>>& batch) {
    now += absl::Seconds(15);
    std::vector<Sample> samples;
    for (const auto& [id, value] : batch) {
      samples.push_back(At(id, value, now));
      sent[id].emplace_back(now, value);
    }
    ASSERT_TRUE(store.AddAll(samples).ok());
  };
  auto expect_means = [&](const std::string& when) {
    std::vector<policy::MetricObservation> out;
    ASSERT_TRUE(store.Observe(Target(), now, &out).ok());
    std::map<std::string, double> observed, want;
    for (const policy::ReplicaSample& r : out[0].replicas) {
      observed[r.replica_id] = r.value.value_or(-1);
    }
    for (const auto& [id, points] : sent) {
      double sum = 0;
      int n = 0;
      for (const auto& [time, value] : points) {
        if (time <= now - Options().metric_window) continue;
        sum += value;
        ++n;
      }
      want[id] = n > 0 ? sum / n : -1;
    }
    EXPECT_EQ(observed, want) << when;
  };
  scrape({{"a", 1}, {"b", 2}, {"c", 3}});
  scrape({{"a", 10}, {"b", 20}, {"c", 30}});
  expect_means("same order twice");
  scrape({{"c", 300}, {"a", 100}, {"b", 200}});
  expect_means("order rotated");
  scrape({{"a", 1000}, {"d", 4000}, {"b", 2000}, {"c", 3000}});
  expect_means("a replica came in the middle");
  store.RemoveReplica("storefront", "d");
  sent.erase("d");
  scrape({{"a", 7}, {"b", 8}, {"c", 9}});
  expect_means("a replica went");
  scrape({{"b", 5}, {"b", 6}, {"a", 5}, {"c", 5}});
  expect_means("a replica repeated at one time");
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

TEST(SampleStoreTest, ExpiryAndRemovalFreeSeries) {
  SampleStore store(Options());  // max age 60 s
  ASSERT_TRUE(store.Add(At("a", 1, kT0)).ok());
  ASSERT_TRUE(store.Add(At("b", 1, kT0 + absl::Minutes(4))).ok());
  ASSERT_TRUE(store.Add(At("b", 1, kT0 + absl::Minutes(4), MetricType::kCpu)).ok());
  store.Compact(kT0 + absl::Minutes(4) + absl::Seconds(30));
  EXPECT_EQ(store.series_count(), 2u);  // "a" aged out
  store.RemoveReplica("storefront", "b");
  EXPECT_EQ(store.series_count(), 0u);
}

// Expiry skips a metric whose replicas are all fresh enough; a late point of a new replica
// (older than every other replica's newest) and a replica that stops while the others go
// on must still be found stale.
TEST(SampleStoreTest, ExpiryFindsEveryStaleReplicaAmongFreshOnes) {
  SampleStore store(Options());  // max age 60 s
  ASSERT_TRUE(store.Add(At("a", 1, kT0 + absl::Seconds(100))).ok());
  ASSERT_TRUE(store.Add(At("b", 1, kT0 + absl::Seconds(100))).ok());
  ASSERT_TRUE(store.Add(At("late", 1, kT0 + absl::Seconds(10))).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(100), &out).ok());
  EXPECT_EQ(store.series_count(), 2u);  // "late" is 90 s old
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(150), &out).ok());
  EXPECT_EQ(store.series_count(), 2u);  // a and b are 50 s old: nothing to expire
  ASSERT_TRUE(store.Add(At("a", 1, kT0 + absl::Seconds(170))).ok());
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(170), &out).ok());
  EXPECT_EQ(store.series_count(), 1u);  // b stopped at 100 s
  ASSERT_EQ(out[0].replicas.size(), 1u);
  EXPECT_EQ(out[0].replicas[0].replica_id, "a");
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

// Where the samples came from and how old the newest is, for the messages of a metric that
// has none to use.
TEST(SampleStoreTest, MissingSamplesAreNamedByHowTheyArrived) {
  SampleStore store(Options());  // metric window 30 s, max age 60 s
  Sample scraped = At("a", 50, kT0);
  scraped.ingest = Ingest::kScrape;
  ASSERT_TRUE(store.Add(scraped).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(45), &out).ok());
  ASSERT_TRUE(out[0].error.ok());
  EXPECT_EQ(out[0].none_in_window,
            "no requests samples for storefront within the 30s metric window; the newest "
            "scraped sample is 45s old");
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(20), &out).ok());
  EXPECT_EQ(out[0].none_in_window, "");  // in the window

  SampleStore promql(Options());
  ASSERT_TRUE(promql.AddWholeTarget("storefront", MetricType::kRequests, 900, kT0).ok());
  ASSERT_TRUE(promql.Observe(Target(), kT0 + absl::Minutes(5), &out).ok());
  EXPECT_EQ(out[0].error.message(),
            "no requests samples for storefront in the last 1m: nothing pushed or scraped, and "
            "the newest PromQL value is 5m old");
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

namespace limiar::metrics {
namespace {

// The case: eight replicas, then only two of them; after max_age the six are gone.
TEST(SampleStoreChurnTest, AReplicaWithoutASampleForMaxAgeIsForgotten) {
  SampleStore store(Options());  // max age 60 s
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(store.Add(At("r" + std::to_string(i), 50, kT0)).ok());
  std::vector<policy::MetricObservation> out;
  for (int s = 15; s <= 75; s += 15) {
    ASSERT_TRUE(store.Add(At("r0", 195, kT0 + absl::Seconds(s))).ok());
    ASSERT_TRUE(store.Add(At("r1", 195, kT0 + absl::Seconds(s))).ok());
    if (s == 60) {
      ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(60), &out).ok());
      EXPECT_EQ(out[0].replicas.size(), 8u);  // 60 s without a sample: missing, not yet gone
      EXPECT_EQ(store.series_count(), 8u);
    }
  }
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(75), &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 2u);
  EXPECT_EQ(store.series_count(), 2u);
}

TEST(SampleStoreChurnTest, ForgottenOnIngestTooSoMemoryGoesWithoutReads) {
  SampleStore store(Options());
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(store.Add(At("invented-" + std::to_string(i), 0, kT0)).ok());
  }
  EXPECT_EQ(store.series_count(), 1000u);
  ASSERT_TRUE(store.Add(At("real", 10, kT0 + absl::Seconds(61))).ok());
  EXPECT_EQ(store.series_count(), 1u);
}

TEST(SampleStoreChurnTest, CompactForgetsReplicasOfTargetsNobodyObserves) {
  SampleStore store(Options());
  Sample s = At("a", 1, kT0);
  s.target = "removed-by-a-reload";
  ASSERT_TRUE(store.Add(s).ok());
  store.Compact(kT0 + absl::Seconds(59));
  EXPECT_EQ(store.series_count(), 1u);
  store.Compact(kT0 + absl::Seconds(61));
  EXPECT_EQ(store.series_count(), 0u);
}

// 100,000 invented replica ids once pinned a target at its maximum for good.
TEST(SampleStoreChurnTest, ReplicasPerTargetAreCapped) {
  SampleStoreOptions o = Options();
  o.max_replicas_per_target = 100;
  SampleStore store(o);
  int refused = 0;
  absl::Status last;
  for (int i = 0; i < 100'000; ++i) {
    last = store.Add(At("invented-" + std::to_string(i), 0, kT0));
    if (!last.ok()) ++refused;
  }
  EXPECT_EQ(refused, 100'000 - 100);
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(last.message(),
            "storefront already has 100 replicas reporting requests (the per-target limit); "
            "a new replica is admitted when one stops reporting for 1m or is reported gone");
  EXPECT_EQ(store.series_count(), 100u);
  // The invented ones age out and real replicas are admitted again.
  ASSERT_TRUE(store.Add(At("storefront-0", 130, kT0 + absl::Seconds(61))).ok());
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(61), &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 1u);
}

TEST(SampleStoreChurnTest, AReplicaReportedGoneIsForgottenAtOnceInEveryMetric) {
  SampleStore store(Options());
  ASSERT_TRUE(store.Add(At("a", 1, kT0)).ok());
  ASSERT_TRUE(store.Add(At("a", 1, kT0, MetricType::kCpu)).ok());
  ASSERT_TRUE(store.Add(At("b", 1, kT0)).ok());
  Sample gone = At("a", 0, kT0 + absl::Seconds(1));
  gone.gone = true;
  ASSERT_TRUE(store.AddAll({gone}).ok());
  EXPECT_EQ(store.series_count(), 1u);
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(1), &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 1u);
  EXPECT_EQ(out[0].replicas[0].replica_id, "b");
}

TEST(SampleStoreChurnTest, ASampleWithoutAReplicaIsAValueOfTheWholeTarget) {
  SampleStore store(Options());
  ASSERT_TRUE(store.AddAll({At("", 900, kT0)}).ok());
  EXPECT_EQ(store.series_count(), 0u);
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(Target(), kT0 + absl::Seconds(5), &out).ok());
  ASSERT_TRUE(out[0].error.ok()) << out[0].error;
  EXPECT_EQ(out[0].whole_target_value, 900);
}

// Knative's collector (pkg/autoscaler/metrics/collector.go): per scrape, the average per
// ready pod times the ready pod count; the window's value is the average of those totals.
TEST(SampleStoreCollectorTest, TotalsKeepTheLoadOfReplicasRemovedInsideTheWindow) {
  SampleStore store(Options());
  policy::TargetPolicy t = Target();
  t.kpa.stable_window = absl::Seconds(60);  // panic: 6 s
  // 1,000 requests/s over 10 replicas for 30 s, then over the 5 left after a scale-down.
  for (int s = 1; s <= 60; ++s) {
    const int replicas = s <= 30 ? 10 : 5;
    if (s == 31) {
      for (int i = 5; i < 10; ++i) store.RemoveReplica("storefront", "r" + std::to_string(i));
    }
    std::vector<Sample> scrape;
    for (int i = 0; i < replicas; ++i) {
      scrape.push_back(At("r" + std::to_string(i), 1000.0 / replicas, kT0 + absl::Seconds(s)));
    }
    ASSERT_TRUE(store.AddAll(scrape).ok());
  }
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(t, kT0 + absl::Seconds(60), &out).ok());
  EXPECT_DOUBLE_EQ(*out[0].stable_total, 1000);
  EXPECT_DOUBLE_EQ(*out[0].panic_total, 1000);
}

TEST(SampleStoreCollectorTest, ANewReplicaCountsFromItsFirstScrapeOnly) {
  SampleStore store(Options());
  policy::TargetPolicy t = Target();
  t.kpa.stable_window = absl::Seconds(60);
  // 400 requests/s over 2 replicas, then over 4 for the last 10 s.
  for (int s = 1; s <= 60; ++s) {
    const int replicas = s <= 50 ? 2 : 4;
    std::vector<Sample> scrape;
    for (int i = 0; i < replicas; ++i) {
      scrape.push_back(At("r" + std::to_string(i), 400.0 / replicas, kT0 + absl::Seconds(s)));
    }
    ASSERT_TRUE(store.AddAll(scrape).ok());
  }
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(t, kT0 + absl::Seconds(60), &out).ok());
  EXPECT_DOUBLE_EQ(*out[0].stable_total, 400);
  EXPECT_DOUBLE_EQ(*out[0].panic_total, 400);
}

TEST(SampleStoreCollectorTest, UnreadyReplicasAreNeitherAveragedNorCounted) {
  SampleStore store(Options());
  policy::TargetPolicy t = Target();
  t.kpa.stable_window = absl::Seconds(10);
  for (int s = 1; s <= 10; ++s) {
    Sample starting = At("new", 0, kT0 + absl::Seconds(s));
    starting.ready = false;
    ASSERT_TRUE(store
                    .AddAll({At("a", 90, kT0 + absl::Seconds(s)),
                             At("b", 110, kT0 + absl::Seconds(s)), starting})
                    .ok());
  }
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(t, kT0 + absl::Seconds(10), &out).ok());
  EXPECT_DOUBLE_EQ(*out[0].stable_total, 200);
}

TEST(SampleStoreCollectorTest, PushedReplicasReportingAtTheirOwnPhasesAddUp) {
  // Three replicas push every 3 s, each in its own second: every bucket holds one sample,
  // and one sample times the three ready replicas estimates the total.
  SampleStore store(Options());
  policy::TargetPolicy t = Target();
  t.kpa.stable_window = absl::Seconds(30);
  for (int s = 1; s <= 30; ++s) {
    const int i = s % 3;
    ASSERT_TRUE(store.Add(At("r" + std::to_string(i), 100, kT0 + absl::Seconds(s))).ok());
  }
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store.Observe(t, kT0 + absl::Seconds(30), &out).ok());
  // The first two seconds saw one and two replicas: (100 + 200 + 28 x 300) / 30.
  EXPECT_DOUBLE_EQ(*out[0].stable_total, (100 + 200 + 28 * 300) / 30.0);
}

}  // namespace
}  // namespace limiar::metrics

namespace limiar::metrics {
namespace {

TEST(SampleStoreChurnTest, CompactIfDueRunsAtMostOnceAMinute) {
  SampleStore store(Options());  // max age 60 s
  ASSERT_TRUE(store.Add(At("a", 1, kT0)).ok());
  store.CompactIfDue(kT0 + absl::Seconds(61));
  EXPECT_EQ(store.series_count(), 0u);
  ASSERT_TRUE(store.Add(At("b", 1, kT0 + absl::Seconds(62))).ok());
  store.CompactIfDue(kT0 + absl::Seconds(120));  // not due until 121 s
  EXPECT_EQ(store.series_count(), 1u);
  store.CompactIfDue(kT0 + absl::Seconds(123));
  EXPECT_EQ(store.series_count(), 0u);
}

}  // namespace
}  // namespace limiar::metrics
