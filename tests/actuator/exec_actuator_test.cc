// Runs real processes: /bin/sh scripts written to a temp dir.
#include "src/actuator/exec_actuator.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/actuator/process_runner.h"
#include "tests/actuator/test_support.h"

namespace limiar::actuator {
namespace {

using ::limiar::testing::ReadFileOrDie;
using ::limiar::testing::TestDir;
using ::limiar::testing::WriteScript;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ScaleRequest Request(const std::string& target, int32_t replicas) {
  return {target,
          replicas,
          2,
          "scale_up",
          "requests 92% of 65%: 2 -> 5",
          absl::FromUnixSeconds(1800000000)};
}

class ExecActuatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = dir_.File("argv.log");
    // Appends one line per call: each argument in brackets, so boundaries are visible.
    WriteScript(dir_.File("record"), absl::StrCat("for a in \"$@\"; do printf '[%s]' \"$a\" >> '",
                                                  log_, "'; done\necho >> '", log_, "'\n"));
  }

  std::unique_ptr<ExecActuator> Make(const std::string& command, const std::string& observe = "",
                                     absl::Duration timeout = absl::Seconds(20)) {
    ExecOptions options{command, observe, timeout};
    auto actuator = ExecActuator::Create(options, {{"storefront", 2}}, {{"storefront", "web-rps"}});
    EXPECT_TRUE(actuator.ok()) << actuator.status();
    return actuator.ok() ? *std::move(actuator) : nullptr;
  }

  std::vector<std::string> LoggedLines() {
    return absl::StrSplit(ReadFileOrDie(log_), '\n', absl::SkipEmpty());
  }

  TestDir dir_;
  std::string log_;
};

TEST_F(ExecActuatorTest, RunsTheCommandWithPlaceholdersFilled) {
  auto exec = Make(dir_.File("record") +
                   " scale {resource} deployment/{target} --replicas={replicas} "
                   "--previous={previous} {reason} '{message}'");
  ASSERT_TRUE(exec->SetReplicas(Request("storefront", 5)).ok());
  EXPECT_THAT(LoggedLines(),
              ElementsAre("[scale][web-rps][deployment/storefront][--replicas=5][--previous=2]"
                          "[scale_up][requests 92% of 65%: 2 -> 5]"));
}

TEST_F(ExecActuatorTest, NoValueCanInjectShellSyntax) {
  const std::string pwned = dir_.File("pwned");
  auto exec = Make(dir_.File("record") + " {target} {reason}");
  ScaleRequest request = Request("x; touch " + pwned, 1);
  request.reason = "$(touch " + pwned + ") `touch " + pwned + "` | touch " + pwned;
  ASSERT_TRUE(exec->SetReplicas(request).ok());
  EXPECT_THAT(LoggedLines(),
              ElementsAre(absl::StrCat("[x; touch ", pwned, "][$(touch ", pwned, ") `touch ", pwned,
                                       "` | touch ", pwned, "]")));
  EXPECT_FALSE(std::ifstream(pwned).good());
}

TEST_F(ExecActuatorTest, NonZeroExitNamesTheCodeAndLastStderrLine) {
  WriteScript(dir_.File("fail"),
              "echo 'progress...' >&2\n"
              "echo 'Error from server (NotFound): deployments.apps \"web\" not found' >&2\n"
              "exit 3\n");
  auto exec = Make(dir_.File("fail") + " {target}");
  const absl::Status status = exec->SetReplicas(Request("storefront", 5));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);  // permanent: not retried
  EXPECT_THAT(status.message(), HasSubstr("exited with code 3"));
  EXPECT_THAT(status.message(),
              HasSubstr("Error from server (NotFound): deployments.apps \"web\" not found"));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("progress")));
  // A failed call does not change what Observe reports.
  EXPECT_EQ(exec->Observe("storefront")->spec_replicas, 2);
}

TEST_F(ExecActuatorTest, LastStderrLineIsQuotedWithControlBytesEscaped) {
  // A terminal escape sequence or a carriage return must not reach a log line raw.
  WriteScript(dir_.File("fails"), "printf 'fetching\\rboom \\033[2J cleared\\n' >&2\nexit 3\n");
  auto exec = Make(dir_.File("fails"));
  const absl::Status status = exec->SetReplicas(Request("storefront", 5));
  EXPECT_THAT(status.message(), HasSubstr("exited with code 3: fetching\\rboom \\x1b[2J cleared"));
}

TEST_F(ExecActuatorTest, ExitTempFailIsRetryable) {
  WriteScript(dir_.File("busy"), "echo 'server busy' >&2\nexit 75\n");
  auto exec = Make(dir_.File("busy"));
  const absl::Status status = exec->SetReplicas(Request("storefront", 5));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("server busy"));
}

TEST_F(ExecActuatorTest, TimeoutKillsTheWholeProcessGroup) {
  const std::string pid_file = dir_.File("child.pid");
  // The script starts a grandchild and waits on it: both must die at the timeout.
  WriteScript(dir_.File("hang"),
              absl::StrCat("sleep 300 &\necho $! > '", pid_file, "'\necho started >&2\nwait\n"));
  auto exec = Make(dir_.File("hang"), "", absl::Milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  const absl::Status status = exec->SetReplicas(Request("storefront", 5));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(status.message(), HasSubstr("killed"));

  pid_t grandchild = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFileOrDie(pid_file)), &grandchild));
  // SIGKILL is delivered asynchronously: wait (bounded) until the grandchild is gone or a
  // zombie waiting for its new parent to reap it.
  const std::string stat_path = absl::StrCat("/proc/", grandchild, "/stat");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool dead = false;
  while (!dead && std::chrono::steady_clock::now() < give_up) {
    const std::string stat = ReadFileOrDie(stat_path);
    const size_t paren = stat.rfind(')');
    dead = stat.empty() || (paren != std::string::npos && paren + 2 < stat.size() &&
                            (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X'));
    if (!dead) std::this_thread::yield();
  }
  EXPECT_TRUE(dead) << "grandchild " << grandchild << " survived the timeout";
  if (!dead) ::kill(grandchild, SIGKILL);
}

TEST_F(ExecActuatorTest, MissingProgramIsNotFound) {
  auto exec = Make(dir_.File("no-such-program") + " {target}");
  const absl::Status status = exec->SetReplicas(Request("storefront", 5));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("no-such-program"));
}

