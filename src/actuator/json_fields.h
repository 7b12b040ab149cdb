// Typed reads of JSON object fields that collect errors naming the JSON path, so a
// configuration with several mistakes reports all of them at once.
#ifndef LIMIAR_ACTUATOR_JSON_FIELDS_H_
#define LIMIAR_ACTUATOR_JSON_FIELDS_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace limiar::actuator {

class JsonFields {
 public:
  // `object` must outlive this. `path` names it ("actuator.webhook"). If it is not an
  // object, that is the one error and every read finds nothing.
  JsonFields(const nlohmann::json& object, std::string path, std::vector<std::string>* errors);

  // Reports every key not in `allowed` as an error that lists the allowed ones.
  void AllowOnly(const std::vector<std::string>& allowed);

  bool Has(const std::string& key) const;
  std::string PathOf(const std::string& key) const { return path_ + "." + key; }
  void Error(const std::string& key, const std::string& message);

  // Each returns whether the key was present and valid; on absence `out` is untouched
  // (so it keeps its default) and, for `required`, an error is recorded.
  bool String(const std::string& key, std::string* out, bool required = false);
  bool Bool(const std::string& key, bool* out);
  bool Int(const std::string& key, int64_t min, int64_t max, int* out);
  // Seconds as a number, > 0 and at most a day.
  bool Seconds(const std::string& key, absl::Duration* out);
  bool StringMap(const std::string& key, std::map<std::string, std::string>* out);
  // The value at key, or null when absent; a JsonFields over it checks that it is an object.
  const nlohmann::json* Value(const std::string& key) const { return Find(key); }

 private:
  const nlohmann::json* Find(const std::string& key) const;

  const nlohmann::json& object_;
  const std::string path_;
  std::vector<std::string>* errors_;
  bool valid_;
};

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_JSON_FIELDS_H_
