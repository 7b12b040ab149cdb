#include "src/cli/serve_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace limiar::cli {
namespace {

using ::testing::HasSubstr;

TEST(ServeConfigTest, KeysAreReadWithTheirDefaultsElsewhere) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"tick_interval_s": 5, "ingest_token_file": "/t", "grpc": {"max_threads": 8},
          "store": {"max_replicas_per_target": 50}, "ingest": {"max_rejections_listed": 3}})",
      "c.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tick_interval, absl::Seconds(5));
  EXPECT_EQ(c->ingest_token_file, "/t");
  EXPECT_EQ(c->grpc.max_threads, 8);
  EXPECT_EQ(c->store.max_replicas_per_target, 50u);
  EXPECT_EQ(c->ingest.max_rejections_listed, 3u);
  EXPECT_EQ(c->store.max_age, absl::Minutes(2));
}

// Found by the serve_config fuzz target: a number beyond a double's range threw an exception
// nobody caught, and `limiar serve` terminated.
TEST(ServeConfigTest, ANumberOutOfRangeIsAnErrorNotACrash) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(R"({"tick_interval_s": 4e308})", "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("c.json: not valid JSON"));
}

TEST(ServeConfigTest, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep =
      "{\"sources\": " + std::string(10'000, '[') + std::string(10'000, ']') + "}";
  absl::StatusOr<ServeConfig> c = ParseServeConfig(deep, "c.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("nested more than 16 levels deep"));
}

TEST(ServeConfigTest, AFifoOrAMissingFileIsRefusedUnread) {
  EXPECT_FALSE(LoadServeConfig("/dev/zero").ok());
  EXPECT_FALSE(LoadServeConfig("/nonexistent/limiar.json").ok());
}

}  // namespace
}  // namespace limiar::cli
