#include "src/controller/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "src/common/bounded_json.h"
#include "src/common/excerpt.h"
#include "src/common/status_macros.h"
#include "src/policy/names.h"

namespace limiar::controller {
namespace {

using json = nlohmann::json;
constexpr int kVersion = 1;

// Times are Unix milliseconds: exact for every time Limiar stores, and easy to read back.
json TimeJson(absl::Time t) { return absl::ToUnixMillis(t); }

json PointsJson(const std::vector<policy::PolicyState::Point>& points) {
  json out = json::array();
  for (const auto& p : points) out.push_back({TimeJson(p.time), p.value});
  return out;
}

json OptionalTime(const std::optional<absl::Time>& t) {
  return t ? json(TimeJson(*t)) : json(nullptr);
}

// Per-minute loads to a thousandth: enough for any forecast, and a third of the text of
// the full double.
json LoadHistoryJson(const std::vector<policy::PolicyState::LoadHistory>& histories) {
  json out = json::array();
  for (const policy::PolicyState::LoadHistory& h : histories) {
    json minutes = json::array();
    for (double v : h.minutes) minutes.push_back(std::round(v * 1000) / 1000);
    out.push_back(
        {{"last_minute_ms",
          h.last_minute == absl::InfinitePast() ? json(nullptr) : TimeJson(h.last_minute)},
         {"minutes", minutes}});
  }
  return out;
}

json TargetJson(const TargetState& t) {
  const policy::PolicyState& p = t.policy;
  json kpa = json::array();
  for (const policy::PolicyState::KpaMetric& k : p.kpa) {
    kpa.push_back({{"started", k.started},
                   {"panic_time_ms", OptionalTime(k.panic_time)},
                   {"max_panic_pods", k.max_panic_pods},
                   {"delay_window", PointsJson(k.delay_window)}});
  }
  return {{"mode", policy::ModeName(t.mode)},
          {"replicas", t.replicas},
          {"hpa_history_started", p.hpa_history_started},
          {"recommendations", PointsJson(p.recommendations)},
          {"scale_up_events", PointsJson(p.scale_up_events)},
          {"scale_down_events", PointsJson(p.scale_down_events)},
          {"kpa", kpa},
          {"last_scale_up_ms", OptionalTime(p.last_scale_up)},
          {"last_scale_down_ms", OptionalTime(p.last_scale_down)},
          {"consecutive_failures", p.consecutive_failures},
          {"load_history", LoadHistoryJson(p.load_history)}};
}

// Reading back, every value checked where it is: an error names its JSON path
// ("targets.web.recommendations[3][0]: ..."), and no number is read through a double or
// cast out of range (55e8 as an int, 1e300 as milliseconds).

absl::Status Bad(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::StatusOr<const json*> Field(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) return Bad(absl::StrCat(path, path.empty() ? "" : ".", key), "missing");
  return &*it;
}

std::string Child(const std::string& path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

absl::StatusOr<int64_t> Integer(const json& v, const std::string& path) {
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() &&
       v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    return Bad(path, absl::StrCat("must be an integer, not ", DescribeJsonValue(v)));
  }
  return v.get<int64_t>();
}

absl::StatusOr<int32_t> Int32In(const json& v, const std::string& path, int32_t min) {
  const absl::StatusOr<int64_t> i = Integer(v, path);
  if (!i.ok() || *i < min || *i > std::numeric_limits<int32_t>::max()) {
    return Bad(path,
               absl::StrCat("must be an integer from ", min, " to ",
                            std::numeric_limits<int32_t>::max(), ", not ", DescribeJsonValue(v)));
  }
  return static_cast<int32_t>(*i);
}

absl::StatusOr<bool> Boolean(const json& v, const std::string& path) {
  if (!v.is_boolean())
    return Bad(path, absl::StrCat("must be a boolean, not ", DescribeJsonValue(v)));
  return v.get<bool>();
}

// Unix milliseconds from 1970 up to `now`: history from the future would hold a guard
// (a cooldown, a stabilization window) shut for as long as the clock takes to get there.
absl::StatusOr<absl::Time> TimeAt(const json& v, const std::string& path, absl::Time now) {
  ASSIGN_OR_RETURN(const int64_t ms, Integer(v, path));
  if (ms < 0) return Bad(path, absl::StrCat(ms, " is before 1970"));
  if (ms > absl::ToUnixMillis(now)) {
    return Bad(path, absl::StrCat(ms, " is after now (", absl::ToUnixMillis(now), ")"));
  }
  return absl::FromUnixMillis(ms);
}

absl::StatusOr<std::optional<absl::Time>> OptionalTimeAt(const json& v, const std::string& path,
                                                         absl::Time now) {
  if (v.is_null()) return std::nullopt;
  ASSIGN_OR_RETURN(const absl::Time t, TimeAt(v, path, now));
  return t;
}

absl::StatusOr<std::vector<policy::PolicyState::Point>> PointsAt(const json& v,
                                                                 const std::string& path,
                                                                 absl::Time now) {
  if (!v.is_array()) return Bad(path, absl::StrCat("must be an array, not ", DescribeJsonValue(v)));
  std::vector<policy::PolicyState::Point> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string at = absl::StrCat(path, "[", i, "]");
    if (!v[i].is_array() || v[i].size() != 2) {
      return Bad(at, absl::StrCat("must be [time_ms, value], not ", DescribeJsonValue(v[i])));
    }
    ASSIGN_OR_RETURN(const absl::Time t, TimeAt(v[i][0], absl::StrCat(at, "[0]"), now));
    ASSIGN_OR_RETURN(const int32_t value, Int32In(v[i][1], absl::StrCat(at, "[1]"), 0));
    out.push_back({t, value});
  }
  return out;
}

absl::StatusOr<policy::Mode> ModeAt(const json& v, const std::string& path) {
  if (v.is_string()) {
    if (std::optional<policy::Mode> mode = policy::ModeFromName(v.get<std::string>())) return *mode;
  }
  return Bad(path, absl::StrCat("must be ", policy::Alternatives(policy::ModeNames()), ", not ",
                                DescribeJsonValue(v)));
}

absl::StatusOr<policy::PolicyState::KpaMetric> KpaFrom(const json& k, const std::string& path,
                                                       absl::Time now) {
  if (!k.is_object())
    return Bad(path, absl::StrCat("must be an object, not ", DescribeJsonValue(k)));
  policy::PolicyState::KpaMetric m;
  ASSIGN_OR_RETURN(const json* started, Field(k, "started", path));
  ASSIGN_OR_RETURN(m.started, Boolean(*started, Child(path, "started")));
  ASSIGN_OR_RETURN(const json* panic, Field(k, "panic_time_ms", path));
  ASSIGN_OR_RETURN(m.panic_time, OptionalTimeAt(*panic, Child(path, "panic_time_ms"), now));
  ASSIGN_OR_RETURN(const json* pods, Field(k, "max_panic_pods", path));
  ASSIGN_OR_RETURN(m.max_panic_pods, Int32In(*pods, Child(path, "max_panic_pods"), 0));
  ASSIGN_OR_RETURN(const json* window, Field(k, "delay_window", path));
  ASSIGN_OR_RETURN(m.delay_window, PointsAt(*window, Child(path, "delay_window"), now));
  return m;
}

// The most minutes a forecasting policy keeps (90 days: blueprint's historico_dias cap).
constexpr size_t kMaxHistoryMinutes = 90 * 24 * 60;

absl::StatusOr<policy::PolicyState::LoadHistory> LoadHistoryFrom(const json& h,
                                                                 const std::string& path,
                                                                 absl::Time now) {
  if (!h.is_object())
    return Bad(path, absl::StrCat("must be an object, not ", DescribeJsonValue(h)));
  policy::PolicyState::LoadHistory out;
  ASSIGN_OR_RETURN(const json* last, Field(h, "last_minute_ms", path));
  ASSIGN_OR_RETURN(std::optional<absl::Time> last_minute,
                   OptionalTimeAt(*last, Child(path, "last_minute_ms"), now));
  out.last_minute = last_minute.value_or(absl::InfinitePast());
  ASSIGN_OR_RETURN(const json* minutes, Field(h, "minutes", path));
  const std::string at = Child(path, "minutes");
  if (!minutes->is_array()) {
    return Bad(at, absl::StrCat("must be an array, not ", DescribeJsonValue(*minutes)));
  }
  if (minutes->size() > kMaxHistoryMinutes) {
    return Bad(at, absl::StrCat(minutes->size(), " minutes is more than the ", kMaxHistoryMinutes,
                                " (90 days) a forecast keeps"));
  }
  if (!minutes->empty() && !last_minute) {
    return Bad(Child(path, "last_minute_ms"), "must date the newest minute when there are any");
  }
  out.minutes.reserve(minutes->size());
  for (size_t i = 0; i < minutes->size(); ++i) {
    const json& v = (*minutes)[i];
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0) {
      return Bad(absl::StrCat(at, "[", i, "]"),
                 absl::StrCat("must be a load >= 0, not ", DescribeJsonValue(v)));
    }
    out.minutes.push_back(v.get<double>());
  }
  return out;
}

