#include "src/serve/decision_log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/base_sink.h"
#include "spdlog/spdlog.h"

namespace limiar::serve {

namespace {

// Lines reach stderr through a buffer. A line logged with a flush writes itself and all
// before it at once: the process logger flushes on info, so every event, warning and error
// goes out as it is said. Decision lines come through a logger of their own that never
// flushes (DecisionLog) and wait for the end of their pass, when serve flushes: 10,000
// decisions a tick were 10,000 writes, a third of the tick thread's time
// (bench/kube_scale). A buffer past kFlushBytes is written at once whatever the level.
class BufferedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BufferedStderrSink() override {
    std::lock_guard<std::mutex> lock(mutex_);
    WriteOut();
  }

 protected:
  // Appends `msg` as one line, newline included, to `out`.
  virtual void AppendLine(const spdlog::details::log_msg& msg, std::string* out) = 0;

  void sink_it_(const spdlog::details::log_msg& msg) override {
    AppendLine(msg, &buffer_);
    if (buffer_.size() >= kFlushBytes) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  static constexpr size_t kFlushBytes = 256 * 1024;

  void WriteOut() {
    if (buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stderr);
    std::fflush(stderr);
    buffer_.clear();
  }

  std::string buffer_;
};

// Text mode: spdlog's pattern (time, level, message).
class TextLineSink final : public BufferedStderrSink {
 protected:
  void AppendLine(const spdlog::details::log_msg& msg, std::string* out) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    out->append(formatted.data(), formatted.size());
  }
};

// JSON mode: every line on stderr is one JSON object. Lines already built as JSON (decisions,
// LogEvent) pass through; anything else a library logs through spdlog's default logger
// (actuator retries, ...) is wrapped, so a log pipeline never sees a plain-text line.
class JsonLineSink final : public BufferedStderrSink {
 protected:
  void AppendLine(const spdlog::details::log_msg& msg, std::string* out) override {
    const std::string payload(msg.payload.data(), msg.payload.size());
    if (!payload.empty() && payload.front() == '{' && nlohmann::json::accept(payload)) {
      out->append(payload);
    } else {
      const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
      out->append(nlohmann::json{
          {"time",
           absl::FormatTime(absl::RFC3339_full, absl::FromChrono(msg.time), absl::UTCTimeZone())},
          {"level", std::string(level.data(), level.size())},
          {"event", "log"},
          {"message",
           payload}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    out->push_back('\n');
  }
};

}  // namespace

std::shared_ptr<spdlog::logger> MakeLogger(LogFormat format) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (format == LogFormat::kJson) {
    sink = std::make_shared<JsonLineSink>();
  } else {
    sink = std::make_shared<TextLineSink>();
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

DecisionLog::DecisionLog(const std::shared_ptr<spdlog::logger>& log, LogFormat format)
    : log_(std::make_shared<spdlog::logger>("limiar-decisions", log->sinks().begin(),
                                            log->sinks().end())),
      format_(format) {
  log_->flush_on(spdlog::level::off);
}

void DecisionLog::OnDecision(const controller::Decision& d) {
  log_->info(format_ == LogFormat::kJson ? Json(d) : Text(d));
}

}  // namespace limiar::serve
