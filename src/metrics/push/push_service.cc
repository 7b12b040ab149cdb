#include "src/metrics/push/push_service.h"

#include "absl/strings/str_cat.h"
#include "src/common/bearer_token.h"

namespace limiar::metrics {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace

void DecodePushedSample(const limiar::v1::Sample& s, absl::Time now, PushedSample& in) {
  in.resource = s.resource();
  in.metric = s.metric();
  in.has_replica = s.has_replica();
  in.replica_id = s.replica().id();
  in.gone = s.replica().gone();
  in.ready = !s.replica().has_ready() || s.replica().ready();
  in.start_time =
      s.replica().has_start_time() ? FromProto(s.replica().start_time()) : absl::InfinitePast();
  in.value = s.value();
  in.time = s.has_timestamp() ? FromProto(s.timestamp()) : now;
}

PushService::PushService(SampleStore* store, std::shared_ptr<const ResourceIndex> index,
                         Clock* clock, IngestLimits limits, std::string bearer_token,
                         StoredCallback on_stored)
    : store_(store),
      clock_(clock),
      limits_(limits),
      token_(std::move(bearer_token)),
      on_stored_(std::move(on_stored)),
      index_(std::move(index)) {}

void PushService::SetIndex(std::shared_ptr<const ResourceIndex> index) {
  MutexLock lock(&index_mu_);
  index_ = std::move(index);
}

std::shared_ptr<const ResourceIndex> PushService::index() const {
  MutexLock lock(&index_mu_);
  return index_;
}

grpc::Status PushService::Push(grpc::ServerContext* context,
                               grpc::ServerReader<limiar::v1::SampleBatch>* reader,
                               limiar::v1::PushResponse* response) {
  if (!token_.empty()) {
    const auto& md = context->client_metadata();
    auto it = md.find("authorization");
    if (it == md.end() ||
        !BearerTokenMatches(absl::string_view(it->second.data(), it->second.size()), token_)) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "push needs `authorization: Bearer TOKEN` with the server's "
                          "ingest_token_file token (limiar push --token-file)");
    }
  }
  const std::shared_ptr<const ResourceIndex> resources = index();
  limiar::v1::SampleBatch batch;
  uint64_t position = 0;  // index of the next sample in the whole stream
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  int64_t batch_number = 0;
  std::vector<Sample> stored;
  PushedSample in;
  while (reader->Read(&batch)) {
    if (static_cast<size_t>(batch.samples_size()) > limits_.max_batch_samples) {
      accepted_.fetch_add(accepted, std::memory_order_relaxed);
      rejected_.fetch_add(rejected, std::memory_order_relaxed);
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("batch ", batch_number, " has ", batch.samples_size(),
                                       " samples; the limit is ", limits_.max_batch_samples,
                                       ": split it into smaller batches (", accepted,
                                       " samples of earlier batches were accepted)"));
    }
    const absl::Time now = clock_->Now();
    stored.clear();
    for (const limiar::v1::Sample& s : batch.samples()) {
      DecodePushedSample(s, now, in);
      absl::StatusOr<Sample> valid = ValidatePushedSample(in, *resources, limits_, now);
      absl::Status added = valid.ok() ? store_->Add(*valid) : valid.status();
      if (added.ok()) {
        ++accepted;
        if (!valid->gone && !valid->replica_id.empty()) stored.push_back(*std::move(valid));
      } else if (++rejected <= limits_.max_rejections_listed) {
        limiar::v1::RejectedSample* r = response->add_rejected();
        r->set_index(position);
        r->set_reason(std::string(added.message()));
      }
      ++position;
    }
    if (on_stored_ && !stored.empty()) on_stored_(stored);
    if (batch_timer_) batch_timer_(clock_->Now() - now);
    ++batch_number;
    if (context->IsCancelled()) break;
  }
  response->set_accepted(accepted);
  response->set_rejected_not_listed(rejected - response->rejected_size());
  accepted_.fetch_add(accepted, std::memory_order_relaxed);
  rejected_.fetch_add(rejected, std::memory_order_relaxed);
  return grpc::Status::OK;
}

}  // namespace limiar::metrics
