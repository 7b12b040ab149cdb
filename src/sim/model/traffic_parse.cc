// ParseTraffic: the traffic part of a scenario, checked like a blueprint (every problem,
// each with its JSON path and what to write instead).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/config/json_read.h"
#include "src/common/config/known_keys.h"
#include "src/common/regular_file.h"
#include "src/sim/model/traffic.h"

namespace limiar::sim {
namespace {

using config::AliasMap;
using config::Child;
using config::Diagnostics;
using config::FormatNumber;
using config::Index;
using nlohmann::json;
using Kind = TrafficSpec::Kind;

constexpr double kMaxSeconds = 10 * 365 * 86400.0;
// Far above any real service; it only keeps sums and Poisson means finite.
constexpr double kMaxRate = 1e12;

struct KindInfo {
  const char* name;
  Kind kind;
  std::vector<std::string> keys;  // besides "kind"
};

const std::vector<KindInfo>& Kinds() {
  static const auto* kinds = new std::vector<KindInfo>{
      {"constant", Kind::kConstant, {"rate"}},
      {"step", Kind::kStep, {"before", "after", "at_s"}},
      {"diurnal", Kind::kDiurnal, {"mean", "amplitude", "period_s", "peak_at_s"}},
      {"flash_sale",
       Kind::kFlashSale,
       {"baseline", "start_s", "ramp_s", "peak_multiple", "hold_s", "decay_s"}},
      {"poisson", Kind::kPoisson, {"of"}},
      {"sum", Kind::kSum, {"of"}},
      {"trace", Kind::kTrace, {"path", "scale", "offset_s", "speedup", "loop"}},
  };
  return *kinds;
}

std::vector<std::string> KindNames() {
  std::vector<std::string> names;
  for (const KindInfo& k : Kinds()) names.push_back(k.name);
  return names;
}

// Names users bring from elsewhere; matching ignores case, '_' and '-'.
const AliasMap& KindAliases() {
  static const auto* aliases = new AliasMap{
      {"spike", "flash_sale"}, {"flash", "flash_sale"}, {"sine", "diurnal"},
      {"sinusoid", "diurnal"}, {"daily", "diurnal"},    {"noise", "poisson"},
      {"csv", "trace"},        {"replay", "trace"},     {"fixed", "constant"},
      {"flat", "constant"},    {"add", "sum"},
  };
  return *aliases;
}

const AliasMap& KeyAliases() {
  static const auto* aliases = new AliasMap{
      {"rps", "rate"},
      {"value", "rate"},
      {"file", "path"},
      {"csv", "path"},
      {"repeat", "loop"},
      {"wrap", "loop"},
      {"multiplier", "peak_multiple"},
      {"factor", "peak_multiple"},
      {"offset", "offset_s"},
      {"period", "period_s"},
      {"peak_at", "peak_at_s"},
      {"nodes", "of"},
      {"children", "of"},
  };
  return *aliases;
}

// Keys of this kind only; a key of another kind says which kind reads it.
void RejectUnknownKeys(const json& o, const std::string& path, const KindInfo& info,
                       Diagnostics& diag) {
  config::KnownKeys known{
      .keys = info.keys,
      .aliases = KeyAliases(),
      .otherwise = absl::StrCat("kind ", info.name, " reads ", absl::StrJoin(info.keys, ", "),
                                "; remove it or fix its name")};
  known.keys.push_back("kind");
  for (const auto& [key, unused] : o.items()) {
    if (std::find(known.keys.begin(), known.keys.end(), key) != known.keys.end()) continue;
    std::string guess;
    const std::string hint = config::UnknownKeyHint(key, known, &guess);
    std::string owner;
    for (const KindInfo& other : Kinds()) {
      for (const std::string& k : other.keys) {
        if (k == key && owner.empty() && guess.empty()) owner = other.name;
      }
    }
    diag.Error(
        Child(path, key),
        owner.empty() ? "unknown key" : absl::StrCat("a key of kind ", owner, ", not ", info.name),
        hint);
  }
}

// Reads the fields of one node; each reader reports its own problems.
class NodeReader {
 public:
  NodeReader(const json& o, const std::string& path, Diagnostics& diag)
      : o_(o), path_(path), diag_(diag) {}

  // A rate in requests/s, 0 or more.
  void Rate(const char* key, bool required, double& out) {
    const json* v = Find(key, required, "requests/s, e.g. 100");
    if (v == nullptr) return;
    const std::string p = Child(path_, key);
    std::optional<double> d = config::ReadNumber(*v, p, diag_);
    if (!d) return;
    if (*d < 0) {
      diag_.Error(p, absl::StrCat("negative rate ", FormatNumber(*d)),
                  "rates are requests/s, 0 or more");
    } else if (*d > kMaxRate) {
      diag_.Error(p,
                  absl::StrCat(FormatNumber(*d), " exceeds the maximum of ", FormatNumber(kMaxRate),
                               " requests/s"),
                  "use a smaller rate");
    } else {
      out = *d;
    }
  }

