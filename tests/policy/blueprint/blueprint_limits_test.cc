// Hostile blueprints (issue 8, item 14): nesting past the depth limit, floods of duplicate
// keys, keys as long as the file, and paths that are not regular files. Each must end in a
// short error that says where and what to do, never in a crash, a hang or a flood of text.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "tests/policy/blueprint/test_blueprints.h"
#include "tests/support/test_dir.h"

namespace limiar::policy::blueprint {
namespace {

using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::WithAutoscaleConfig;
using testing::WithResources;

// `depth` objects {"a": ...} around `innermost`.
std::string NestedObjects(int depth, const std::string& innermost) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"a\": ";
  text += innermost;
  text.append(depth, '}');
  return text;
}

// {"k": 1, "k": 1, ...}: `count` copies of one key.
std::string DuplicateKeys(const std::string& key, int count) {
  std::string text = "{";
  for (int i = 0; i < count; ++i) absl::StrAppend(&text, i ? ", " : "", "\"", key, "\": 1");
  return text + "}";
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<LoadedBlueprint> b = LoadBlueprintText(text, "t.json");
  EXPECT_FALSE(b.ok());
  return b.ok() ? "" : std::string(b.status().message());
}

// The issue's case: 8,000 levels of nesting around 4,000 duplicate keys cost 5 s and a
// 64 MB error text (one line per duplicate, each with a 16 KB path rebuilt per key).
TEST(BlueprintLimits, DeepNestingIsRefusedBeforeParsingWithThePathAndTheLimit) {
  const std::string text = NestedObjects(8000, DuplicateKeys("k", 4000));
  const std::string error = ErrorOf(text);
  EXPECT_LT(error.size(), 1000u) << error.substr(0, 2000);
  EXPECT_THAT(error, StartsWith("t.json: a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: nested more than 16 "
                                "levels deep; "));
  EXPECT_THAT(error, EndsWith("flatten it: a blueprint's values nest 6 levels deep at most"));
}

// The deepest real blueprint (../shared/blueprints) is 4 levels deep, the examples 6: the
// limit leaves room for any value the loader reads, and stops the one level past it.
TEST(BlueprintLimits, DepthLimitAcceptsSixteenLevelsAndNamesTheSeventeenth) {
  auto with_env = [](int levels) {  // root, recursos, resource and config: 4 levels
    return WithResources(absl::StrCat(
        R"({"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 3,
            "env": )",
        NestedObjects(levels - 4, "1"), "}}"));
  };
  absl::StatusOr<LoadedBlueprint> ok = LoadBlueprintText(with_env(16), "t.json");
  EXPECT_TRUE(ok.ok()) << ok.status();
  EXPECT_THAT(ErrorOf(with_env(17)),
              HasSubstr("t.json: recursos[0].config.env.a.a.a.a.a.a.a.a.a.a.a.a: nested more "
                        "than 16 levels deep; "));
}

TEST(BlueprintLimits, DuplicateKeysAreListedUpToAHundredThenCounted) {
  const std::vector<std::string> lines = absl::StrSplit(
      ErrorOf(WithAutoscaleConfig(absl::StrCat(", \"x\": ", DuplicateKeys("k", 5001)))), '\n');
  ASSERT_THAT(lines, SizeIs(101));
  EXPECT_EQ(lines[0],
            "t.json: recursos[1].config.x.k: duplicate key; JSON keeps only the last one; remove "
            "the other");
  // 5,000 duplicates and the unknown key x.
  EXPECT_EQ(lines[100], "t.json: and 4901 more problems, not listed; fix the ones above first");
}

// A key as long as the file: each line quotes a cut of it, not all of it.
TEST(BlueprintLimits, LongKeysAreCutInMessages) {
  const std::string key(100000, 'x');
  const std::string error =
      ErrorOf(WithAutoscaleConfig(absl::StrCat(", \"o\": ", DuplicateKeys(key, 3))));
  const std::vector<std::string> lines = absl::StrSplit(error, '\n');
  ASSERT_THAT(lines, SizeIs(3));  // two duplicates and the unknown key o
  for (const std::string& line : lines) {
    EXPECT_LT(line.size(), 1000u);
  }
  EXPECT_THAT(lines[0], AllOf(StartsWith("t.json: recursos[1].config.o.xxxx"),
                              HasSubstr("...: duplicate key; JSON keeps only the last one")));
}

// Unknown keys of a megabyte each: no suggestion is looked for (a distance to each known key
// cost 3.5 s a key), and each line quotes a cut of the key.
TEST(BlueprintLimits, UnknownKeysAsLongAsTheFileGetNoSuggestion) {
  std::string keys;
  for (char c = 'a'; c < 'p'; ++c)
    absl::StrAppend(&keys, ", \"", std::string(1, c), std::string(999999, 'x'), "\": 1");
  const std::vector<std::string> lines = absl::StrSplit(ErrorOf(WithAutoscaleConfig(keys)), '\n');
  ASSERT_THAT(lines, SizeIs(15));
  EXPECT_THAT(lines[0], AllOf(StartsWith("t.json: recursos[1].config.axxx"),
                              HasSubstr("...: unknown key; ")));
  EXPECT_LT(lines[0].size(), 1000u);
}

// Control characters in a key cannot forge lines of the error text.
TEST(BlueprintLimits, ControlCharactersInKeysAreEscaped) {
  const std::string error = ErrorOf(WithAutoscaleConfig(R"(, "evil\nt.json: ok": 1)"));
  EXPECT_THAT(error, HasSubstr("recursos[1].config.evil\\nt.json: ok: unknown key"));
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

class BlueprintFileLimits : public ::testing::Test {
 protected:
  limiar::testing::TestDir dir_;
};

// /dev/zero never ends: reading it whole grew `serve`'s memory without bound.
TEST_F(BlueprintFileLimits, DevZeroIsNotARegularFile) {
  absl::StatusOr<LoadedBlueprint> b = LoadBlueprintFile("/dev/zero");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(),
            "/dev/zero: cannot read the blueprint: not a regular file (a character device); give "
            "the path of a blueprint file");
}

// Opening a FIFO for reading waits for a writer: the loader would hang.
TEST_F(BlueprintFileLimits, FifoIsRefusedWithoutWaitingForAWriter) {
  const std::string fifo = dir_ / "bp.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<LoadedBlueprint> b = LoadBlueprintFile(fifo);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(),
              HasSubstr(": cannot read the blueprint: not a regular file (a FIFO)"));
}

TEST_F(BlueprintFileLimits, FileOverTheSizeLimitIsRefusedUnread) {
  const std::string big = dir_ / "big.json";
  std::ofstream(big).put('{');
  std::filesystem::resize_file(big, (16 << 20) + 1);  // sparse: costs no disk
  absl::StatusOr<LoadedBlueprint> b = LoadBlueprintFile(big);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(),
            absl::StrCat(big,
                         ": 16777217 bytes, over the limit of 16777216 bytes for a blueprint file; "
                         "check the path"));
}

}  // namespace
}  // namespace limiar::policy::blueprint
