#include "src/policy/blueprint/json_text.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/policy/blueprint/json_read.h"

namespace limiar::policy::blueprint {
namespace {

using json = nlohmann::json;

// Tracks the JSON path of the parser's position through nlohmann's callback events, to name
// duplicate keys. One frame per open object or array.
class PathTracker {
 public:
  explicit PathTracker(Diagnostics& diag) : diag_(diag) {}

  bool OnEvent(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        frames_.push_back({event == json::parse_event_t::array_start, 0, "", {}});
        break;
      case json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          diag_.Error(Child(PathOfTop(), f.key), "duplicate key",
                      "JSON keeps only the last one; remove the other");
        }
        break;
      }
      case json::parse_event_t::value:
        ElementDone();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        ElementDone();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool is_array;
    size_t index;     // of the element being parsed, for arrays
    std::string key;  // being parsed, for objects
    std::set<std::string> keys;
  };

  void ElementDone() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  // The path of the innermost open container.
  std::string PathOfTop() const {
    std::string path;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      path = frames_[i].is_array ? Index(path, frames_[i].index) : Child(path, frames_[i].key);
    }
    return path;
  }

  Diagnostics& diag_;
  std::vector<Frame> frames_;
};

// nlohmann's message minus its "[json.exception...] parse error at line L, column C: "
// prefix, which we replace with the compiler-style location.
std::string StripPrefix(absl::string_view what) {
  const size_t column = what.find("column ");
  if (column != absl::string_view::npos) {
    const size_t colon = what.find(": ", column);
    if (colon != absl::string_view::npos) return std::string(what.substr(colon + 2));
  }
  const size_t bracket = what.find("] ");
  return std::string(bracket == absl::string_view::npos ? what : what.substr(bracket + 2));
}

}  // namespace

std::pair<int, int> LineColumn(absl::string_view text, size_t byte) {
  int line = 1, column = 1;
  const size_t end = std::min(text.size(), byte > 0 ? byte - 1 : 0);
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::optional<json> ParseJson(absl::string_view text, Diagnostics& diag) {
  PathTracker tracker(diag);
  try {
    return json::parse(text.begin(), text.end(),
                       [&tracker](int, json::parse_event_t event, json& parsed) {
                         return tracker.OnEvent(event, parsed);
                       });
  } catch (const json::parse_error& e) {
    const auto [line, column] = LineColumn(text, e.byte);
    diag.RawError(absl::StrCat(
        diag.source(), ":", line, ":", column, ": invalid JSON: ", StripPrefix(e.what()),
        "; fix the syntax here (usually a missing comma, quote or bracket just before "
        "this point)"));
  } catch (const json::exception& e) {
    // Numbers too large for a double and the like: no byte offset is given.
    diag.RawError(
        absl::StrCat(diag.source(), ": invalid JSON: ", StripPrefix(e.what()), "; fix the value"));
  }
  return std::nullopt;
}

}  // namespace limiar::policy::blueprint
