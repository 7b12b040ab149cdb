// The push endpoint over real gRPC on loopback.
#include "src/metrics/push/push_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "tests/support/policy_builders.h"

namespace limiar::metrics {
namespace {

using policy::MetricType;

const absl::Time kNow = absl::FromUnixSeconds(1795766400);

std::vector<policy::TargetPolicy> Targets() {
  // Bounds play no part in ingest: the policy's defaults.
  return {testing::RequestsPolicy(1, 1)};
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
    limits.max_rejections_listed = 20;
    service_ =
        std::make_unique<PushService>(&store_, std::make_shared<ResourceIndex>(Targets()), &clock_,
                                      limits, token_, [this](const std::vector<Sample>& s) {
                                        // Called on a gRPC server thread (the callback must be
                                        // thread-safe).
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
                    limiar::v1::PushResponse* response, const std::string& token = "") {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    auto writer = stub_->Push(&ctx, response);
    for (const auto& b : batches) {
      if (!writer->Write(b)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  std::string token_;  // set before SetUp to require one
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
  limiar::v1::Sample empty_id = Good("", 5);
  *b1.add_samples() = empty_id;
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
                                                              {6, "replica.id is empty"},
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

// A load balancer pushing the total requests/s of the resource (samples.proto: "Absent for
// a value of the whole resource").
TEST_F(PushServiceTest, ASampleWithoutAReplicaIsAValueOfTheWholeResource) {
  limiar::v1::SampleBatch b;
  limiar::v1::Sample total = Good("", 900);
  total.clear_replica();
  *b.add_samples() = total;
  limiar::v1::PushResponse response;
  ASSERT_TRUE(Push({b}, &response).ok());
  EXPECT_EQ(response.accepted(), 1u);
  EXPECT_EQ(response.rejected_size(), 0);
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store_.Observe(Targets()[0], kNow, &out).ok());
  EXPECT_EQ(out[0].whole_target_value, 900);
  EXPECT_TRUE(out[0].replicas.empty());
  // A total is not a replica's value: it never reaches the per-replica fast path.
  EXPECT_TRUE(StoredBatches().empty());
}

TEST_F(PushServiceTest, AReplicaReportedGoneIsForgottenAtOnce) {
  limiar::v1::SampleBatch b;
  *b.add_samples() = Good("r0", 50);
  *b.add_samples() = Good("r1", 50);
  limiar::v1::Sample gone;  // resource and replica are all it needs
  gone.set_resource("storefront");
  gone.mutable_replica()->set_id("r1");
  gone.mutable_replica()->set_gone(true);
  *b.add_samples() = gone;
  limiar::v1::PushResponse response;
  ASSERT_TRUE(Push({b}, &response).ok());
  EXPECT_EQ(response.accepted(), 3u);
  std::vector<policy::MetricObservation> out;
  ASSERT_TRUE(store_.Observe(Targets()[0], kNow, &out).ok());
  ASSERT_EQ(out[0].replicas.size(), 1u);
  EXPECT_EQ(out[0].replicas[0].replica_id, "r0");
}

// One stream of unknown-resource samples with long names once produced a 79 MB reply.
TEST_F(PushServiceTest, TheReplyListsAFewRejectionsCountsTheRestAndCutsEchoedNames) {
  limiar::v1::SampleBatch b;
  for (int i = 0; i < 100; ++i) {
    limiar::v1::Sample s = Good("r0", 1);
    s.set_resource(std::string(10'000, 'x') + std::to_string(i));
    *b.add_samples() = s;
  }
  limiar::v1::PushResponse response;
  ASSERT_TRUE(Push(std::vector<limiar::v1::SampleBatch>(50, b), &response).ok());
  EXPECT_EQ(response.accepted(), 0u);
  ASSERT_EQ(response.rejected_size(), 20);  // the limit in SetUp
  EXPECT_EQ(response.rejected_not_listed(), 5000u - 20);
  EXPECT_EQ(response.rejected(19).index(), 19u);
  EXPECT_LT(response.ByteSizeLong(), 20 * 400u);
  EXPECT_EQ(service_->rejected_total(), 5000u);
}

TEST_F(PushServiceTest, TheKnownNamesInARejectionAreCut) {
  std::vector<policy::TargetPolicy> many;
  for (int i = 0; i < 1000; ++i) {
    many.push_back(testing::RequestsPolicy(1, 1, "web-" + std::to_string(1000 + i),
                                           "scale-web-" + std::to_string(1000 + i)));
  }
  service_->SetIndex(std::make_shared<ResourceIndex>(many));
  limiar::v1::SampleBatch b;
  *b.add_samples() = Good("r0", 1);
  limiar::v1::PushResponse response;
  ASSERT_TRUE(Push({b}, &response).ok());
  ASSERT_EQ(response.rejected_size(), 1);
  const std::string& reason = response.rejected(0).reason();
  EXPECT_LT(reason.size(), 400u) << reason;
  EXPECT_NE(reason.find("scale-web-1000, scale-web-1001"), std::string::npos) << reason;
  EXPECT_NE(reason.find("and 1990 more"), std::string::npos) << reason;
}

class PushTokenTest : public PushServiceTest {
 protected:
  void SetUp() override {
    token_ = "s3cret";
    PushServiceTest::SetUp();
  }
};

TEST_F(PushTokenTest, PushNeedsTheBearerTokenWhenOneIsSet) {
  limiar::v1::SampleBatch b;
  *b.add_samples() = Good("r0", 50);
  limiar::v1::PushResponse response;
  grpc::Status status = Push({b}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(status.error_message().find("Bearer"), std::string::npos) << status.error_message();
  status = Push({b}, &response, "wrong");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(store_.series_count(), 0u);
  response.Clear();
  ASSERT_TRUE(Push({b}, &response, "s3cret").ok());
  EXPECT_EQ(response.accepted(), 1u);
}

}  // namespace
}  // namespace limiar::metrics
