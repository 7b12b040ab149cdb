#include "src/actuator/command_template.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar::actuator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kNames = {"target", "replicas", "reason"};

std::vector<std::string> Split(const std::string& text) {
  absl::StatusOr<std::vector<std::string>> args = SplitCommandLine(text);
  EXPECT_TRUE(args.ok()) << args.status();
  return args.ok() ? *args : std::vector<std::string>{};
}

TEST(SplitCommandLineTest, BlanksSeparate) {
  EXPECT_THAT(Split("  kubectl  scale\tdeployment/web\n--replicas=3 "),
              ElementsAre("kubectl", "scale", "deployment/web", "--replicas=3"));
}

TEST(SplitCommandLineTest, QuotesAndBackslashes) {
  EXPECT_THAT(Split(R"(a 'b c' "d \"e\" \\ \n" f\ g '' h'i'"j")"),
              ElementsAre("a", "b c", R"(d "e" \ \n)", "f g", "", "hij"));
}

TEST(SplitCommandLineTest, ShellSyntaxIsPlainText) {
  EXPECT_THAT(Split("echo $HOME `id` *; rm -rf / | cat > x & # no"),
              ElementsAre("echo", "$HOME", "`id`", "*;", "rm", "-rf", "/", "|", "cat", ">", "x",
                          "&", "#", "no"));
}

TEST(SplitCommandLineTest, Errors) {
  EXPECT_THAT(SplitCommandLine("a 'b").status().message(), HasSubstr("unterminated ' quote"));
  EXPECT_THAT(SplitCommandLine("a \"b").status().message(), HasSubstr("unterminated \" quote"));
  EXPECT_THAT(SplitCommandLine("a \\").status().message(), HasSubstr("trailing backslash"));
}

TEST(CommandTemplateTest, FillsPlaceholdersInsideArguments) {
  absl::StatusOr<CommandTemplate> t =
      CommandTemplate::Parse("kubectl scale deployment/{target} --replicas={replicas}", kNames);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->Expand({{"target", "web"}, {"replicas", "5"}}),
              ElementsAre("kubectl", "scale", "deployment/web", "--replicas=5"));
}

TEST(CommandTemplateTest, ValuesCannotAddArgumentsOrSyntax) {
  absl::StatusOr<CommandTemplate> t = CommandTemplate::Parse("notify {reason} end", kNames);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(t->Expand({{"reason", "a b; rm -rf / $(id) 'x' \"y\""}}),
              ElementsAre("notify", "a b; rm -rf / $(id) 'x' \"y\"", "end"));
  // A value that looks like a placeholder is not expanded again.
  EXPECT_THAT(t->Expand({{"reason", "{target}"}, {"target", "web"}}),
              ElementsAre("notify", "{target}", "end"));
}

TEST(CommandTemplateTest, JsonBracesAreLiteral) {
  absl::StatusOr<CommandTemplate> t = CommandTemplate::Parse(
      R"(kubectl patch deployment/{target} -p '{"spec":{"replicas":{replicas}}}')", kNames);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(
      t->Expand({{"target", "web"}, {"replicas", "4"}}),
      ElementsAre("kubectl", "patch", "deployment/web", "-p", R"({"spec":{"replicas":4}})"));
}

TEST(CommandTemplateTest, RepeatedAndAdjacentPlaceholders) {
  absl::StatusOr<CommandTemplate> t =
      CommandTemplate::Parse("x {target}{replicas}{target}", kNames);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(t->Expand({{"target", "a"}, {"replicas", "1"}}), ElementsAre("x", "a1a"));
}

TEST(CommandTemplateTest, Errors) {
  EXPECT_THAT(CommandTemplate::Parse("x --n={replica}", kNames).status().message(),
              HasSubstr("unknown placeholder {replica}"));
  EXPECT_THAT(CommandTemplate::Parse("/bin/{target} x", kNames).status().message(),
              HasSubstr("program name"));
  EXPECT_THAT(CommandTemplate::Parse("   ", kNames).status().message(), HasSubstr("empty command"));
}

}  // namespace
}  // namespace limiar::actuator
