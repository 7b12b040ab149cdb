#include "src/actuator/exec_actuator.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/actuator/process_runner.h"
#include "src/actuator/scale_state_parse.h"
#include "src/common/excerpt.h"

namespace limiar::actuator {
namespace {

constexpr int kExitTempFail = 75;  // EX_TEMPFAIL

std::string LastLine(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (lines.empty()) return "(no stderr)";
  return Excerpt(absl::StripAsciiWhitespace(lines.back()), 200);
}

// Turns what the process did into a status; `what` names the command for the message.
absl::Status Outcome(const ProcessResult& r, const std::string& what, absl::Duration timeout) {
  if (r.timed_out) {
    return absl::DeadlineExceededError(absl::StrCat("exec actuator: ", what,
                                                    " still running after ",
                                                    absl::FormatDuration(timeout), "; killed"));
  }
  if (r.term_signal != 0) {
    return absl::UnknownError(absl::StrCat("exec actuator: ", what, " killed by signal ",
                                           r.term_signal, ": ", LastLine(r.stderr_text)));
  }
  if (r.exit_code == 0) return absl::OkStatus();
  const std::string message = absl::StrCat("exec actuator: ", what, " exited with code ",
                                           r.exit_code, ": ", LastLine(r.stderr_text));
  if (r.exit_code == kExitTempFail) return absl::UnavailableError(message);
  return absl::UnknownError(message);
}

}  // namespace

const std::vector<std::string>& ExecScalePlaceholders() {
  static const auto* names = new std::vector<std::string>{"resource", "target", "replicas",
                                                          "previous", "reason", "message"};
  return *names;
}

const std::vector<std::string>& ExecObservePlaceholders() {
  static const auto* names = new std::vector<std::string>{"resource", "target"};
  return *names;
}

absl::StatusOr<std::unique_ptr<ExecActuator>> ExecActuator::Create(
    const ExecOptions& options, std::map<std::string, int32_t> initial,
    std::map<std::string, std::string> resources) {
  absl::StatusOr<CommandTemplate> scale =
      CommandTemplate::Parse(options.command, ExecScalePlaceholders());
  if (!scale.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("exec actuator: command: ", scale.status().message()));
  }
  std::optional<CommandTemplate> observe;
  if (!options.observe_command.empty()) {
    absl::StatusOr<CommandTemplate> parsed =
        CommandTemplate::Parse(options.observe_command, ExecObservePlaceholders());
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("exec actuator: observe_command: ", parsed.status().message()));
    }
    observe = *std::move(parsed);
  }
  return std::unique_ptr<ExecActuator>(new ExecActuator(*std::move(scale), std::move(observe),
                                                        options.timeout, std::move(initial),
                                                        std::move(resources)));
}

ExecActuator::ExecActuator(CommandTemplate scale, std::optional<CommandTemplate> observe,
                           absl::Duration timeout, std::map<std::string, int32_t> initial,
                           std::map<std::string, std::string> resources)
    : scale_(std::move(scale)),
      observe_(std::move(observe)),
      timeout_(timeout),
      resources_(std::move(resources)),
      last_set_("exec", std::move(initial)) {}

std::string ExecActuator::ResourceOf(const std::string& target) const {
  auto it = resources_.find(target);
  return it == resources_.end() ? target : it->second;
}

absl::StatusOr<ScaleState> ExecActuator::Observe(const std::string& target) {
  if (!observe_.has_value()) return last_set_.Get(target);
  const std::vector<std::string> argv =
      observe_->Expand({{"resource", ResourceOf(target)}, {"target", target}});
  absl::StatusOr<ProcessResult> run = RunProcess(argv, timeout_);
  if (!run.ok())
    return absl::Status(run.status().code(),
                        absl::StrCat("exec actuator: ", run.status().message()));
  const std::string what = absl::StrCat("observe command for \"", target, "\"");
  if (absl::Status s = Outcome(*run, what, timeout_); !s.ok()) return s;
  if (run->stdout_truncated) {
    // The head alone could parse as something it is not.
    return absl::InvalidArgumentError(
        absl::StrCat("exec actuator: ", what, " printed more than ", kMaxCapturedBytes,
                     " bytes on stdout; it must print \"SPEC READY\" or a small JSON object"));
  }
  absl::StatusOr<ScaleState> state = ParseScaleStateText(run->stdout_text);
  if (!state.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("exec actuator: ", what, " printed ", state.status().message()));
  }
  return state;
}

absl::Status ExecActuator::SetReplicas(const ScaleRequest& request) {
  if (request.replicas < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("exec actuator: negative replicas ", request.replicas));
  }
  const std::vector<std::string> argv = scale_.Expand({
      {"resource", ResourceOf(request.target)},
      {"target", request.target},
      {"replicas", absl::StrCat(request.replicas)},
      {"previous", absl::StrCat(request.previous_replicas)},
      {"reason", request.reason},
      {"message", request.message},
  });
  absl::StatusOr<ProcessResult> run = RunProcess(argv, timeout_);
  if (!run.ok()) {
    return absl::Status(run.status().code(),
                        absl::StrCat("exec actuator: ", run.status().message()));
  }
  const std::string what = absl::StrCat("\"", argv[0], "\" for \"", request.target, "\"");
  if (absl::Status s = Outcome(*run, what, timeout_); !s.ok()) return s;
  last_set_.Set(request.target, request.replicas);
  return absl::OkStatus();
}

}  // namespace limiar::actuator
