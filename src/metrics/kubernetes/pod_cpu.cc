#include "src/metrics/kubernetes/pod_cpu.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"
#include "src/kube/quantity.h"

namespace limiar::metrics {
namespace {

using json = nlohmann::json;

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// metrics-server writes the window as a Go duration ("15s", "1m0s", "10.5s").
absl::Duration WindowOf(const json& item) {
  absl::Duration d;
  const std::string text = StringAt(item, "window");
  return !text.empty() && absl::ParseDuration(text, &d) ? d : absl::ZeroDuration();
}

}  // namespace

std::map<std::string, PodCpuUsage> PodCpuUsages(const json& pod_metrics_list) {
  std::map<std::string, PodCpuUsage> usages;
  if (!pod_metrics_list.is_object() || !pod_metrics_list.contains("items") ||
      !pod_metrics_list["items"].is_array()) {
    return usages;
  }
  for (const json& item : pod_metrics_list["items"]) {
    const std::string name =
        item.is_object() ? StringAt(item.value("metadata", json()), "name") : "";
    if (name.empty() || !item.contains("containers") || !item["containers"].is_array()) continue;
    PodCpuUsage usage;
    bool complete = true;
    for (const json& c : item["containers"]) {
      const std::string cpu = c.is_object() ? StringAt(c.value("usage", json()), "cpu") : "";
      absl::StatusOr<kube::Quantity> q = kube::ParseQuantity(cpu);
      if (cpu.empty() || !q.ok()) {
        complete = false;
        break;
      }
      usage.usage_milli += q->MilliValue();
    }
    if (!complete) continue;
    usage.timestamp =
        config::ParseZonedTime(StringAt(item, "timestamp")).value_or(absl::InfinitePast());
    usage.window = WindowOf(item);
    usages[name] = usage;
  }
  return usages;
}

absl::StatusOr<std::vector<PodCpuSample>> PodCpuSamples(
    const std::vector<PodInfo>& pods, const std::map<std::string, PodCpuUsage>& usages,
    double capacity_per_replica) {
  std::vector<PodCpuSample> samples;
  for (const PodInfo& pod : pods) {
    if (!IsReplica(pod)) continue;
    int64_t request = 0;
    for (const PodContainer& c : pod.containers) {
      if (!c.cpu_request_milli) {
        return absl::FailedPreconditionError(
            absl::StrCat("missing request for cpu in container ", c.name, " of Pod ", pod.name,
                         ": cpu utilization needs a cpu request on every container (set "
                         "resources.requests.cpu in the pod template)"));
      }
      request += *c.cpu_request_milli;
    }
    if (request <= 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Pod ", pod.name, " requests no cpu: utilization of a zero request is undefined"));
    }
    const auto it = usages.find(pod.name);
    if (it == usages.end()) continue;  // no PodMetrics yet: missing
    const PodCpuUsage& u = it->second;
    samples.push_back({.pod = pod.name,
                       .usage_milli = u.usage_milli,
                       .request_milli = request,
                       .time = u.timestamp,
                       .window = u.window});
  }
  // Each usage over the pods' mean request: the policy's sum(value) / sum(capacity) is then
  // the HPA's sum(usage) / sum(request) also when requests differ (a rollout that changes
  // them); over each pod's own request it would be the mean of the pods' ratios.
  int64_t requests = 0;
  for (const PodCpuSample& sample : samples) requests += sample.request_milli;
  const double mean_request =
      samples.empty() ? 1.0 : static_cast<double>(requests) / static_cast<double>(samples.size());
  for (PodCpuSample& sample : samples) {
    sample.value = capacity_per_replica * static_cast<double>(sample.usage_milli) / mean_request;
  }
  return samples;
}

}  // namespace limiar::metrics
