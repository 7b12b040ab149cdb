// gRPC ingest (limiar.v1.Ingest/Push): client-streaming batches of samples. Each sample is
// validated on its own; valid ones are stored even when others in the same batch are
// rejected, and the reply lists the first rejected ones by their index in the stream
// (`max_rejections_listed`) and counts the rest. With a bearer token, a call without it is
// refused before anything is read.
#ifndef LIMIAR_METRICS_PUSH_PUSH_SERVICE_H_
#define LIMIAR_METRICS_PUSH_PUSH_SERVICE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "limiar/v1/samples.grpc.pb.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/metrics/push/sample_validation.h"
#include "src/metrics/store/sample_store.h"

namespace limiar::metrics {

// The fields of one wire sample, as Push validates them; an absent timestamp is `now`.
// Fills `in` (reused across a batch, so its strings keep their capacity).
void DecodePushedSample(const limiar::v1::Sample& s, absl::Time now, PushedSample& in);

class PushService final : public limiar::v1::Ingest::Service {
 public:
  // Called after each batch with the replicas' samples it stored (not totals of a whole
  // resource, not replicas reported gone), on the gRPC thread that received them; the
  // runner uses it to evaluate a target at once when a sample crosses its fast threshold.
  // Must be thread-safe and quick.
  using StoredCallback = std::function<void(const std::vector<Sample>&)>;

  // `bearer_token` empty: no authentication (mutual TLS may still guard the port).
  PushService(SampleStore* store, std::shared_ptr<const ResourceIndex> index, Clock* clock,
              IngestLimits limits, std::string bearer_token, StoredCallback on_stored);

  // Called with the time each batch took to validate and store (serve's
  // limiar_ingest_batch_duration_seconds). Set before the server starts; must be thread-safe.
  using BatchTimer = std::function<void(absl::Duration)>;
  void SetBatchTimer(BatchTimer timer) { batch_timer_ = std::move(timer); }

  // Replaces the resource index (after a blueprint reload). Thread-safe.
  void SetIndex(std::shared_ptr<const ResourceIndex> index);

  grpc::Status Push(grpc::ServerContext* context,
                    grpc::ServerReader<limiar::v1::SampleBatch>* reader,
                    limiar::v1::PushResponse* response) override;

  uint64_t accepted_total() const { return accepted_.load(std::memory_order_relaxed); }
  uint64_t rejected_total() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<const ResourceIndex> index() const;

  SampleStore* store_;
  Clock* clock_;
  const IngestLimits limits_;
  const std::string token_;
  StoredCallback on_stored_;
  BatchTimer batch_timer_;
  mutable Mutex index_mu_;
  std::shared_ptr<const ResourceIndex> index_ ABSL_GUARDED_BY(index_mu_);
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_PUSH_PUSH_SERVICE_H_
