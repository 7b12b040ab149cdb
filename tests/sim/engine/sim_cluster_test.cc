#include "src/sim/engine/sim_cluster.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar::sim {
namespace {

const absl::Time kOrigin = absl::FromUnixSeconds(1795766400);

class SimClusterTest : public ::testing::Test {
 protected:
  SimClusterTest() {
    model_.target = "web";
    model_.initial_replicas = 2;
    model_.startup.fixed_s = 30;
    model_.connection_lifetime_s = 4;
    policy_.target = "web";
    policy_.min_replicas = 1;
    policy_.max_replicas = 10;
    policy_.metrics = {{"a", policy::MetricType::kRequests, 60, 100},
                       {"b", policy::MetricType::kCpu, 70, 0.5},
                       {"c", policy::MetricType::kConnections, 70, 1000}};
  }
  SimCluster Make() {
    return SimCluster({{&model_, &policy_, 100}}, kOrigin, 1,
                      [this](const std::string& target, const std::string& id, double t) {
                        removed_.push_back(id);
                      });
  }
  absl::Status Set(SimCluster& c, int32_t n, double t) {
    actuator::ScaleRequest r;
    r.target = "web";
    r.replicas = n;
    r.time = kOrigin + absl::Seconds(t);
    return c.SetReplicas(r);
  }
  TargetModel model_;
  policy::TargetPolicy policy_;
  std::vector<std::string> removed_;
};

TEST_F(SimClusterTest, NewReplicasServeAfterTheirStartUpDelay) {
  SimCluster c = Make();
  EXPECT_EQ(c.ready(0), 2);
  ASSERT_TRUE(Set(c, 5, 10).ok());
  EXPECT_EQ(c.spec(0), 5);
  c.Advance(39);
  EXPECT_EQ(c.ready(0), 2);
  c.Advance(40);
  EXPECT_EQ(c.ready(0), 5);
  absl::StatusOr<actuator::ScaleState> s = c.Observe("web");
  EXPECT_EQ(s->spec_replicas, 5);
  EXPECT_EQ(s->ready_replicas, 5);
  EXPECT_FALSE(c.Observe("api").ok());
}

TEST_F(SimClusterTest, ScaleDownRemovesStartingThenNewestReady) {
  SimCluster c = Make();
  ASSERT_TRUE(Set(c, 3, 0).ok());  // web-2 ready at 30
  c.Advance(30);
  ASSERT_TRUE(Set(c, 5, 30).ok());  // web-3, web-4 starting
  ASSERT_TRUE(Set(c, 2, 31).ok());
  EXPECT_THAT(removed_, ::testing::ElementsAre("web-4", "web-3", "web-2"));
  EXPECT_EQ(c.ready(0), 2);
}

TEST_F(SimClusterTest, DrainingReplicasKeepCostingForTheirDrainTime) {
  model_.drain_s = 20;
  SimCluster c = Make();
  ASSERT_TRUE(Set(c, 1, 0).ok());
  EXPECT_EQ(c.draining(0), 1);
  c.Advance(19);
  EXPECT_EQ(c.draining(0), 1);
  c.Advance(20);
  EXPECT_EQ(c.draining(0), 0);
}

TEST_F(SimClusterTest, ZoneOutageLosesAShareAndThePlatformReplacesIt) {
  model_.initial_replicas = 6;
  SimCluster c = Make();
  c.LoseReplicas(0, 100, 0.5, /*replace=*/true);
  EXPECT_EQ(removed_.size(), 3u);
  EXPECT_EQ(c.spec(0), 6);
  EXPECT_EQ(c.ready(0), 3);
  c.Advance(130);
  EXPECT_EQ(c.ready(0), 6);
  c.LoseReplicas(0, 200, 0.5, /*replace=*/false);
  EXPECT_EQ(c.spec(0), 3);
}

TEST_F(SimClusterTest, ActuatorOutageRefusesChanges) {
  SimCluster c = Make();
  c.SetActuatorDown(true);
  absl::Status s = Set(c, 4, 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(c.spec(0), 2);
  c.SetActuatorDown(false);
  EXPECT_TRUE(Set(c, 4, 0).ok());
}

TEST_F(SimClusterTest, ScrapesAverageEachMetricInItsOwnUnit) {
  SimCluster c = Make();
  c.Accumulate(0, 100);  // 50 per replica
  c.Accumulate(0, 300);  // 150 per replica: over capacity, cpu saturates
  std::vector<metrics::Sample> out;
  c.Scrape(0, 15, &out);
  ASSERT_EQ(out.size(), 6u);                  // 2 replicas x 3 metrics
  EXPECT_EQ(out[0].value, 100);               // requests/s: mean of 50 and 150
  EXPECT_EQ(out[1].value, (0.25 + 0.5) / 2);  // cores: 50 % then 100 % of 0.5
  EXPECT_EQ(out[2].value, 400);               // connections: 100/s x 4 s
  EXPECT_EQ(out[0].time, kOrigin + absl::Seconds(15));
  EXPECT_TRUE(out[0].ready);
  // Starting replicas are not scraped; the means restart after each scrape.
  ASSERT_TRUE(Set(c, 3, 15).ok());
  out.clear();
  c.Scrape(0, 30, &out);
  EXPECT_TRUE(out.empty());
  c.Accumulate(0, 60);
  c.Scrape(0, 40, &out);
  EXPECT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].value, 30);
}

TEST_F(SimClusterTest, SeededStartUpDelaysRepeat) {
  model_.startup.kind = StartupDelay::Kind::kUniform;
  model_.startup.min_s = 10;
  model_.startup.max_s = 50;
  auto readiness = [&] {
    SimCluster c = Make();
    EXPECT_TRUE(Set(c, 10, 0).ok());
    std::vector<int32_t> ready;
    for (int t = 0; t <= 50; t += 5) {
      c.Advance(t);
      ready.push_back(c.ready(0));
    }
    return ready;
  };
  const std::vector<int32_t> a = readiness();
  EXPECT_EQ(a, readiness());
  EXPECT_EQ(a.front(), 2);
  EXPECT_EQ(a.back(), 10);
  EXPECT_GT(std::count(a.begin(), a.end(), 10), 0);
  EXPECT_LT(a[4], 10);  // at t=20 some are still starting
}

}  // namespace
}  // namespace limiar::sim
