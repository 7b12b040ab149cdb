// A push stream's bytes, as the gRPC server hands them to the push service: decoded as one
// limiar.v1.SampleBatch, each sample read (DecodePushedSample) and validated as
// PushService::Push does, stored, and the targets observed, so hostile ids, values and timestamps
// reach the store and the window arithmetic the policies read.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "google/protobuf/stubs/logging.h"
#include "src/metrics/push/push_service.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using limiar::metrics::PushedSample;
using limiar::policy::MetricType;
using limiar::policy::TargetPolicy;

// A fixed receive time, so that every run is repeatable.
const absl::Time kNow = absl::FromUnixSeconds(1795766400);

const std::vector<TargetPolicy>& Targets() {
  static const std::vector<TargetPolicy>* targets = [] {
    auto* t = new std::vector<TargetPolicy>(2);
    (*t)[0].target = "storefront";
    (*t)[0].metrics.push_back({"scale-store", MetricType::kRequests, 65, 100});
    (*t)[0].metrics.push_back({"scale-store-cpu", MetricType::kCpu, 70, 100});
    (*t)[1].target = "checkout";
    (*t)[1].metrics.push_back({"scale-checkout", MetricType::kConnections, 50, 100});
    return t;
  }();
  return *targets;
}

}  // namespace

// Protobuf logs every string that is not UTF-8 (the parse then fails, as on the server); at
// tens of thousands of inputs a second that would be most of the run's time and log.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  limiar::v1::SampleBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  static const limiar::metrics::ResourceIndex index(Targets());
  const limiar::metrics::IngestLimits limits;
  limiar::metrics::SampleStore store;  // fresh per input: runs stay independent
  PushedSample in;
  for (const limiar::v1::Sample& wire : batch.samples()) {
    limiar::metrics::DecodePushedSample(wire, kNow, in);
    absl::StatusOr<limiar::metrics::Sample> valid =
        limiar::metrics::ValidatePushedSample(in, index, limits, kNow);
    if (!valid.ok()) continue;
    limiar::fuzz::Require(std::isfinite(valid->value) && valid->value >= 0,
                          "a sample with a negative or non-finite value passed validation");
    (void)store.Add(*valid);
  }
  std::vector<limiar::policy::MetricObservation> observed;
  for (const TargetPolicy& target : Targets()) {
    observed.clear();
    (void)store.Observe(target, kNow, &observed);
  }
  return 0;
}
