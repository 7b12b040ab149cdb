#include "src/common/config/field_reader.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/json_path.h"
#include "src/common/config/json_read.h"

namespace limiar::config {
namespace {

// RFC 9110 token characters: what a header name may consist of.
bool IsHttpToken(absl::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
  });
}

using json = nlohmann::json;

// "between 1 and 10", "more than 0", "at least 1 and at most 300 seconds", "an integer from
// 1024 to 4194304 (bytes)".
std::string MustBe(const Bounds& b, bool integer) {
  if (!b.must_be.empty()) return std::string(b.must_be);
  const std::string min = FormatNumber(b.min), max = FormatNumber(b.max);
  const bool has_min = std::isfinite(b.min), has_max = std::isfinite(b.max);
  if (integer) {
    return absl::StrCat("an integer from ", min, " to ", max,
                        b.unit.empty() ? "" : absl::StrCat(" (", b.unit, ")"));
  }
  const std::string lower = absl::StrCat(b.min_exclusive ? "more than " : "at least ", min);
  const std::string unit = b.unit.empty() ? "" : absl::StrCat(" ", b.unit);
  if (!has_max) return absl::StrCat(lower, unit);
  if (!has_min) return absl::StrCat("at most ", max, unit);
  if (b.min_exclusive || !b.unit.empty()) return absl::StrCat(lower, " and at most ", max, unit);
  return absl::StrCat("between ", min, " and ", max);
}

}  // namespace

FieldReader::FieldReader(const json& object, std::string path, Diagnostics& diag,
                         const Wording& wording, absl::string_view must_be)
    : object_(object),
      path_(std::move(path)),
      diag_(diag),
      wording_(wording),
      valid_(object.is_object()) {
  if (!valid_) WrongType(object, path_, must_be);
}

std::string FieldReader::PathOf(absl::string_view key) const { return Child(path_, key); }

const json* FieldReader::Find(absl::string_view key) const {
  if (!valid_) return nullptr;
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void FieldReader::Error(absl::string_view key, absl::string_view message) const {
  diag_.Error(PathOf(key), message, "");
}

std::set<std::string> FieldReader::RejectUnknownKeys(const KnownKeys& known) const {
  if (!valid_) return {};
  return config::RejectUnknownKeys(object_, path_, known, diag_);
}

void FieldReader::WrongType(const json& v, const std::string& path,
                            absl::string_view must_be) const {
  std::string what = absl::StrCat("must be ", must_be, wording_.got, v.type_name());
  std::optional<std::string> hint;
  if (must_be == "a number") hint = UnquoteHint(v, JsonKind::kNumber);
  if (must_be == wording_.boolean) hint = UnquoteHint(v, JsonKind::kBoolean);
  if (hint) absl::StrAppend(&what, " (", *hint, ")");
  diag_.Error(path, what, "");
}

bool FieldReader::HasAll(std::initializer_list<absl::string_view> keys) const {
  bool all = true;
  for (absl::string_view key : keys) {
    if (Has(key)) continue;
    Error(key, "required");
    all = false;
  }
  return all;
}

const json* FieldReader::Get(absl::string_view key, Need need) const {
  const json* v = Find(key);
  if (v == nullptr && need == Need::kRequired && valid_) Error(key, "required");
  return v;
}

bool FieldReader::String(absl::string_view key, std::string* out, Need need) const {
  const json* v = Get(key, need);
  if (v == nullptr) return false;
  if (!v->is_string()) {
    WrongType(*v, PathOf(key), "a string");
    return false;
  }
  *out = v->get<std::string>();
  return true;
}

std::optional<std::string> FieldReader::NonEmptyStringAt(const json& v,
                                                         const std::string& path) const {
  if (!v.is_string()) {
    WrongType(v, path, "a string");
    return std::nullopt;
  }
  std::string s = v.get<std::string>();
  if (absl::StripAsciiWhitespace(s).empty()) {
    diag_.Error(path, "must not be empty", "");
    return std::nullopt;
  }
  return s;
}

bool FieldReader::NonEmptyString(absl::string_view key, std::string* out, Need need) const {
  const json* v = Get(key, need);
  if (v == nullptr) return false;
  std::optional<std::string> s = NonEmptyStringAt(*v, PathOf(key));
  if (!s) return false;
  *out = *std::move(s);
  return true;
}

bool FieldReader::Bool(absl::string_view key, bool* out) const {
  const json* v = Get(key, Need::kOptional);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    WrongType(*v, PathOf(key), wording_.boolean);
    return false;
  }
  *out = v->get<bool>();
  return true;
}