TEST_F(ExecActuatorTest, ProgramIsSearchedInPath) {
  auto exec = Make("true {target}");
  EXPECT_TRUE(exec->SetReplicas(Request("storefront", 5)).ok());
}

TEST_F(ExecActuatorTest, ObserveWithoutCommandReturnsTheLastCountSet) {
  auto exec = Make(dir_.File("record") + " {replicas}");
  absl::StatusOr<ScaleState> state = exec->Observe("storefront");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->spec_replicas, 2);  // the initial count
  EXPECT_EQ(state->ready_replicas, 2);
  ASSERT_TRUE(exec->SetReplicas(Request("storefront", 6)).ok());
  EXPECT_EQ(exec->Observe("storefront")->spec_replicas, 6);
  EXPECT_EQ(exec->Observe("storefront")->ready_replicas, 6);
  EXPECT_EQ(exec->Observe("unknown").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ExecActuatorTest, ObserveCommandPrintsSpecAndReady) {
  WriteScript(dir_.File("observe"), "echo \"resource=$1 target=$2\" >&2\necho ' 4 3 '\n");
  auto exec =
      Make(dir_.File("record") + " {replicas}", dir_.File("observe") + " {resource} {target}");
  absl::StatusOr<ScaleState> state = exec->Observe("storefront");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 4);
  EXPECT_EQ(state->ready_replicas, 3);
}

TEST_F(ExecActuatorTest, ObserveCommandMayPrintJson) {
  WriteScript(dir_.File("observe"),
              "echo '{\"spec_replicas\": 7, \"ready_replicas\": 5, \"extra\": true}'\n");
  auto exec = Make(dir_.File("record"), dir_.File("observe") + " {target}");
  absl::StatusOr<ScaleState> state = exec->Observe("storefront");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->spec_replicas, 7);
  EXPECT_EQ(state->ready_replicas, 5);
}

TEST_F(ExecActuatorTest, ObserveCommandErrors) {
  WriteScript(dir_.File("garbage"), "echo 'replicas: four'\n");
  WriteScript(dir_.File("fails"), "echo 'kubectl: connection refused' >&2\nexit 1\n");
  auto garbage = Make(dir_.File("record"), dir_.File("garbage"));
  EXPECT_THAT(garbage->Observe("storefront").status().message(), HasSubstr("replicas: four"));
  auto fails = Make(dir_.File("record"), dir_.File("fails"));
  EXPECT_THAT(fails->Observe("storefront").status().message(),
              HasSubstr("exited with code 1: kubectl: connection refused"));
}

TEST_F(ExecActuatorTest, ObserveOutputPastTheCapIsAnErrorThatSaysSo) {
  // 1 MB of '[': the first 64 KiB used to be parsed as if they were all it printed.
  WriteScript(dir_.File("flood"), "head -c 1000000 /dev/zero | tr '\\0' '['\n");
  auto flood = Make(dir_.File("record"), dir_.File("flood"));
  const absl::Status status = flood->Observe("storefront").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat("printed more than ", kMaxCapturedBytes, " bytes on stdout")));
  EXPECT_LT(status.message().size(), 400u);
}

TEST_F(ExecActuatorTest, CreateRejectsBadTemplates) {
  EXPECT_THAT(
      ExecActuator::Create({"x '{target}", "", absl::Seconds(1)}, {}, {}).status().message(),
      HasSubstr("command: unterminated"));
  EXPECT_THAT(
      ExecActuator::Create({"x", "y {replicas}", absl::Seconds(1)}, {}, {}).status().message(),
      HasSubstr("observe_command: unknown placeholder {replicas}"));
}

TEST(RunProcessTest, CapturesStdoutAndTheTailOfALargeStderr) {
  absl::StatusOr<ProcessResult> r =
      RunProcess({"/bin/sh", "-c",
                  "echo out; head -c 300000 /dev/zero | tr '\\0' x >&2; echo >&2; echo last >&2"},
                 absl::Seconds(20));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_FALSE(r->stdout_truncated);
  EXPECT_EQ(r->stderr_text.size(), kMaxCapturedBytes);
  EXPECT_TRUE(absl::EndsWith(r->stderr_text, "xxx\nlast\n"));
}

TEST(RunProcessTest, KeepsTheHeadOfALargeStdoutAndSaysItWasCut) {
  absl::StatusOr<ProcessResult> r = RunProcess(
      {"/bin/sh", "-c", "echo first; head -c 300000 /dev/zero | tr '\\0' y"}, absl::Seconds(20));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_text.size(), kMaxCapturedBytes);
  EXPECT_TRUE(absl::StartsWith(r->stdout_text, "first\nyyy"));
  EXPECT_TRUE(r->stdout_truncated);
}

TEST(RunProcessTest, ReportsTheSignal) {
  absl::StatusOr<ProcessResult> r =
      RunProcess({"/bin/sh", "-c", "kill -TERM $$"}, absl::Seconds(20));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_EQ(r->term_signal, SIGTERM);
}

}  // namespace
}  // namespace limiar::actuator
