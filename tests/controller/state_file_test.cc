#include "src/controller/state_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "nlohmann/json.hpp"
#include "src/metrics/store/sample_store.h"
#include "tests/fakes/fake_actuator.h"
#include "tests/support/test_dir.h"

namespace limiar::controller {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1795766400);

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
  t.policy.load_history.push_back({kT0 - absl::Minutes(1), {120.5, 0, 1999.25}});
  return s;
}

TEST(StateFileTest, RoundTripsEveryField) {
  const ::limiar::testing::TestDir tmp;
  const std::string path = tmp.File("roundtrip.json");
  ASSERT_TRUE(WriteStateFile(path, Sample()).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  absl::StatusOr<SavedState> back = ReadStateFile(path, kT0);
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
  ASSERT_EQ(t.policy.load_history.size(), 1u);
  EXPECT_EQ(t.policy.load_history[0].last_minute, kT0 - absl::Minutes(1));
  EXPECT_THAT(t.policy.load_history[0].minutes, ::testing::ElementsAre(120.5, 0, 1999.25));
}

TEST(StateFileTest, MissingTornAndForeignFilesAreNamed) {
  const ::limiar::testing::TestDir tmp;
  EXPECT_EQ(ReadStateFile(tmp.File("absent.json"), kT0).status().code(),
            absl::StatusCode::kNotFound);
  const std::string torn = tmp.File("torn.json");
  std::ofstream(torn) << "{\"version\": 1, \"targets\": {\"a\": {\"mo";
  absl::StatusOr<SavedState> r = ReadStateFile(torn, kT0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find(torn), std::string::npos);
  const std::string bad_field = tmp.File("bad_field.json");
  std::ofstream(bad_field)
      << R"({"version": 1, "saved_at_ms": 0, "targets": {"web": {"mode": "fast"}}})";
  r = ReadStateFile(bad_field, kT0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("targets.web"), std::string::npos) << r.status();
  const std::string future = tmp.File("future.json");
  std::ofstream(future) << R"({"version": 9, "saved_at_ms": 0, "targets": {}})";
  EXPECT_EQ(ReadStateFile(future, kT0).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(StateFileTest, AStartSetsAnUnreadableFileAsideAndIgnoresAMissingOne) {
  const ::limiar::testing::TestDir tmp;
  const std::string absent = tmp.File("start_absent.json");
  StartState start = ReadStateFileAtStart(absent, kT0);
  EXPECT_FALSE(start.saved.has_value());
  EXPECT_TRUE(start.error.ok()) << start.error;
  EXPECT_TRUE(start.set_aside_to.empty());

  const std::string good = tmp.File("start_good.json");
  ASSERT_TRUE(WriteStateFile(good, Sample()).ok());
  start = ReadStateFileAtStart(good, kT0);
  ASSERT_TRUE(start.saved.has_value());
  EXPECT_EQ(StateToJson(*start.saved), StateToJson(Sample()));
  EXPECT_TRUE(start.error.ok());
  EXPECT_TRUE(std::filesystem::exists(good));

  const std::string torn = tmp.File("start_torn.json");
  std::filesystem::remove(torn + ".unreadable");
  std::ofstream(torn) << "{\"version\": 1, \"targ";
  start = ReadStateFileAtStart(torn, kT0);
  EXPECT_FALSE(start.saved.has_value());
  EXPECT_EQ(start.error.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(start.set_aside_to, torn + ".unreadable");
  EXPECT_FALSE(std::filesystem::exists(torn));
  EXPECT_TRUE(std::filesystem::exists(torn + ".unreadable"));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(StateFileTest, TheTempFileIsNeverReachedThroughASymlink) {
  const ::limiar::testing::TestDir tmp;
  const std::string path = tmp.File("linked.json");
  const std::string victim = tmp.File("victim.txt");
  std::ofstream(victim) << "precious";
  std::filesystem::remove(path + ".tmp");
  std::filesystem::create_symlink(victim, path + ".tmp");
  ASSERT_TRUE(WriteStateFile(path, Sample()).ok());
  EXPECT_EQ(ReadAll(victim), "precious");
  EXPECT_FALSE(std::filesystem::is_symlink(path));
  absl::StatusOr<SavedState> back = ReadStateFile(path, kT0);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(StateToJson(*back), StateToJson(Sample()));
  // Nothing of ours is left beside the file: the temp file was renamed into place.
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("linked.json", 0) == 0) {
      EXPECT_TRUE(name == "linked.json" || name == "linked.json.tmp") << name;
    }
  }
}

// Sample()'s JSON with the value at `pointer` replaced by `value` (raw JSON text).
std::string Mutated(const std::string& pointer, const std::string& value) {
  nlohmann::json doc = nlohmann::json::parse(StateToJson(Sample()));
  doc[nlohmann::json::json_pointer(pointer)] = nlohmann::json::parse(value);
  return doc.dump();
}

// "[1,1,...]": a JSON list of `n` ones.
std::string Ones(size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += i ? ",1" : "1";
  return out + "]";
}

TEST(StateFileTest, RestoredNumbersAreIntegersInRangeAndNothingIsDatedAfterNow) {
  const std::string now_ms = std::to_string(absl::ToUnixMillis(kT0));
  const std::string later_ms = std::to_string(absl::ToUnixMillis(kT0) + 1);
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {R"({"version": 55e8, "saved_at_ms": 0, "targets": {}})",
       "version: must be an integer, not 5500000000.0"},
      {R"({"saved_at_ms": 0, "targets": {}})", "version: missing"},
      {R"([1, 2])", "(top): must be an object, not an array of 2 elements"},
      {Mutated("/saved_at_ms", "1e300"), "saved_at_ms: must be an integer, not 1e+300"},
      {Mutated("/saved_at_ms", "-5"), "saved_at_ms: -5 is before 1970"},
      {Mutated("/saved_at_ms", later_ms), "saved_at_ms: " + later_ms + " is after now (" + now_ms},
      {Mutated("/targets/storefront/replicas", "-2"),
       "targets.storefront.replicas: must be an integer from -1 to 2147483647, not -2"},
      {Mutated("/targets/storefront/replicas", "3000000000"),
       "targets.storefront.replicas: must be an integer from -1 to 2147483647"},
      {Mutated("/targets/storefront/recommendations/0/1", "8.5"),
       "targets.storefront.recommendations[0][1]: must be an integer from 0 to 2147483647, not "
       "8.5"},
      {Mutated("/targets/storefront/recommendations/1/0", later_ms),
       "targets.storefront.recommendations[1][0]: " + later_ms + " is after now"},
      {Mutated("/targets/storefront/recommendations/1", "[1]"),
       "targets.storefront.recommendations[1]: must be [time_ms, value]"},
      {Mutated("/targets/storefront/scale_up_events/0/1", "-3"),
       "targets.storefront.scale_up_events[0][1]: must be an integer from 0"},
      {Mutated("/targets/storefront/kpa/0/max_panic_pods", "1.5"),
       "targets.storefront.kpa[0].max_panic_pods: must be an integer"},
      {Mutated("/targets/storefront/kpa/0/panic_time_ms", later_ms),
       "targets.storefront.kpa[0].panic_time_ms: " + later_ms + " is after now"},
      {Mutated("/targets/storefront/kpa/0/delay_window/0/0", "1e300"),
       "targets.storefront.kpa[0].delay_window[0][0]: must be an integer"},
      {Mutated("/targets/storefront/last_scale_up_ms", "1e300"),
       "targets.storefront.last_scale_up_ms: must be an integer"},
      {Mutated("/targets/storefront/consecutive_failures", "-1"),
       "targets.storefront.consecutive_failures: must be an integer from 0 to 2147483647"},
      {Mutated("/targets/storefront/hpa_history_started", "1"),
       "targets.storefront.hpa_history_started: must be a boolean"},
      {Mutated("/targets/storefront/mode", "\"fast\""),
       "targets.storefront.mode: must be enforce, dry-run or paused"},
      {Mutated("/targets/storefront/recommendations", "{}"),
       "targets.storefront.recommendations: must be an array"},
      {Mutated("/targets/storefront/load_history/0/minutes/2", "-1"),
       "targets.storefront.load_history[0].minutes[2]: must be a load >= 0, not -1"},
      {Mutated("/targets/storefront/load_history/0/minutes/0", "\"many\""),
       "targets.storefront.load_history[0].minutes[0]: must be a load >= 0"},
      {Mutated("/targets/storefront/load_history/0/last_minute_ms", later_ms),
       "targets.storefront.load_history[0].last_minute_ms: " + later_ms + " is after now"},
      {Mutated("/targets/storefront/load_history/0/last_minute_ms", "null"),
       "targets.storefront.load_history[0].last_minute_ms: must date the newest minute"},
      {Mutated("/targets/storefront/load_history/0/minutes", Ones(129601)),
       "targets.storefront.load_history[0].minutes: 129601 minutes is more than the 129600"},
      {Mutated("/targets/storefront/load_history", "{}"),
       "targets.storefront.load_history: must be an array"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const absl::StatusOr<SavedState> r = StateFromJson(c.text, "state.json", kT0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("state.json: " + c.error));
  }
  // What was saved at `now` itself is fine.
  EXPECT_TRUE(StateFromJson(StateToJson(Sample()), "state.json", kT0).ok());
}

TEST(StateFileTest, SizeDepthAndKindOfFileAreCheckedBeforeParsing) {
  const ::limiar::testing::TestDir tmp;
  const std::string deep = tmp.File("deep.json");
  std::ofstream(deep) << R"({"version": 1, "saved_at_ms": 0, "targets": )"
                      << std::string(100'000, '[');
  absl::StatusOr<SavedState> r = ReadStateFile(deep, kT0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("nested more than 16 levels deep"));

  // A sparse file past the cap: refused by its size, without reading it.
  const std::string huge = tmp.File("huge.json");
  std::ofstream(huge).close();
  std::filesystem::resize_file(huge, (256u << 20) + 1);
  r = ReadStateFile(huge, kT0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("268435457 bytes, over the limit of 268435456 bytes"));
  std::filesystem::remove(huge);

  const std::string dir = tmp.File("a_directory");
  std::filesystem::create_directories(dir);
  r = ReadStateFile(dir, kT0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not a regular file"));
}

TEST(StateFileTest, ControlLoopStateSurvivesAFileRoundTrip) {
  const ::limiar::testing::TestDir tmp;
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
  const std::string path = tmp.File("loop.json");
  ASSERT_TRUE(WriteStateFile(path, {kT0, (*first)->SaveState()}).ok());

  auto second = ControlLoop::Create({t}, &store, &actuator, nullptr);
  ASSERT_TRUE(second.ok());
  absl::StatusOr<SavedState> saved = ReadStateFile(path, kT0);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ((*second)->RestoreState(saved->targets), std::vector<std::string>{"storefront"});
  EXPECT_EQ(*(*second)->ModeOf("storefront"), policy::Mode::kDryRun);
  EXPECT_EQ(StateToJson({kT0, (*second)->SaveState()}), StateToJson({kT0, (*first)->SaveState()}));
}

}  // namespace
}  // namespace limiar::controller
