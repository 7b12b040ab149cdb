// Helpers the PromQL tests share: a temporary directory and the store's whole-target value.
#ifndef LIMIAR_TESTS_METRICS_PROMQL_PROMQL_TEST_UTIL_H_
#define LIMIAR_TESTS_METRICS_PROMQL_PROMQL_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"

namespace limiar::metrics::promql_test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/limiar-promql-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string file = absl::StrCat(path_, "/", name);
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  std::string path_;
};

// The whole-target value the store gives `target`'s `metric` at `now`, if any.
inline std::optional<double> StoredValue(SampleStore& store, const std::string& target,
                                         policy::MetricType metric, absl::Time now) {
  policy::TargetPolicy p;
  p.target = target;
  policy::MetricTarget m;
  m.metric = metric;
  p.metrics.push_back(m);
  std::vector<policy::MetricObservation> out;
  if (!store.Observe(p, now, &out).ok() || out.size() != 1) return std::nullopt;
  return out[0].whole_target_value;
}

}  // namespace limiar::metrics::promql_test

#endif  // LIMIAR_TESTS_METRICS_PROMQL_PROMQL_TEST_UTIL_H_