  // Seconds, 0 or more (more than 0 when `positive`).
  void Seconds(const char* key, bool required, bool positive, double& out) {
    const json* v = Find(key, required, "seconds, e.g. 600");
    if (v == nullptr) return;
    const std::string p = Child(path_, key);
    std::optional<double> s = config::ReadSeconds(*v, p, diag_, kMaxSeconds);
    if (!s) return;
    if (positive && *s <= 0) {
      diag_.Error(p, "must be > 0", "write a length in seconds, e.g. 86400 for a day");
      return;
    }
    out = *s;
  }

  // A plain number, at least `min` (or more than `min` when `min_exclusive`).
  void Number(const char* key, double min, bool min_exclusive, const char* todo, double& out) {
    const json* v = Find(key, false, todo);
    if (v == nullptr) return;
    const std::string p = Child(path_, key);
    std::optional<double> d = config::ReadNumber(*v, p, diag_);
    if (!d) return;
    if (min_exclusive ? *d <= min : *d < min) {
      diag_.Error(p, absl::StrCat("must be ", min_exclusive ? "> " : ">= ", FormatNumber(min)),
                  absl::StrCat("got ", FormatNumber(*d), "; write ", todo));
      return;
    }
    if (*d > kMaxRate) {
      diag_.Error(p, absl::StrCat(FormatNumber(*d), " is too large"), absl::StrCat("write ", todo));
      return;
    }
    out = *d;
  }

  void Bool(const char* key, bool& out) {
    const json* v = Find(key, false, "");
    if (v == nullptr) return;
    if (std::optional<bool> b = config::ReadBool(*v, Child(path_, key), diag_)) out = *b;
  }

  // The value of `key`; nullptr when absent (an error when `required`).
  const json* Find(const char* key, bool required, absl::string_view example) {
    auto it = o_.find(key);
    if (it != o_.end()) return &*it;
    if (required) {
      diag_.Error(path_, absl::StrCat("no \"", key, "\""),
                  absl::StrCat("add \"", key, "\": ", example));
    }
    return nullptr;
  }

