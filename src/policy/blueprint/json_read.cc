#include "src/policy/blueprint/json_read.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace limiar::policy::blueprint {
namespace {

using json = nlohmann::json;

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

std::string Child(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string Index(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return absl::StrCat("the string ", v.dump());
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "a list";
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return absl::StrCat("the boolean ", v.dump());
    default:
      return v.dump();
  }
}

std::string FormatNumber(double v) { return absl::StrFormat("%.15g", v); }

std::optional<std::string> ReadString(const json& v, const std::string& path, Diagnostics& diag) {
  if (v.is_string()) return v.get<std::string>();
  diag.Error(path, absl::StrCat("expected a string, got ", Describe(v)),
             "write the value in double quotes");
  return std::nullopt;
}

std::optional<double> ReadNumber(const json& v, const std::string& path, Diagnostics& diag) {
  if (v.is_number()) return v.get<double>();
  std::string todo = "write a plain number, without quotes";
  if (v.is_string()) {
    double parsed;
    if (absl::SimpleAtod(v.get<std::string>(), &parsed)) {
      todo = absl::StrCat("write ", FormatNumber(parsed), " without quotes");
    }
  }
  diag.Error(path, absl::StrCat("expected a number, got ", Describe(v)), todo);
  return std::nullopt;
}

std::optional<int32_t> ReadInteger(const json& v, const std::string& path, Diagnostics& diag,
                                   int64_t min, int64_t max) {
  std::optional<double> d = ReadNumber(v, path, diag);
  if (!d) return std::nullopt;
  if (*d != std::floor(*d)) {
    diag.Error(
        path, absl::StrCat("expected a whole number, got ", FormatNumber(*d)),
        absl::StrCat("write ", FormatNumber(std::floor(*d)), " or ", FormatNumber(std::ceil(*d))));
    return std::nullopt;
  }
  if (*d < static_cast<double>(min)) {
    diag.Error(path,
               *d < 0 ? absl::StrCat("negative value ", FormatNumber(*d))
                      : absl::StrCat(FormatNumber(*d), " is below the minimum of ", min),
               absl::StrCat("use a whole number, ", min, " or more"));
    return std::nullopt;
  }
  if (*d > static_cast<double>(max)) {
    diag.Error(path, absl::StrCat(FormatNumber(*d), " exceeds the maximum of ", max),
               absl::StrCat("use a whole number up to ", max));
    return std::nullopt;
  }
  return static_cast<int32_t>(*d);
}

std::optional<double> ReadSeconds(const json& v, const std::string& path, Diagnostics& diag,
                                  double max_s) {
  if (v.is_string()) {
    absl::Duration d;
    std::string todo = "write a number of seconds, e.g. 300 for five minutes";
    if (absl::ParseDuration(v.get<std::string>(), &d)) {
      todo = absl::StrCat("durations are numbers of seconds: write ",
                          FormatNumber(absl::ToDoubleSeconds(d)));
    }
    diag.Error(path, absl::StrCat("expected a number of seconds, got ", Describe(v)), todo);
    return std::nullopt;
  }
  std::optional<double> s = ReadNumber(v, path, diag);
  if (!s) return std::nullopt;
  if (*s < 0) {
    diag.Error(path, absl::StrCat("negative duration ", FormatNumber(*s), " s"),
               "durations are seconds, 0 or more");
    return std::nullopt;
  }
  if (*s > max_s) {
    diag.Error(
        path,
        absl::StrCat(FormatNumber(*s), " s exceeds the maximum of ", FormatNumber(max_s), " s"),
        absl::StrCat("use at most ", FormatNumber(max_s)));
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> ReadEnum(const json& v, const std::string& path, Diagnostics& diag,
                                    const std::vector<std::string>& allowed,
                                    const AliasMap& aliases) {
  std::optional<std::string> s = ReadString(v, path, diag);
  if (!s) return std::nullopt;
  for (const std::string& a : allowed) {
    if (*s == a) return s;
  }
  const std::string one_of = absl::StrCat("use one of: ", absl::StrJoin(allowed, ", "));
  const std::optional<std::string> guess = Suggest(*s, allowed, aliases);
  diag.Error(path, absl::StrCat("unknown value ", Quoted(*s)),
             guess ? absl::StrCat("did you mean ", *guess, "? (", one_of, ")") : one_of);
  return std::nullopt;
}

const json* ReadObject(const json& v, const std::string& path, Diagnostics& diag,
                       absl::string_view what_it_holds) {
  if (v.is_object()) return &v;
  diag.Error(path, absl::StrCat("expected an object, got ", Describe(v)),
             absl::StrCat("write {", what_it_holds, "}"));
  return nullptr;
}

std::set<std::string> RejectUnknownKeys(const json& object, const std::string& path,
                                        const std::vector<std::string>& known,
                                        const AliasMap& aliases, Diagnostics& diag) {
  std::set<std::string> suggested;
  for (const auto& [key, unused] : object.items()) {
    bool ok = false;
    for (const std::string& k : known) ok = ok || key == k;
    if (ok) continue;
    const std::optional<std::string> guess = Suggest(key, known, aliases);
    diag.Error(Child(path, key), "unknown key",
               guess ? absl::StrCat("did you mean ", *guess, "?")
                     : "Limiar reads only the keys listed in docs/policy-keys.md; remove it or "
                       "fix its name");
    if (guess) suggested.insert(*guess);
  }
  return suggested;
}

}  // namespace limiar::policy::blueprint