absl::StatusOr<TargetState> TargetFrom(const json& j, const std::string& path, absl::Time now) {
  if (!j.is_object())
    return Bad(path, absl::StrCat("must be an object, not ", DescribeJsonValue(j)));
  TargetState t;
  ASSIGN_OR_RETURN(const json* mode, Field(j, "mode", path));
  ASSIGN_OR_RETURN(t.mode, ModeAt(*mode, Child(path, "mode")));
  // Absent in files written before it existed: unknown (-1), as it is when saved unknown.
  if (j.contains("replicas")) {
    ASSIGN_OR_RETURN(t.replicas, Int32In(j["replicas"], Child(path, "replicas"), -1));
  }
  policy::PolicyState& p = t.policy;
  ASSIGN_OR_RETURN(const json* started, Field(j, "hpa_history_started", path));
  ASSIGN_OR_RETURN(p.hpa_history_started, Boolean(*started, Child(path, "hpa_history_started")));
  const std::pair<const char*, std::vector<policy::PolicyState::Point>*> histories[] = {
      {"recommendations", &p.recommendations},
      {"scale_up_events", &p.scale_up_events},
      {"scale_down_events", &p.scale_down_events}};
  for (const auto& [key, points] : histories) {
    ASSIGN_OR_RETURN(const json* v, Field(j, key, path));
    ASSIGN_OR_RETURN(*points, PointsAt(*v, Child(path, key), now));
  }
  ASSIGN_OR_RETURN(const json* kpa, Field(j, "kpa", path));
  if (!kpa->is_array()) {
    return Bad(Child(path, "kpa"), absl::StrCat("must be an array, not ", DescribeJsonValue(*kpa)));
  }
  for (size_t i = 0; i < kpa->size(); ++i) {
    ASSIGN_OR_RETURN(policy::PolicyState::KpaMetric m,
                     KpaFrom((*kpa)[i], absl::StrCat(path, ".kpa[", i, "]"), now));
    p.kpa.push_back(std::move(m));
  }
  const std::pair<const char*, std::optional<absl::Time>*> guards[] = {
      {"last_scale_up_ms", &p.last_scale_up}, {"last_scale_down_ms", &p.last_scale_down}};
  for (const auto& [key, time] : guards) {
    ASSIGN_OR_RETURN(const json* v, Field(j, key, path));
    ASSIGN_OR_RETURN(*time, OptionalTimeAt(*v, Child(path, key), now));
  }
  ASSIGN_OR_RETURN(const json* failures, Field(j, "consecutive_failures", path));
  ASSIGN_OR_RETURN(p.consecutive_failures,
                   Int32In(*failures, Child(path, "consecutive_failures"), 0));
  // Absent in files written before forecasting existed: no history.
  if (j.contains("load_history")) {
    const json& histories = j["load_history"];
    if (!histories.is_array()) {
      return Bad(Child(path, "load_history"),
                 absl::StrCat("must be an array, not ", DescribeJsonValue(histories)));
    }
    for (size_t i = 0; i < histories.size(); ++i) {
      ASSIGN_OR_RETURN(
          policy::PolicyState::LoadHistory h,
          LoadHistoryFrom(histories[i], absl::StrCat(path, ".load_history[", i, "]"), now));
      p.load_history.push_back(std::move(h));
    }
  }
  return t;
}

