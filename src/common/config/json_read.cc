#include "src/common/config/json_read.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace limiar::config {
namespace {

using json = nlohmann::json;

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

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

std::optional<std::string> UnquoteHint(const json& v, JsonKind want) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  double parsed;
  if (want == JsonKind::kNumber && absl::SimpleAtod(s, &parsed) && std::isfinite(parsed)) {
    return absl::StrCat("write ", FormatNumber(parsed), " without quotes");
  }
  if (want == JsonKind::kBoolean && (s == "true" || s == "false")) {
    return absl::StrCat("write ", s, " without quotes");
  }
  return std::nullopt;
}

std::optional<std::string> ReadString(const json& v, const std::string& path, Diagnostics& diag) {
  if (v.is_string()) return v.get<std::string>();
  diag.Error(path, absl::StrCat("expected a string, got ", Describe(v)),
             "write the value in double quotes");
  return std::nullopt;
}

std::optional<double> ReadNumber(const json& v, const std::string& path, Diagnostics& diag) {
  if (v.is_number()) return v.get<double>();
  diag.Error(path, absl::StrCat("expected a number, got ", Describe(v)),
             UnquoteHint(v, JsonKind::kNumber).value_or("write a plain number, without quotes"));
  return std::nullopt;
}

std::optional<bool> ReadBool(const json& v, const std::string& path, Diagnostics& diag,
                             absl::string_view todo) {
  if (v.is_boolean()) return v.get<bool>();
  diag.Error(path, absl::StrCat("expected true or false, got ", Describe(v)), todo);
  return std::nullopt;
}

std::optional<double> ReadNumberIn(const json& v, const std::string& path, Diagnostics& diag,
                                   const NumberRange& range, absl::string_view todo) {
  std::optional<double> d = ReadNumber(v, path, diag);
  if (!d) return std::nullopt;
  const bool above = range.lo_closed ? *d >= range.lo : *d > range.lo;
  const bool below = range.hi_closed ? *d <= range.hi : *d < range.hi;
  if (above && below) return d;
  diag.Error(path,
             absl::StrCat(FormatNumber(*d), " is out of range ", range.lo_closed ? "[" : "(",
                          FormatNumber(range.lo), ", ",
                          std::isinf(range.hi) ? "inf" : FormatNumber(range.hi),
                          range.hi_closed ? "]" : ")"),
             todo);
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

const json* ReadList(const json& v, const std::string& path, Diagnostics& diag,
                     absl::string_view todo) {
  if (v.is_array()) return &v;
  diag.Error(path, absl::StrCat("expected a list, got ", Describe(v)), todo);
  return nullptr;
}

std::optional<absl::Time> ParseZonedTime(const std::string& s) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return t;
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M%Ez", s, &t, &err)) return t;
  return std::nullopt;
}

}  // namespace limiar::config
