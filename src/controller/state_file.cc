#include "src/controller/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace limiar::controller {
namespace {

using json = nlohmann::json;
constexpr int kVersion = 1;

// Times are Unix milliseconds: exact for every time Limiar stores, and easy to read back.
json TimeJson(absl::Time t) { return absl::ToUnixMillis(t); }
absl::Time TimeFrom(const json& j) { return absl::FromUnixMillis(j.get<int64_t>()); }

json PointsJson(const std::vector<policy::PolicyState::Point>& points) {
  json out = json::array();
  for (const auto& p : points) out.push_back({TimeJson(p.time), p.value});
  return out;
}

std::vector<policy::PolicyState::Point> PointsFrom(const json& j) {
  std::vector<policy::PolicyState::Point> out;
  for (const json& p : j) out.push_back({TimeFrom(p.at(0)), p.at(1).get<int32_t>()});
  return out;
}

json OptionalTime(const std::optional<absl::Time>& t) {
  return t ? json(TimeJson(*t)) : json(nullptr);
}

std::optional<absl::Time> OptionalTimeFrom(const json& j) {
  if (j.is_null()) return std::nullopt;
  return TimeFrom(j);
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
          {"consecutive_failures", p.consecutive_failures}};
}

TargetState TargetFrom(const json& j) {
  TargetState t;
  const std::string mode = j.at("mode").get<std::string>();
  if (mode == "enforce") {
    t.mode = policy::Mode::kEnforce;
  } else if (mode == "dry-run") {
    t.mode = policy::Mode::kDryRun;
  } else if (mode == "paused") {
    t.mode = policy::Mode::kPaused;
  } else {
    throw std::invalid_argument("mode must be enforce, dry-run or paused");
  }
  // Absent in files written before it existed: unknown.
  t.replicas = j.contains("replicas") ? j.at("replicas").get<int32_t>() : -1;
  policy::PolicyState& p = t.policy;
  p.hpa_history_started = j.at("hpa_history_started").get<bool>();
  p.recommendations = PointsFrom(j.at("recommendations"));
  p.scale_up_events = PointsFrom(j.at("scale_up_events"));
  p.scale_down_events = PointsFrom(j.at("scale_down_events"));
  for (const json& k : j.at("kpa")) {
    policy::PolicyState::KpaMetric& m = p.kpa.emplace_back();
    m.started = k.at("started").get<bool>();
    m.panic_time = OptionalTimeFrom(k.at("panic_time_ms"));
    m.max_panic_pods = k.at("max_panic_pods").get<int32_t>();
    m.delay_window = PointsFrom(k.at("delay_window"));
  }
  p.last_scale_up = OptionalTimeFrom(j.at("last_scale_up_ms"));
  p.last_scale_down = OptionalTimeFrom(j.at("last_scale_down_ms"));
  p.consecutive_failures = j.at("consecutive_failures").get<int32_t>();
  return t;
}

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

std::string StateToJson(const SavedState& state) {
  json targets = json::object();
  for (const auto& [name, t] : state.targets) targets[name] = TargetJson(t);
  return json{
      {"version", kVersion}, {"saved_at_ms", TimeJson(state.saved_at)}, {"targets", targets}}
      .dump(1);
}

absl::StatusOr<SavedState> StateFromJson(const std::string& text, const std::string& source) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::DataLossError(absl::StrCat(source, ": not valid JSON (a torn or foreign file?)"));
  }
  SavedState out;
  std::string where = "version";
  try {
    if (doc.at("version").get<int>() != kVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat(source, ": version ", doc.at("version").dump(), " is not ", kVersion,
                       "; move the file away to start with a fresh history"));
    }
    where = "saved_at_ms";
    out.saved_at = TimeFrom(doc.at("saved_at_ms"));
    for (const auto& [name, t] : doc.at("targets").items()) {
      where = absl::StrCat("targets.", name);
      out.targets[name] = TargetFrom(t);
    }
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat(source, ": ", where, ": ", e.what()));
  }
  return out;
}

absl::Status WriteStateFile(const std::string& path, const SavedState& state) {
  const std::string text = StateToJson(state);
  const std::string tmp = absl::StrCat(path, ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", tmp);
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const absl::Status s = Errno("cannot write", tmp);
      ::close(fd);
      return s;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const absl::Status s = Errno("cannot sync", tmp);
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot rename onto", path);
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

absl::StatusOr<SavedState> ReadStateFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) {
      return absl::NotFoundError(absl::StrCat(path, ": no state file yet"));
    }
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot read the state file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return StateFromJson(text.str(), path);
}

}  // namespace limiar::controller
