// Reload reads only the blueprint file `serve` was started with, and only when that is a
// regular file within the size cap: a path from a client could make the server read
// /dev/zero until it runs out of memory, or a FIFO that blocks reloads for good.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class ReloadPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(blueprint_, testing::ReadFileOrDie(TestData("no_warnings.json")));
    serve_ = StartServe(dir_, blueprint_, {{"tick_interval_s", 3600}});
    ASSERT_NE(serve_, nullptr);
  }

  // A short client timeout: a reload that blocks shows as DEADLINE_EXCEEDED, not a hang.
  RunResult Limiar(std::vector<std::string> args) {
    args.insert(args.end(), {"--server", serve_->grpc_address(), "--timeout", "5"});
    return RunLimiar(args);
  }

  // Puts `make(tmp)`'s file in place of the configured blueprint in one rename.
  void ReplaceBlueprint(const std::function<void(const std::string&)>& make) {
    const std::string tmp = dir_.File("next");
    make(tmp);
    ASSERT_EQ(std::rename(tmp.c_str(), blueprint_.c_str()), 0);
  }

  // Still the start-up blueprint: storefront up to 8 and no checkout-api.
  void ExpectStartupBlueprintRunning() {
    const RunResult status = Limiar({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.output;
    EXPECT_THAT(status.output, AllOf(HasSubstr("2..8"), Not(HasSubstr("checkout-api"))));
  }

  testing::TestDir dir_;
  const std::string blueprint_ = dir_.File("blueprint.json");
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(ReloadPathTest, AClientPathIsRefusedWithWhatToDoInstead) {
  const RunResult other = Limiar({"reload", TestData("reload_good.json")});
  EXPECT_EQ(other.exit_code, 1) << other.output;
  EXPECT_THAT(other.output, AllOf(HasSubstr("reloads only the blueprint it was started with"),
                                  HasSubstr(blueprint_), HasSubstr("--blueprint")));
  ExpectStartupBlueprintRunning();

  const std::string fifo = dir_.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const RunResult blocking = Limiar({"reload", fifo});
  EXPECT_EQ(blocking.exit_code, 1) << blocking.output;
  EXPECT_THAT(blocking.output, AllOf(HasSubstr("reloads only the blueprint it was started with"),
                                     Not(HasSubstr("DEADLINE_EXCEEDED"))));

  // The configured path itself, as older clients send it, is the configured file.
  const RunResult same = Limiar({"reload", blueprint_});
  EXPECT_EQ(same.exit_code, 0) << same.output;
}

TEST_F(ReloadPathTest, TheConfiguredFileMustBeARegularFileWithinTheCap) {
  // A valid blueprint padded past the 16 MiB cap with whitespace.
  ReplaceBlueprint([](const std::string& tmp) {
    testing::WriteFile(
        tmp, testing::ReadFileOrDie(TestData("reload_good.json")) + std::string(17 << 20, ' '));
  });
  RunResult refused = Limiar({"reload"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, AllOf(HasSubstr(blueprint_), HasSubstr("16777216 bytes")));
  ExpectStartupBlueprintRunning();

  // A FIFO would block the reading thread, and every reload after it, until a writer came.
  ReplaceBlueprint([](const std::string& tmp) { ASSERT_EQ(::mkfifo(tmp.c_str(), 0600), 0); });
  refused = Limiar({"reload"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, AllOf(HasSubstr(blueprint_), HasSubstr("not a regular file"),
                                    Not(HasSubstr("DEADLINE_EXCEEDED"))));

  // /dev/zero never ends: read whole, it grew the server to 970 MB.
  ReplaceBlueprint(
      [](const std::string& tmp) { ASSERT_EQ(::symlink("/dev/zero", tmp.c_str()), 0); });
  refused = Limiar({"reload"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, AllOf(HasSubstr(blueprint_), HasSubstr("not a regular file")));
  ExpectStartupBlueprintRunning();

  // Reloads still work once the file is a blueprint again.
  ReplaceBlueprint([](const std::string& tmp) {
    testing::WriteFile(tmp, testing::ReadFileOrDie(TestData("reload_good.json")));
  });
  const RunResult reloaded = Limiar({"reload"});
  EXPECT_EQ(reloaded.exit_code, 0) << reloaded.output;
  EXPECT_THAT(reloaded.output, HasSubstr("reloaded: 2 targets"));
}

}  // namespace
}  // namespace limiar::serve_test