 private:
  const json& o_;
  const std::string& path_;
  Diagnostics& diag_;
};

// The path as the run will open it, and a readable regular file there (the trace itself is
// read only when rendering, but a typo should fail with the scenario's other errors).
void ParseTracePath(const std::string& path, const std::string& base_dir, NodeReader& r,
                    Diagnostics& diag, TrafficSpec& spec) {
  const json* v = r.Find("path", true, "the trace CSV, e.g. \"traces/x.csv\"");
  if (v == nullptr) return;
  const std::string p = Child(path, "path");
  std::optional<std::string> s = config::ReadString(*v, p, diag);
  if (!s) return;
  if (s->empty()) {
    diag.Error(p, "empty path", "write the trace CSV's path, e.g. \"traces/x.csv\"");
    return;
  }
  const std::filesystem::path given(*s);
  const bool relative = given.is_relative() && !base_dir.empty();
  spec.path = relative ? (std::filesystem::path(base_dir) / given).string() : *s;
  if (absl::StatusOr<RegularFile> file = RegularFile::Open(spec.path, kMaxTraceBytes, "trace");
      !file.ok()) {
    diag.Error(p, file.status().message(),
               relative ? absl::StrCat("relative paths resolve against ", base_dir) : "");
  }
}

std::optional<TrafficSpec> ParseNode(const json& v, const std::string& path,
                                     const std::string& base_dir, int depth, Diagnostics& diag);

// `depth` is the node's own: its children are one deeper.
void ParseFields(const json& o, const std::string& path, const std::string& base_dir, int depth,
                 Diagnostics& diag, TrafficSpec& spec) {
  NodeReader r(o, path, diag);
  switch (spec.kind) {
    case Kind::kConstant:
      r.Rate("rate", true, spec.rate);
      break;
    case Kind::kStep:
      r.Rate("before", true, spec.before);
      r.Rate("after", true, spec.after);
      r.Seconds("at_s", true, false, spec.at_s);
      break;
    case Kind::kDiurnal:
      r.Rate("mean", true, spec.mean);
      r.Rate("amplitude", true, spec.amplitude);
      r.Seconds("period_s", false, true, spec.period_s);
      r.Seconds("peak_at_s", false, false, spec.peak_at_s);
      if (spec.amplitude > spec.mean) {
        diag.Warning(
            Child(path, "amplitude"),
            absl::StrCat("amplitude ", FormatNumber(spec.amplitude), " exceeds mean ",
                         FormatNumber(spec.mean), ": the rate stays at 0 for part of each period"),
            "lower it to the mean at most for a plain sine");
      }
      break;
    case Kind::kFlashSale:
      r.Rate("baseline", true, spec.baseline);
      r.Seconds("start_s", true, false, spec.start_s);
      r.Seconds("ramp_s", false, false, spec.ramp_s);
      r.Number("peak_multiple", 1, false,
               "the peak as a multiple of the baseline, e.g. 10 for a 10x spike",
               spec.peak_multiple);
      r.Seconds("hold_s", false, false, spec.hold_s);
      r.Seconds("decay_s", false, false, spec.decay_s);
      if (o.contains("ramp_s") || o.contains("hold_s") || o.contains("decay_s")) {
        if (spec.ramp_s + spec.hold_s + spec.decay_s <= 0) {
          diag.Error(path, "the spike lasts 0 s (ramp_s, hold_s and decay_s are all 0)",
                     "give it a length, e.g. \"hold_s\": 600");
        }
      } else {
        diag.Error(path, "the spike has no length",
                   "add \"ramp_s\", \"hold_s\" and \"decay_s\", e.g. 120, 600, 300");
      }
      break;
    case Kind::kPoisson:
      if (const json* of = r.Find("of", true, R"({"kind": "constant", "rate": 100})")) {
        if (auto child = ParseNode(*of, Child(path, "of"), base_dir, depth + 1, diag)) {
          spec.of.push_back(std::move(*child));
        }
      }
      break;
    case Kind::kSum:
      if (const json* of = r.Find("of", true, R"([{"kind": ...}, {"kind": ...}])")) {
        const std::string p = Child(path, "of");
        if (!of->is_array() || of->empty()) {
          diag.Error(p,
                     of->is_array() ? "an empty list"
                                    : absl::StrCat("expected a list of traffic nodes, got ",
                                                   config::Describe(*of)),
                     R"(write [{"kind": ...}, {"kind": ...}])");
          break;
        }
        for (size_t i = 0; i < of->size(); ++i) {
          if (auto child = ParseNode((*of)[i], Index(p, i), base_dir, depth + 1, diag)) {
            spec.of.push_back(std::move(*child));
          }
        }
      }
      break;
    case Kind::kTrace:
      ParseTracePath(path, base_dir, r, diag, spec);
      r.Number("scale", 0, false, "a factor >= 0 on every value, e.g. 2", spec.scale);
      r.Seconds("offset_s", false, false, spec.offset_s);
      r.Number("speedup", 0, true, "a time compression > 0, e.g. 10 to replay 10 s per second",
               spec.speedup);
      r.Bool("loop", spec.loop);
      break;
  }
}

std::optional<TrafficSpec> ParseNode(const json& v, const std::string& path,
                                     const std::string& base_dir, int depth, Diagnostics& diag) {
  if (depth > kMaxTrafficDepth) {
    diag.Error(path, absl::StrCat("nested more than ", kMaxTrafficDepth, " traffic nodes deep"),
               kFlattenTraffic);
    return std::nullopt;
  }
  const config::ErrorsSince failed(diag);
  const json* o = config::ReadObject(v, path, diag, R"("kind": "flash_sale", "baseline": 70, ...)");
  if (o == nullptr) return std::nullopt;
  const std::vector<std::string> names = KindNames();
  auto kind_it = o->find("kind");
  if (kind_it == o->end()) {
    diag.Error(path, "no \"kind\"",
               absl::StrCat("add \"kind\": one of ", absl::StrJoin(names, ", ")));
    return std::nullopt;
  }
  std::optional<std::string> kind =
      config::ReadEnum(*kind_it, Child(path, "kind"), diag, names, KindAliases());
  if (!kind) return std::nullopt;
  const KindInfo* info = nullptr;
  for (const KindInfo& k : Kinds()) {
    if (*kind == k.name) info = &k;
  }
  RejectUnknownKeys(*o, path, *info, diag);
  TrafficSpec spec;
  spec.kind = info->kind;
  ParseFields(*o, path, base_dir, depth, diag, spec);
  if (failed.any()) return std::nullopt;
  return spec;
}

}  // namespace

std::optional<TrafficSpec> ParseTraffic(const json& v, const std::string& path,
                                        const std::string& base_dir, Diagnostics& diag) {
  return ParseNode(v, path, base_dir, 1, diag);
}

}  // namespace limiar::sim
