#include "src/serve/decision_log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/base_sink.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace limiar::serve {

namespace {

// JSON mode: every line on stderr is one JSON object. Lines already built as JSON (decisions,
// LogEvent) pass through; anything else a library logs through spdlog's default logger
// (actuator retries, ...) is wrapped, so a log pipeline never sees a plain-text line.
class JsonLineSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string payload(msg.payload.data(), msg.payload.size());
    std::string line;
    if (!payload.empty() && payload.front() == '{' && nlohmann::json::accept(payload)) {
      line = payload;
    } else {
      const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
      line =
          nlohmann::json{{"time", absl::FormatTime(absl::RFC3339_full, absl::FromChrono(msg.time),
                                                   absl::UTCTimeZone())},
                         {"level", std::string(level.data(), level.size())},
                         {"event", "log"},
                         {"message", payload}}
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

std::shared_ptr<spdlog::logger> MakeLogger(LogFormat format) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (format == LogFormat::kJson) {
    sink = std::make_shared<JsonLineSink>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto log = std::make_shared<spdlog::logger>("limiar", sink);
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  log->flush_on(spdlog::level::info);
  spdlog::set_default_logger(log);
  return log;
}

void LogEvent(spdlog::logger& log, LogFormat format, const std::string& event,
              const std::string& message, spdlog::level::level_enum level) {
  if (format == LogFormat::kJson) {
    const spdlog::string_view_t level_name = spdlog::level::to_string_view(level);
    log.log(level, nlohmann::json{{"time", absl::FormatTime(absl::RFC3339_full, absl::Now(),
                                                            absl::UTCTimeZone())},
                                  {"level", std::string(level_name.data(), level_name.size())},
                                  {"event", event},
                                  {"message", message}}
                       .dump());
  } else {
    log.log(level, "{}: {}", event, message);
  }
}

std::string DecisionLog::Json(const controller::Decision& d) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const policy::MetricProposal& m : d.recommendation.metrics) {
    nlohmann::json j{{"metric", policy::MetricTypeName(m.metric)}, {"valid", m.valid}};
    if (m.valid) {
      j["replicas"] = m.replicas;
      j["utilization_percent"] = m.utilization_percent;
    } else {
      j["error"] = m.error;
    }
    metrics.push_back(j);
  }
  return nlohmann::json{{"time", absl::FormatTime(absl::RFC3339_full, d.time, absl::UTCTimeZone())},
                        {"event", "decision"},
                        {"target", d.target},
                        {"mode", policy::ModeName(d.mode)},
                        {"current", d.current_replicas},
                        {"ready", d.ready_replicas},
                        {"desired", d.desired_replicas},
                        {"proposed", d.recommendation.proposed_replicas},
                        {"reason", d.recommendation.reason},
                        {"message", d.recommendation.message},
                        {"actuated", d.actuated},
                        {"note", d.actuation_note},
                        {"metrics", metrics}}
      .dump();
}

std::string DecisionLog::Text(const controller::Decision& d) {
  std::string line = absl::StrCat("decision ", d.target, ": ", d.current_replicas, " -> ",
                                  d.desired_replicas, " (", d.ready_replicas, " ready) ",
                                  d.recommendation.reason, ": ", d.recommendation.message);
  if (d.actuated) line.append(" [actuated]");
  if (!d.actuation_note.empty()) absl::StrAppend(&line, " [", d.actuation_note, "]");
  return line;
}

void DecisionLog::OnDecision(const controller::Decision& d) {
  log_->info(format_ == LogFormat::kJson ? Json(d) : Text(d));
}

}  // namespace limiar::serve
