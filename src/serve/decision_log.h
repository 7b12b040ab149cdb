// One log line per decision, with its reason: text for people, or one JSON object per line
// (`--log-format json`) for log pipelines.
#ifndef LIMIAR_SERVE_DECISION_LOG_H_
#define LIMIAR_SERVE_DECISION_LOG_H_

#include <memory>
#include <string>

#include "spdlog/logger.h"
#include "src/controller/decision.h"

namespace limiar::serve {

enum class LogFormat { kText, kJson };

// Sets up the process-wide default spdlog logger on stderr in `format`.
std::shared_ptr<spdlog::logger> MakeLogger(LogFormat format);
// A log line in `format` for events other than decisions ("serving on ..."), at `level`.
void LogEvent(spdlog::logger& log, LogFormat format, const std::string& event,
              const std::string& message, spdlog::level::level_enum level = spdlog::level::info);

// Decision lines go to `log`'s sinks through a logger that never flushes: they reach
// stderr when `log` next flushes (serve flushes it after every pass, tick or fast path, and
// every other line flushes), a pass's lines in one write.
class DecisionLog final : public controller::DecisionSink {
 public:
  DecisionLog(const std::shared_ptr<spdlog::logger>& log, LogFormat format);
  void OnDecision(const controller::Decision& d) override;

  static std::string Json(const controller::Decision& d);
  static std::string Text(const controller::Decision& d);

 private:
  std::shared_ptr<spdlog::logger> log_;
  LogFormat format_;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_DECISION_LOG_H_
