// The push endpoint over real gRPC on loopback.
#include "src/metrics/push_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <mutex>

namespace limiar::metrics {
namespace {

using policy::MetricType;

const absl::Time kNow = absl::FromUnixSeconds(1795766400);

std::vector<policy::TargetPolicy> Targets() {
  policy::TargetPolicy t;
  t.target = "storefront";
  t.metrics.push_back({"scale-store", MetricType::kRequests, 65, 100});
  return {t};
}

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

class PushServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IngestLimits limits;
    limits.max_batch_samples = 100;
    service_ = std::make_unique<PushService>(&store_, std::make_shared<ResourceIndex>(Targets()),
                                             &clock_, limits, [this](const std::vector<Sample>& s) {
                                               // Called on a gRPC server thread (the callback must
                                               // be thread-safe).
                                               std::lock_guard<std::mutex> lock(stored_mu_);
                                               stored_batches_.push_back(s.size());
                                             });
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    stub_ = limiar::v1::Ingest::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  static limiar::v1::Sample Good(const std::string& replica, double value) {
    limiar::v1::Sample s;
    s.set_resource("storefront");
    s.set_metric(limiar::v1::METRIC_REQUESTS);
    s.mutable_replica()->set_id(replica);
    s.set_value(value);
    *s.mutable_timestamp() = Ts(kNow);
    return s;
  }

  grpc::Status Push(const std::vector<limiar::v1::SampleBatch>& batches,
                    limiar::v1::PushResponse* response) {
    grpc::ClientContext ctx;
    auto writer = stub_->Push(&ctx, response);
    for (const auto& b : batches) {
      if (!writer->Write(b)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  ManualClock clock_{kNow};
  SampleStore store_;
  std::mutex stored_mu_;
  std::vector<size_t> stored_batches_;  // guarded by stored_mu_

  std::vector<size_t> StoredBatches() {
    std::lock_guard<std::mutex> lock(stored_mu_);
    return stored_batches_;
  }
  std::unique_ptr<PushService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<limiar::v1::Ingest::Stub> stub_;
  int port_ = 0;
};

TEST_F(PushServiceTest, ValidSamplesApplyAndBadOnesAreRejectedByStreamIndex) {
  limiar::v1::SampleBatch b0;
  *b0.add_samples() = Good("r0", 50);
  limiar::v1::Sample unknown = Good("r1", 50);
  unknown.set_resource("storefrnt");
  *b0.add_samples() = unknown;
  limiar::v1::Sample nan = Good("r1", std::nan(""));
  *b0.add_samples() = nan;
  limiar::v1::SampleBatch b1;
  limiar::v1::Sample negative = Good("r1", -3);
  *b1.add_samples() = negative;
  limiar::v1::Sample future = Good("r1", 5);
  *future.mutable_timestamp() = Ts(kNow + absl::Minutes(5));
  *b1.add_samples() = future;
  limiar::v1::Sample old = Good("r1", 5);
  *old.mutable_timestamp() = Ts(kNow - absl::Hours(1));
  *b1.add_samples() = old;
  limiar::v1::Sample no_replica = Good("r1", 5);
  no_replica.clear_replica();
  *b1.add_samples() = no_replica;
  limiar::v1::Sample wrong_metric = Good("r1", 5);
  wrong_metric.set_metric(limiar::v1::METRIC_CPU);
  *b1.add_samples() = wrong_metric;
  limiar::v1::Sample via_autoscale_name = Good("r1", 70);
  via_autoscale_name.set_resource("scale-store");
  via_autoscale_name.clear_timestamp();  // "now" at the receiver
  *b1.add_samples() = via_autoscale_name;

  limiar::v1::PushResponse response;
  const grpc::Status status = Push({b0, b1}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 2u);
  ASSERT_EQ(response.rejected_size(), 7);
  const std::vector<std::pair<uint64_t, std::string>> want = {{1, "unknown resource \"storefrnt\""},
                                                              {2, "NaN"},
                                                              {3, "negative"},
                                                              {4, "in the future"},
                                                              {5, "too old"},
                                                              {6, "replica.id is required"},
                                                              {7, "does not scale on cpu"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(response.rejected(i).index(), want[i].first);
    EXPECT_NE(response.rejected(i).reason().find(want[i].second), std::string::npos)
        << response.rejected(i).reason();
  }
  EXPECT_NE(response.rejected(0).reason().find("known: scale-store, storefront"),
            std::string::npos);

  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store_.Observe(Targets()[0], kNow, &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 2u);
  EXPECT_EQ(StoredBatches(), (std::vector<size_t>{1, 1}));
  EXPECT_EQ(service_->accepted_total(), 2u);
  EXPECT_EQ(service_->rejected_total(), 7u);
}

TEST_F(PushServiceTest, OversizeBatchIsRefusedWithAClearError) {
  limiar::v1::SampleBatch small;
  *small.add_samples() = Good("r0", 1);
  limiar::v1::SampleBatch big;
  for (int i = 0; i < 101; ++i) *big.add_samples() = Good("r" + std::to_string(i), 1);
  limiar::v1::PushResponse response;
  const grpc::Status status = Push({small, big}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("batch 1 has 101 samples; the limit is 100"),
            std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("1 samples of earlier batches were accepted"),
            std::string::npos);
  EXPECT_EQ(store_.series_count(), 1u);
}

}  // namespace
}  // namespace limiar::metrics
