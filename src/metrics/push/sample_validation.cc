#include "src/metrics/push/sample_validation.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/excerpt.h"
#include "src/policy/names.h"

namespace limiar::metrics {

ResourceIndex::ResourceIndex(const std::vector<policy::TargetPolicy>& targets) {
  for (const policy::TargetPolicy& t : targets) {
    Entry e{t.target, {}};
    for (const policy::MetricTarget& m : t.metrics) e.metrics.push_back(m.metric);
    by_name_[t.target] = e;
    for (const policy::MetricTarget& m : t.metrics) by_name_[m.autoscale_resource] = e;
  }
  constexpr size_t kNamesShown = 10;
  std::vector<std::string> names;
  for (const auto& [name, entry] : by_name_) names.push_back(name);
  std::sort(names.begin(), names.end());
  const size_t shown = std::min(names.size(), kNamesShown);
  known_names_ = absl::StrJoin(names.begin(), names.begin() + shown, ", ");
  if (names.size() > shown) absl::StrAppend(&known_names_, " and ", names.size() - shown, " more");
}

const ResourceIndex::Entry* ResourceIndex::Find(absl::string_view resource) const {
  auto it = by_name_.find(resource);
  return it == by_name_.end() ? nullptr : &it->second;
}

std::string ResourceIndex::KnownNames() const { return known_names_; }

bool MetricFromWire(int wire, policy::MetricType* out) {
  switch (wire) {
    case 1:
      *out = policy::MetricType::kCpu;
      return true;
    case 2:
      *out = policy::MetricType::kRequests;
      return true;
    case 3:
      *out = policy::MetricType::kConnections;
      return true;
    default:
      return false;
  }
}

namespace {

// "cpu (1), requests (2), connections (3)", from the one spelling of each metric.
const std::string& WireMetricNames() {
  static const auto* names = [] {
    std::vector<std::string> parts;
    for (const std::string& name : policy::MetricTypeNames()) {
      parts.push_back(
          absl::StrCat(name, " (", MetricToWire(*policy::MetricTypeFromName(name)), ")"));
    }
    return new std::string(absl::StrJoin(parts, ", "));
  }();
  return *names;
}

}  // namespace

int MetricToWire(policy::MetricType m) {
  switch (m) {
    case policy::MetricType::kCpu:
      return 1;
    case policy::MetricType::kRequests:
      return 2;
    case policy::MetricType::kConnections:
      return 3;
  }
  return 0;
}

absl::StatusOr<Sample> ValidatePushedSample(const PushedSample& in, const ResourceIndex& index,
                                            const IngestLimits& limits, absl::Time now) {
  const ResourceIndex::Entry* entry = index.Find(in.resource);
  if (entry == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown resource \"", Excerpt(in.resource, 64),
                                                   "\"; known: ", index.KnownNames()));
  }
  if (in.has_replica && in.replica_id.empty()) {
    return absl::InvalidArgumentError(
        "replica.id is empty: name the replica, or leave `replica` out for a value of the whole "
        "resource");
  }
  Sample out;
  out.target = entry->target;
  if (in.has_replica && in.gone) {
    out.replica_id = in.replica_id;
    out.gone = true;
    out.time = in.time;
    return out;
  }
  if (!MetricFromWire(in.metric, &out.metric)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", in.metric, " is not one of ", WireMetricNames()));
  }
  if (std::find(entry->metrics.begin(), entry->metrics.end(), out.metric) == entry->metrics.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resource \"", in.resource, "\" does not scale on ", policy::MetricTypeName(out.metric)));
  }
  if (std::isnan(in.value)) return absl::InvalidArgumentError("value is NaN");
  if (std::isinf(in.value)) return absl::InvalidArgumentError("value is infinite");
  if (in.value < 0) {
    return absl::InvalidArgumentError(absl::StrCat("value ", in.value, " is negative"));
  }
  if (in.time > now + limits.max_future) {
    return absl::InvalidArgumentError(absl::StrCat(
        "timestamp is ", absl::FormatDuration(in.time - now), " in the future (more than ",
        absl::FormatDuration(limits.max_future), "): check the sender's clock"));
  }
  if (in.time < now - limits.max_past) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp is ", absl::FormatDuration(now - in.time), " old (more than ",
                     absl::FormatDuration(limits.max_past), "): too old to matter"));
  }
  out.replica_id = in.replica_id;
  out.value = in.value;
  out.time = in.time;
  out.ready = in.ready;
  out.start_time = in.start_time;
  return out;
}

}  // namespace limiar::metrics
