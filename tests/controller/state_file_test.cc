#include "src/controller/state_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "src/metrics/sample_store.h"
#include "tests/fakes/fake_actuator.h"

namespace limiar::controller {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

std::string TempPath(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("limiar_state_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

SavedState Sample() {
  SavedState s;
  s.saved_at = kT0;
  TargetState& t = s.targets["storefront"];
  t.mode = policy::Mode::kDryRun;
  t.policy.hpa_history_started = true;
  t.policy.recommendations = {{kT0 - absl::Seconds(30), 8}, {kT0, 3}};
  t.policy.scale_up_events = {{kT0 - absl::Seconds(45), 4}};
  t.policy.kpa.push_back({true, kT0 - absl::Seconds(6), 9, {{kT0 - absl::Seconds(2), 7}}});
  t.policy.last_scale_up = kT0 - absl::Seconds(45);
  t.policy.consecutive_failures = 2;
  return s;
}

TEST(StateFileTest, RoundTripsEveryField) {
  const std::string path = TempPath("roundtrip.json");
  ASSERT_TRUE(WriteStateFile(path, Sample()).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  absl::StatusOr<SavedState> back = ReadStateFile(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(StateToJson(*back), StateToJson(Sample()));
  const TargetState& t = back->targets.at("storefront");
  EXPECT_EQ(t.mode, policy::Mode::kDryRun);
  ASSERT_EQ(t.policy.recommendations.size(), 2u);
  EXPECT_EQ(t.policy.recommendations[0].time, kT0 - absl::Seconds(30));
  EXPECT_EQ(t.policy.recommendations[0].value, 8);
  EXPECT_EQ(t.policy.kpa[0].max_panic_pods, 9);
  EXPECT_EQ(t.policy.kpa[0].panic_time, kT0 - absl::Seconds(6));
  EXPECT_EQ(t.policy.last_scale_up, kT0 - absl::Seconds(45));
  EXPECT_FALSE(t.policy.last_scale_down.has_value());
  EXPECT_EQ(t.policy.consecutive_failures, 2);
}

TEST(StateFileTest, MissingTornAndForeignFilesAreNamed) {
  EXPECT_EQ(ReadStateFile(TempPath("absent.json")).status().code(), absl::StatusCode::kNotFound);
  const std::string torn = TempPath("torn.json");
  std::ofstream(torn) << "{\"version\": 1, \"targets\": {\"a\": {\"mo";
  absl::StatusOr<SavedState> r = ReadStateFile(torn);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find(torn), std::string::npos);
  const std::string bad_field = TempPath("bad_field.json");
  std::ofstream(bad_field)
      << R"({"version": 1, "saved_at_ms": 0, "targets": {"web": {"mode": "fast"}}})";
  r = ReadStateFile(bad_field);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("targets.web"), std::string::npos) << r.status();
  const std::string future = TempPath("future.json");
  std::ofstream(future) << R"({"version": 9, "saved_at_ms": 0, "targets": {}})";
  EXPECT_EQ(ReadStateFile(future).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(StateFileTest, ControlLoopStateSurvivesAFileRoundTrip) {
  policy::TargetPolicy t;
  t.target = "storefront";
  t.min_replicas = 2;
  t.max_replicas = 8;
  t.metrics.push_back({"scale-store", policy::MetricType::kRequests, 65, 100});
  t.cooldown_down = absl::Minutes(10);
  metrics::SampleStore store;
  testing::FakeActuator actuator;
  actuator.state["storefront"] = {2, 2};
  auto first = ControlLoop::Create({t}, &store, &actuator, nullptr);
  ASSERT_TRUE(first.ok());
  for (int r = 0; r < 2; ++r) {
    metrics::Sample s;
    s.target = "storefront";
    s.metric = policy::MetricType::kRequests;
    s.replica_id = "r" + std::to_string(r);
    s.value = 260;
    s.time = kT0;
    ASSERT_TRUE(store.Add(s).ok());
  }
  ASSERT_TRUE((*first)->Tick(kT0).ok());
  ASSERT_TRUE((*first)->SetMode("storefront", policy::Mode::kDryRun).ok());
  const std::string path = TempPath("loop.json");
  ASSERT_TRUE(WriteStateFile(path, {kT0, (*first)->SaveState()}).ok());

  auto second = ControlLoop::Create({t}, &store, &actuator, nullptr);
  ASSERT_TRUE(second.ok());
  absl::StatusOr<SavedState> saved = ReadStateFile(path);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ((*second)->RestoreState(saved->targets), std::vector<std::string>{"storefront"});
  EXPECT_EQ(*(*second)->ModeOf("storefront"), policy::Mode::kDryRun);
  EXPECT_EQ(StateToJson({kT0, (*second)->SaveState()}), StateToJson({kT0, (*first)->SaveState()}));
}

}  // namespace
}  // namespace limiar::controller
