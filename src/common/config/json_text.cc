#include "src/common/config/json_text.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/common/config/json_path.h"

namespace limiar::config {
namespace {

using json = nlohmann::json;

// Thrown out of the parse when a container opens past the depth limit.
struct TooDeep {};

// Tracks the JSON path of the parser's position through nlohmann's callback events, to name
// duplicate keys and the container that goes past the depth limit. The path is one string
// that each container appends its part to on entry and cuts back on exit, so keeping it
// costs the length of the parts, not the depth times the path per key.
class PathTracker {
 public:
  PathTracker(int max_depth, Diagnostics& diag) : max_depth_(max_depth), diag_(diag) {}

  bool OnEvent(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        Enter(event == json::parse_event_t::array_start);
        break;
      case json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          // Past the listing cap the error is only counted: skip building its path.
          diag_.Error(diag_.lists_more_errors() ? Child(path_, f.key) : std::string(),
                      "duplicate key", "JSON keeps only the last one; remove the other");
        }
        break;
      }
      case json::parse_event_t::value:
        ElementDone();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        path_.resize(frames_.back().parent_path_size);
        frames_.pop_back();
        ElementDone();
        break;
    }
    return true;
  }

  // The path of the innermost open container.
  const std::string& path() const { return path_; }

 private:
  struct Frame {
    bool is_array = false;
    size_t parent_path_size = 0;  // path_'s length before this container's part
    size_t index = 0;             // of the element being parsed, for arrays
    std::string key;              // being parsed, for objects
    std::set<std::string> keys;
  };

  void Enter(bool is_array) {
    const size_t parent_path_size = path_.size();
    if (!frames_.empty()) {
      const Frame& parent = frames_.back();
      if (parent.is_array) {
        absl::StrAppend(&path_, "[", parent.index, "]");
      } else {
        absl::StrAppend(&path_, path_.empty() ? "" : ".", parent.key);
      }
    }
    Frame& frame = frames_.emplace_back();
    frame.is_array = is_array;
    frame.parent_path_size = parent_path_size;
    if (static_cast<int>(frames_.size()) > max_depth_) throw TooDeep{};
  }

  void ElementDone() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  const int max_depth_;
  Diagnostics& diag_;
  std::vector<Frame> frames_;
  std::string path_;
};

}  // namespace

std::optional<json> ParseJson(absl::string_view text, const JsonTextLimits& limits,
                              Diagnostics& diag) {
  const absl::Status within = CheckJsonLimits(text, limits.limits);
  if (!within.ok() && text.size() > limits.limits.max_bytes) {
    diag.RawError(absl::StrCat(diag.source(), ": ", within.message(), "; check the file"));
    return std::nullopt;
  }
  // Too deep: the parse below stops where the nesting goes past the limit, to name the path.
  PathTracker tracker(limits.limits.max_depth, diag);
  try {
    std::optional<json> parsed = json::parse(
        text.begin(), text.end(),
        [&tracker](int, json::parse_event_t event, json& v) { return tracker.OnEvent(event, v); });
    if (within.ok()) return parsed;
    // The check counts brackets the parser saw otherwise; still refuse the text.
    diag.RawError(absl::StrCat(diag.source(), ": ", within.message(), "; ", limits.too_deep_todo));
  } catch (const TooDeep&) {
    diag.Error(tracker.path(),
               absl::StrCat("nested more than ", limits.limits.max_depth, " levels deep"),
               limits.too_deep_todo);
  } catch (const json::parse_error& e) {
    const JsonSyntaxError at = LocateJsonSyntaxError(text, e);
    diag.RawError(
        absl::StrCat(diag.source(), ":", at.line, ":", at.column, ": invalid JSON: ", at.message,
                     "; fix the syntax here (usually a missing comma, quote or bracket just before "
                     "this point)"));
  } catch (const json::exception& e) {
    // Numbers too large for a double and the like: no byte offset is given.
    diag.RawError(
        absl::StrCat(diag.source(), ": invalid JSON: ", JsonErrorText(e), "; fix the value"));
  }
  return std::nullopt;
}

}  // namespace limiar::config