absl::StatusOr<SavedState> StateFrom(const json& doc, absl::Time now) {
  if (!doc.is_object())
    return Bad("(top)", absl::StrCat("must be an object, not ", DescribeJsonValue(doc)));
  ASSIGN_OR_RETURN(const json* version_field, Field(doc, "version", ""));
  ASSIGN_OR_RETURN(const int64_t version, Integer(*version_field, "version"));
  if (version != kVersion) {
    // Not damaged, only not ours to read (a newer Limiar wrote it).
    return absl::FailedPreconditionError(
        absl::StrCat("version ", version, " is not ", kVersion,
                     "; move the file away to start with a fresh history"));
  }
  SavedState out;
  ASSIGN_OR_RETURN(const json* saved_at, Field(doc, "saved_at_ms", ""));
  ASSIGN_OR_RETURN(out.saved_at, TimeAt(*saved_at, "saved_at_ms", now));
  ASSIGN_OR_RETURN(const json* targets, Field(doc, "targets", ""));
  if (!targets->is_object()) {
    return Bad("targets", absl::StrCat("must be an object, not ", DescribeJsonValue(*targets)));
  }
  for (const auto& [name, t] : targets->items()) {
    ASSIGN_OR_RETURN(out.targets[name], TargetFrom(t, Child("targets", Excerpt(name, 100)), now));
  }
  return out;
}

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// The whole of a regular file, at most kStateFileLimits.max_bytes of it: a device, a FIFO
// or a file grown huge in the state file's place is refused before it is read.
absl::StatusOr<std::string> ReadBounded(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno("cannot stat", path);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a regular file; point state_file at a file"));
  }
  const size_t max = kStateFileLimits.max_bytes;
  if (static_cast<uint64_t>(st.st_size) > max) {
    return absl::DataLossError(
        absl::StrCat(path, ": ", st.st_size, " bytes, over the limit of ", max, " bytes"));
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (text.size() > max) {  // it grew while being read
        return absl::DataLossError(
            absl::StrCat(path, ": more than ", max, " bytes, over the limit"));
      }
      text.resize(std::min(max + 1, text.size() + 4096));
    }
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace

std::string StateToJson(const SavedState& state) {
  json targets = json::object();
  for (const auto& [name, t] : state.targets) targets[name] = TargetJson(t);
  return json{
      {"version", kVersion}, {"saved_at_ms", TimeJson(state.saved_at)}, {"targets", targets}}
      .dump(1);
}

absl::StatusOr<SavedState> StateFromJson(const std::string& text, const std::string& source,
                                         absl::Time now) {
  const absl::StatusOr<json> doc = ParseBoundedJson(text, kStateFileLimits, source);
  if (!doc.ok()) return absl::DataLossError(doc.status().message());
  absl::StatusOr<SavedState> state = StateFrom(*doc, now);
  if (absl::IsFailedPrecondition(state.status())) {
    return absl::FailedPreconditionError(absl::StrCat(source, ": ", state.status().message()));
  }
  if (!state.ok()) return absl::DataLossError(absl::StrCat(source, ": ", state.status().message()));
  return state;
}

absl::Status WriteStateFile(const std::string& path, const SavedState& state) {
  const std::string text = StateToJson(state);
  // A new file of a name no one could have prepared (mkostemp: O_CREAT | O_EXCL, mode
  // 0600), in the same directory so that the rename is atomic: a symlink planted at a
  // fixed temp name would otherwise have been followed and its target truncated.
  std::string tmp = absl::StrCat(path, ".XXXXXX");
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return Errno("cannot create a temp file for", path);
  const auto fail = [&](const char* what) {
    const absl::Status s = Errno(what, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync");
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const absl::Status s = Errno("cannot rename onto", path);
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename is durable only once the directory entry is.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

absl::StatusOr<SavedState> ReadStateFile(const std::string& path, absl::Time now) {
  // O_NONBLOCK: opening a FIFO put in the file's place must not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no state file yet"));
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot read the state file: ", std::strerror(errno)));
  }
  absl::StatusOr<std::string> text = ReadBounded(fd, path);
  ::close(fd);
  if (!text.ok()) return text.status();
  return StateFromJson(*text, path, now);
}

StartState ReadStateFileAtStart(const std::string& path, absl::Time now) {
  StartState start;
  absl::StatusOr<SavedState> read = ReadStateFile(path, now);
  if (read.ok()) {
    start.saved = *std::move(read);
  } else if (!absl::IsNotFound(read.status())) {
    start.error = read.status();
    start.set_aside_to = absl::StrCat(path, ".unreadable");
    // Best effort: if even the rename fails, the next start reads the same error again
    // and still starts fresh.
    std::rename(path.c_str(), start.set_aside_to.c_str());
  }
  return start;
}

std::map<std::string, actuator::TargetStart> TargetStarts(
    const std::vector<policy::TargetPolicy>& targets,
    const std::map<std::string, TargetState>& saved) {
  std::map<std::string, actuator::TargetStart> starts;
  for (const policy::TargetPolicy& t : targets) {
    actuator::TargetStart& start = starts[t.target];
    start.replicas = t.min_replicas;
    auto s = saved.find(t.target);
    // A negative count is "never observed": no hint.
    if (s != saved.end() && s->second.replicas >= 0) {
      start.replicas = std::clamp(s->second.replicas, t.min_replicas, t.max_replicas);
    }
    if (!t.metrics.empty()) start.resource = t.metrics.front().autoscale_resource;
  }
  return starts;
}

}  // namespace limiar::controller
