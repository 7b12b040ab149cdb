// Typed reads of the fields of one object in the service's own config files (the serve
// config, the actuator section, scrape and PromQL sources), in their words:
// `PATH.key: must be a number, not string (write 30 without quotes)`,
// `PATH.key: must be an integer from 1 to 100, not 0`, `PATH.key: required`. Blueprints and
// scenarios say the same things as sentences with what to do (json_read.h); both wordings
// are older than this toolkit and users know them, so each family keeps its own.
//
// Each read reports its problem to Diagnostics and says whether the key was there and
// valid; when it is absent the output keeps its default, and a required key is reported.
#ifndef LIMIAR_COMMON_CONFIG_FIELD_READER_H_
#define LIMIAR_COMMON_CONFIG_FIELD_READER_H_

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/config/diagnostics.h"
#include "src/common/config/known_keys.h"

namespace limiar::config {

// What comes between what a value must be and what it is, and what a boolean must be.
struct Wording {
  absl::string_view got;      // ", not " or ", got "
  absl::string_view boolean;  // "a boolean" or "true or false"
};
// The serve config and the metric sources: `must be a boolean, not string`.
inline constexpr Wording kMustBeNot = {", not ", "a boolean"};
// The actuator section: `must be true or false, got string`.
inline constexpr Wording kMustBeGot = {", got ", "true or false"};

// What a number must be. The phrase in errors is made from the bounds ("between 1 and 10",
// "more than 0", "at least 1 and at most 300 seconds", "an integer from 1024 to 4194304
// (bytes)") unless `must_be` gives it.
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  absl::string_view unit;  // "seconds", "bytes", or none
  absl::string_view must_be;
};

class FieldReader {
 public:
  enum class Need { kOptional, kRequired };

  // `object` must outlive this; `path` names it ("actuator.webhook"). If it is not an
  // object, that is the one problem reported (`PATH: must be MUST_BE, not TYPE`) and every
  // read finds nothing.
  FieldReader(const nlohmann::json& object, std::string path, Diagnostics& diag,
              const Wording& wording = kMustBeNot, absl::string_view must_be = "an object");

  bool ok() const { return valid_; }
  const std::string& path() const { return path_; }
  std::string PathOf(absl::string_view key) const;
  Diagnostics& diag() const { return diag_; }

  // The value at `key`, or null when absent (or when this is no object).
  const nlohmann::json* Find(absl::string_view key) const;
  bool Has(absl::string_view key) const { return Find(key) != nullptr; }
  // Reports each of `keys` that is absent as required; true when all are present.
  bool HasAll(std::initializer_list<absl::string_view> keys) const;
  // Reports `PATH.key: message` (`key` may be a sub-path such as "headers.X-A").
  void Error(absl::string_view key, absl::string_view message) const;
  // Reports every key not in `known`, each with the nearest known key or the hint `known`
  // gives. Returns the keys suggested.
  std::set<std::string> RejectUnknownKeys(const KnownKeys& known) const;

  bool String(absl::string_view key, std::string* out, Need need = Need::kOptional) const;
  // A string with more than white space in it.
  bool NonEmptyString(absl::string_view key, std::string* out, Need need = Need::kOptional) const;
  bool Bool(absl::string_view key, bool* out) const;
  bool Number(absl::string_view key, const Bounds& bounds, double* out) const;
  // A JSON integer (2.0 and 2.5 are not) within `bounds`.
  bool Integer(absl::string_view key, const Bounds& bounds, int64_t* out) const;
  template <typename Int>
  bool Integer(absl::string_view key, const Bounds& bounds, Int* out) const {
    int64_t v = 0;
    if (!Integer(key, bounds, &v)) return false;
    *out = static_cast<Int>(v);
    return true;
  }
  // A number of seconds within `bounds` (whose unit is then "seconds").
  bool Seconds(absl::string_view key, const Bounds& bounds, absl::Duration* out) const;
  // An object of strings; `must_be` names it in the error when it is not an object.
  bool StringMap(absl::string_view key, std::map<std::string, std::string>* out,
                 absl::string_view must_be = "an object of strings") const;
  // HTTP headers to send: an object of strings whose names are RFC 9110 tokens and whose
  // values hold no line break or NUL (a value could otherwise smuggle a header in). False
  // after reporting every bad one; the good ones are in `out` either way.
  bool HttpHeaders(absl::string_view key, std::map<std::string, std::string>* out,
                   absl::string_view must_be = "an object of header names to values") const;
  // The list at `key`, or null (an error when it is there but no list).
  const nlohmann::json* Array(absl::string_view key, Need need = Need::kOptional) const;

  // The same checks of a value at `path` that is no key of this object (a list's element).
  // `PATH: must be MUST_BE, not TYPE`, with a hint when a string holds what was meant.
  void WrongType(const nlohmann::json& v, const std::string& path, absl::string_view must_be) const;
  std::optional<std::string> NonEmptyStringAt(const nlohmann::json& v,
                                              const std::string& path) const;

 private:
  // The value at `key`, or null; a missing required key is reported.
  const nlohmann::json* Get(absl::string_view key, Need need) const;
  std::optional<double> NumberAt(const nlohmann::json& v, const std::string& path,
                                 const Bounds& bounds, bool integer) const;

  const nlohmann::json& object_;
  const std::string path_;
  Diagnostics& diag_;
  const Wording wording_;
  const bool valid_;
};

}  // namespace limiar::config

#endif  // LIMIAR_COMMON_CONFIG_FIELD_READER_H_
