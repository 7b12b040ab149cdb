#include "src/policy/names.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace limiar::policy {
namespace {

constexpr std::pair<MetricType, const char*> kMetricTypes[] = {
    {MetricType::kCpu, "cpu"},
    {MetricType::kRequests, "requests"},
    {MetricType::kConnections, "connections"}};
constexpr std::pair<Algorithm, const char*> kAlgorithms[] = {{Algorithm::kHpa, "hpa"},
                                                             {Algorithm::kKpa, "kpa"}};
constexpr std::pair<Mode, const char*> kModes[] = {
    {Mode::kEnforce, "enforce"}, {Mode::kDryRun, "dry-run"}, {Mode::kPaused, "paused"}};

template <typename E, size_t N>
const char* NameIn(const std::pair<E, const char*> (&table)[N], E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "?";
}

template <typename E, size_t N>
std::optional<E> ValueIn(const std::pair<E, const char*> (&table)[N], absl::string_view s) {
  for (const auto& [value, name] : table) {
    if (s == name) return value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
const std::vector<std::string>* NamesIn(const std::pair<E, const char*> (&table)[N]) {
  auto* names = new std::vector<std::string>;
  for (const auto& [value, name] : table) names->push_back(name);
  return names;
}

}  // namespace

const char* MetricTypeName(MetricType m) { return NameIn(kMetricTypes, m); }
const char* AlgorithmName(Algorithm a) { return NameIn(kAlgorithms, a); }
const char* ModeName(Mode m) { return NameIn(kModes, m); }

const std::vector<std::string>& MetricTypeNames() {
  static const auto* names = NamesIn(kMetricTypes);
  return *names;
}
const std::vector<std::string>& AlgorithmNames() {
  static const auto* names = NamesIn(kAlgorithms);
  return *names;
}
const std::vector<std::string>& ModeNames() {
  static const auto* names = NamesIn(kModes);
  return *names;
}

std::optional<MetricType> MetricTypeFromName(absl::string_view name) {
  return ValueIn(kMetricTypes, name);
}
std::optional<Algorithm> AlgorithmFromName(absl::string_view name) {
  return ValueIn(kAlgorithms, name);
}
std::optional<Mode> ModeFromName(absl::string_view name) { return ValueIn(kModes, name); }

const char* MetricUnit(MetricType m) {
  switch (m) {
    case MetricType::kCpu:
      return "cores";
    case MetricType::kRequests:
      return "requests/s";
    case MetricType::kConnections:
      return "connections";
  }
  return "units";
}

std::string Alternatives(const std::vector<std::string>& names) {
  if (names.size() < 2) return absl::StrJoin(names, "");
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "), " or ", names.back());
}

}  // namespace limiar::policy
