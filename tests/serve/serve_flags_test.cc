// What `limiar serve`'s flags do to the config, and the scraper pool the sources ask for.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/serve/serve_config.h"

namespace limiar::serve {
namespace {

using ::testing::HasSubstr;

TEST(ApplyServeFlagsTest, AGivenFlagOverridesTheFileAndAnAbsentOneKeepsIt) {
  absl::StatusOr<ServeConfig> c = ParseServeConfig(
      R"({"grpc_listen": "0.0.0.0:1", "http_listen": "0.0.0.0:2", "state_file": "/s",
          "admin_token_file": "/t", "tick_interval_s": 30})",
      "c.json");
  ASSERT_TRUE(c.ok()) << c.status();

  ServeConfig kept = *c;
  ASSERT_TRUE(ApplyServeFlags({}, kept).ok());
  EXPECT_EQ(kept.grpc_listen, "0.0.0.0:1");
  EXPECT_EQ(kept.http_listen, "0.0.0.0:2");
  EXPECT_EQ(kept.state_file, "/s");
  EXPECT_EQ(kept.admin_token_file, "/t");
  EXPECT_EQ(kept.tick_interval, absl::Seconds(30));

  ServeConfig flagged = *c;
  ASSERT_TRUE(ApplyServeFlags({.grpc_listen = "127.0.0.1:7",
                               .http_listen = "127.0.0.1:8",
                               .state_file = "/var/state.json",
                               .admin_token_file = "/run/token",
                               .tick_interval_s = 2.5},
                              flagged)
                  .ok());
  EXPECT_EQ(flagged.grpc_listen, "127.0.0.1:7");
  EXPECT_EQ(flagged.http_listen, "127.0.0.1:8");
  EXPECT_EQ(flagged.state_file, "/var/state.json");
  EXPECT_EQ(flagged.admin_token_file, "/run/token");
  EXPECT_EQ(flagged.tick_interval, absl::Milliseconds(2500));
}

TEST(ApplyServeFlagsTest, ATickIntervalOutOfTheConfigsRangeIsRefused) {
  for (const double bad : {0.05, 3601.0, -1.0}) {
    ServeConfig c;
    const absl::Status s = ApplyServeFlags({.state_file = "/s", .tick_interval_s = bad}, c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), HasSubstr("--tick-interval: must be at least 0.1"));
    EXPECT_EQ(c.state_file, "") << "unchanged on error";
  }
  ServeConfig c;
  EXPECT_TRUE(ApplyServeFlags({.tick_interval_s = 3600}, c).ok());
  EXPECT_EQ(c.tick_interval, absl::Hours(1));
}

std::vector<policy::TargetPolicy> WebAndApi() {
  policy::TargetPolicy web;
  web.target = "web";
  web.metrics.resize(1);
  web.metrics[0].metric = policy::MetricType::kCpu;
  policy::TargetPolicy api = web;
  api.target = "api";
  return {web, api};
}

int PoolFor(const std::string& sources) {
  absl::StatusOr<ServeConfig> c =
      ParseServeConfig(absl::StrCat(R"({"sources": )", sources, "}"), "c.json");
  EXPECT_TRUE(c.ok()) << c.status();
  if (!c.ok()) return -1;
  absl::StatusOr<ResolvedSources> r = ResolveSources(*c, WebAndApi(), "bp.json");
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->scraper.max_concurrency : -1;
}

// One pool scrapes every target: as large as the largest any target asks for.
TEST(ResolveSourcesTest, TheScraperPoolIsTheLargestAnyTargetAsksFor) {
  const std::string m = R"("metrics": [{"metric": "cpu", "series": "x"}])";
  EXPECT_EQ(PoolFor("{}"), 16);
  EXPECT_EQ(PoolFor(absl::StrCat(R"({"web": {"scrape": {"endpoints": ["a:1"], )", m, "}}}")), 16);
  EXPECT_EQ(PoolFor(absl::StrCat(R"({"web": {"scrape": {"endpoints": ["a:1"], )", m,
                                 R"(, "max_concurrency": 4}}})")),
            4);
  EXPECT_EQ(
      PoolFor(absl::StrCat(
          R"({"web": {"scrape": {"endpoints": ["a:1"], "max_concurrency": 4, )", m,
          R"(}}, "api": {"scrape": {"endpoints": ["b:1"], "max_concurrency": 40, )", m, "}}}")),
      40);
}

}  // namespace
}  // namespace limiar::serve
