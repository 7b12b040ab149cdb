#include "src/actuator/json_fields.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace limiar::actuator {
namespace {

std::string TypeOf(const nlohmann::json& v) { return v.type_name(); }

}  // namespace

JsonFields::JsonFields(const nlohmann::json& object, std::string path,
                       std::vector<std::string>* errors)
    : object_(object), path_(std::move(path)), errors_(errors), valid_(object.is_object()) {
  if (!valid_) {
    errors_->push_back(absl::StrCat(path_, ": must be an object, got ", TypeOf(object)));
  }
}

void JsonFields::AllowOnly(const std::vector<std::string>& allowed) {
  if (!valid_) return;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      errors_->push_back(absl::StrCat(PathOf(key), ": unknown key; expected one of ",
                                      absl::StrJoin(allowed, ", ")));
    }
  }
}

const nlohmann::json* JsonFields::Find(const std::string& key) const {
  if (!valid_) return nullptr;
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

bool JsonFields::Has(const std::string& key) const { return Find(key) != nullptr; }

void JsonFields::Error(const std::string& key, const std::string& message) {
  errors_->push_back(absl::StrCat(PathOf(key), ": ", message));
}

bool JsonFields::String(const std::string& key, std::string* out, bool required) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) {
    if (required && valid_) Error(key, "required");
    return false;
  }
  if (!v->is_string()) {
    Error(key, absl::StrCat("must be a string, got ", TypeOf(*v)));
    return false;
  }
  *out = v->get<std::string>();
  return true;
}

bool JsonFields::Bool(const std::string& key, bool* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    Error(key, absl::StrCat("must be true or false, got ", TypeOf(*v)));
    return false;
  }
  *out = v->get<bool>();
  return true;
}

bool JsonFields::Int(const std::string& key, int64_t min, int64_t max, int* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return false;
  if (!v->is_number_integer() || v->get<int64_t>() < min || v->get<int64_t>() > max) {
    Error(key, absl::StrCat("must be an integer from ", min, " to ", max, ", got ", v->dump()));
    return false;
  }
  *out = static_cast<int>(v->get<int64_t>());
  return true;
}

bool JsonFields::Seconds(const std::string& key, absl::Duration* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return false;
  if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() <= 0 ||
      v->get<double>() > 86400) {
    Error(key, absl::StrCat("must be a number of seconds, > 0 and <= 86400, got ", v->dump()));
    return false;
  }
  *out = absl::Seconds(v->get<double>());
  return true;
}

bool JsonFields::StringMap(const std::string& key, std::map<std::string, std::string>* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return false;
  if (!v->is_object()) {
    Error(key, absl::StrCat("must be an object of strings, got ", TypeOf(*v)));
    return false;
  }
  bool ok = true;
  for (const auto& [name, value] : v->items()) {
    if (!value.is_string()) {
      errors_->push_back(
          absl::StrCat(PathOf(key), ".", name, ": must be a string, got ", TypeOf(value)));
      ok = false;
      continue;
    }
    (*out)[name] = value.get<std::string>();
  }
  return ok;
}

}  // namespace limiar::actuator