std::optional<double> FieldReader::NumberAt(const json& v, const std::string& path,
                                            const Bounds& bounds, bool integer) const {
  if (!v.is_number()) {
    WrongType(v, path, "a number");
    return std::nullopt;
  }
  const double d = v.get<double>();
  const bool above = bounds.min_exclusive ? d > bounds.min : d >= bounds.min;
  if ((integer && !v.is_number_integer()) || !std::isfinite(d) || !above || d > bounds.max) {
    diag_.Error(path, absl::StrCat("must be ", MustBe(bounds, integer), wording_.got, v.dump()),
                "");
    return std::nullopt;
  }
  return d;
}

bool FieldReader::Number(absl::string_view key, const Bounds& bounds, double* out) const {
  const json* v = Get(key, Need::kOptional);
  if (v == nullptr) return false;
  std::optional<double> d = NumberAt(*v, PathOf(key), bounds, /*integer=*/false);
  if (!d) return false;
  *out = *d;
  return true;
}

bool FieldReader::Integer(absl::string_view key, const Bounds& bounds, int64_t* out) const {
  const json* v = Get(key, Need::kOptional);
  if (v == nullptr) return false;
  if (!NumberAt(*v, PathOf(key), bounds, /*integer=*/true)) return false;
  *out = v->get<int64_t>();
  return true;
}

bool FieldReader::Seconds(absl::string_view key, const Bounds& bounds, absl::Duration* out) const {
  const json* v = Get(key, Need::kOptional);
  if (v == nullptr) return false;
  Bounds seconds = bounds;
  seconds.unit = "seconds";
  std::optional<double> d = NumberAt(*v, PathOf(key), seconds, /*integer=*/false);
  if (!d) return false;
  *out = absl::Seconds(*d);
  return true;
}

bool FieldReader::StringMap(absl::string_view key, std::map<std::string, std::string>* out,
                            absl::string_view must_be) const {
  const json* v = Get(key, Need::kOptional);
  if (v == nullptr) return false;
  if (!v->is_object()) {
    WrongType(*v, PathOf(key), must_be);
    return false;
  }
  bool ok = true;
  for (const auto& [name, value] : v->items()) {
    if (!value.is_string()) {
      WrongType(value, Child(PathOf(key), name), "a string");
      ok = false;
      continue;
    }
    (*out)[name] = value.get<std::string>();
  }
  return ok;
}

bool FieldReader::HttpHeaders(absl::string_view key, std::map<std::string, std::string>* out,
                              absl::string_view must_be) const {
  std::map<std::string, std::string> headers;
  bool ok = StringMap(key, &headers, must_be);
  for (auto& [name, value] : headers) {
    const std::string where = absl::StrCat(key, ".", name);
    if (!IsHttpToken(name)) {
      Error(where, "not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)");
      ok = false;
    } else if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      Error(where, "a header value may not contain line breaks");
      ok = false;
    } else {
      (*out)[name] = std::move(value);
    }
  }
  return ok;
}

const json* FieldReader::Array(absl::string_view key, Need need) const {
  const json* v = Get(key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    WrongType(*v, PathOf(key), "an array");
    return nullptr;
  }
  return v;
}

}  // namespace limiar::config
