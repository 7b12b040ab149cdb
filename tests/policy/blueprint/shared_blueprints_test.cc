// The four reference blueprints load unchanged, with the targets blueprints/README.md lists;
// and every example under examples/ loads without a warning.
#include <gtest/gtest.h>

#include <filesystem>

#include "src/policy/blueprint/blueprint_loader.h"
#include "tests/policy/blueprint/test_blueprints.h"

namespace limiar::policy::blueprint {
namespace {

using testing::SharedDir;

struct Expected {
  const char* file;
  const char* name;
  const char* target;
  const char* autoscale;
  MetricType metric;
  double limiar;
  int32_t min;
  int32_t max;
  double capacity;
  std::vector<std::string> unmanaged;
  size_t warnings;  // the default-capacity warning for requests/connections
};

class SharedBlueprintTest : public ::testing::TestWithParam<Expected> {
 protected:
  void SetUp() override {
    if (SharedDir().empty() || !std::filesystem::exists(SharedDir() + "/blueprints")) {
      GTEST_SKIP() << "LIMIAR_SHARED_DIR is not set or has no blueprints/; run through ctest "
                      "(tests/CMakeLists.txt sets it to ../shared)";
    }
  }
};

TEST_P(SharedBlueprintTest, LoadsWithTheDocumentedTarget) {
  const Expected& e = GetParam();
  auto b = LoadBlueprintFile(SharedDir() + "/blueprints/" + e.file);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->name, e.name);
  EXPECT_EQ(b->unmanaged_computes, e.unmanaged);
  ASSERT_EQ(b->targets.size(), 1u);
  const TargetPolicy& t = b->targets[0];
  EXPECT_EQ(t.target, e.target);
  ASSERT_EQ(t.metrics.size(), 1u);
  EXPECT_EQ(t.metrics[0].autoscale_resource, e.autoscale);
  EXPECT_EQ(t.metrics[0].metric, e.metric);
  EXPECT_DOUBLE_EQ(t.metrics[0].target_percent, e.limiar);
  EXPECT_DOUBLE_EQ(t.metrics[0].capacity_per_replica, e.capacity);
  EXPECT_EQ(t.min_replicas, e.min);
  EXPECT_EQ(t.max_replicas, e.max);
  // Nothing but the blueprint's own keys: every knob at the anchors' defaults.
  EXPECT_EQ(t.algorithm, Algorithm::kHpa);
  EXPECT_EQ(t.mode, Mode::kEnforce);
  EXPECT_FALSE(t.hpa.behavior.has_value());
  EXPECT_EQ(t.provenance.at("replicas_min"), Origin::kBlueprint);
  EXPECT_EQ(t.provenance.at("algoritmo"), Origin::kDefault);
  ASSERT_EQ(b->warnings.size(), e.warnings);
  if (e.warnings > 0) {
    EXPECT_NE(b->warnings[0].find("no capacidade_por_replica"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Blueprints, SharedBlueprintTest,
                         ::testing::Values(Expected{"single-region-web-app.json",
                                                    "Acme Store",
                                                    "store-web",
                                                    "store-scale",
                                                    MetricType::kCpu,
                                                    70,
                                                    2,
                                                    4,
                                                    1.0,
                                                    {},
                                                    0},
                                           Expected{"ecommerce-high-traffic.json",
                                                    "Acme Store Pro",
                                                    "storefront",
                                                    "scale-store",
                                                    MetricType::kRequests,
                                                    65,
                                                    2,
                                                    8,
                                                    100.0,
                                                    {"checkout-api"},
                                                    1},
                                           Expected{"realtime-api-notifications.json",
                                                    "Realtime Platform",
                                                    "realtime-api",
                                                    "ws-scale",
                                                    MetricType::kConnections,
                                                    70,
                                                    2,
                                                    16,
                                                    1000.0,
                                                    {"notify-worker"},
                                                    1}),
                         [](const auto& info) {
                           std::string n = info.param.file;
                           n = n.substr(0, n.find('.'));
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(SharedBlueprint, MultiRegionHasNothingToManage) {
  if (SharedDir().empty()) GTEST_SKIP() << "LIMIAR_SHARED_DIR is not set";
  auto b = LoadBlueprintFile(SharedDir() + "/blueprints/multi-region-active-active.json");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->name, "Global SaaS");
  EXPECT_TRUE(b->targets.empty());
  EXPECT_EQ(b->unmanaged_computes, std::vector<std::string>{"app-global"});
  EXPECT_TRUE(b->warnings.empty());
}

TEST(Examples, EveryExampleLoadsWithoutWarnings) {
  const std::filesystem::path dir = testing::SourceDir() + "/examples";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    auto b = LoadBlueprintFile(entry.path().string());
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_FALSE(b->targets.empty()) << entry.path();
    EXPECT_TRUE(b->warnings.empty()) << entry.path() << ": " << b->warnings[0];
  }
  EXPECT_GE(count, 3);
}

}  // namespace
}  // namespace limiar::policy::blueprint
