// The admin service over real gRPC on loopback, driving a real Runner and ControlLoop.
#include "src/controller/admin_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "src/controller/decision_proto.h"
#include "src/metrics/store/sample_store.h"
#include "tests/controller/storefront_spike.h"
#include "tests/fakes/fake_actuator.h"
#include "tests/support/policy_builders.h"
#include "tests/support/sample_builders.h"

namespace limiar::controller {
namespace {

using policy::MetricType;

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    actuator_.state["storefront"] = {2, 2};
    auto loop =
        ControlLoop::Create({testing::RequestsPolicy(2, 8)}, &store_, &actuator_, &broadcaster_);
    ASSERT_TRUE(loop.ok());
    runner_ = std::make_unique<Runner>(*std::move(loop), &clock_,
                                       RunnerOptions{absl::Hours(1), absl::Milliseconds(1)});
    service_ = std::make_unique<AdminService>(
        runner_.get(), &broadcaster_,
        AdminOptions{"s3cret", "/etc/limiar/blueprint.json", /*max_watch_streams=*/2},
        [this]() -> absl::StatusOr<AdminService::ReloadOutcome> {
          ++reloads_;
          if (!blueprint_valid_) return absl::InvalidArgumentError("recursos[1].nome: missing");
          return AdminService::ReloadOutcome{{"storefront"}, {"a warning"}};
        },
        [](const policy::TargetPolicy& t) { return "{\"target\":\"" + t.target + "\"}"; });
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = limiar::v1::Admin::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                                           grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    broadcaster_.Close();
    server_->Shutdown();
    runner_->Stop();
  }
  std::unique_ptr<grpc::ClientContext> Authed() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer s3cret");
    return ctx;
  }
  void Spike() { AddStorefrontSpike(store_, clock_.Now()); }

  RealClock clock_;
  metrics::SampleStore store_;
  testing::FakeActuator actuator_;
  DecisionBroadcaster broadcaster_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<AdminService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<limiar::v1::Admin::Stub> stub_;
  // Read on a gRPC server thread: atomics, since TSan cannot see gRPC's own hand-offs.
  std::atomic<int> reloads_{0};
  std::atomic<bool> blueprint_valid_{false};
  int port_ = 0;
};

TEST_F(AdminServiceTest, EveryCallNeedsTheToken) {
  limiar::v1::ListResourcesResponse out;
  grpc::ClientContext none;
  EXPECT_EQ(stub_->ListResources(&none, {}, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext wrong;
  wrong.AddMetadata("authorization", "Bearer s3cre7");
  EXPECT_EQ(stub_->ListResources(&wrong, {}, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  limiar::v1::SetModeRequest req;
  req.set_target("storefront");
  req.set_mode(limiar::v1::MODE_PAUSED);
  limiar::v1::SetModeResponse set;
  grpc::ClientContext none2;
  EXPECT_EQ(stub_->SetMode(&none2, req, &set).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stub_->ListResources(Authed().get(), {}, &out).ok());
  ASSERT_EQ(out.resources_size(), 1);
  EXPECT_EQ(out.resources(0).target(), "storefront");
  EXPECT_EQ(out.resources(0).metrics(0), "requests");
}

TEST_F(AdminServiceTest, StatusExplainAndWatchFollowTheLoop) {
  limiar::v1::ExplainRequest ereq;
  ereq.set_target("storefront");
  limiar::v1::ExplainResponse before;
  ASSERT_TRUE(stub_->Explain(Authed().get(), ereq, &before).ok());
  EXPECT_EQ(before.steps(0), "no evaluation yet: the first tick has not run");
  EXPECT_EQ(before.policy_json(), "{\"target\":\"storefront\"}");

  auto watch_ctx = Authed();
  limiar::v1::WatchRequest wreq;
  auto stream = stub_->WatchDecisions(watch_ctx.get(), wreq);
  // The server subscribes when the call arrives, which may be after this line: wait for it
  // (bounded), or the first tick's decision could be published before anyone listens.
  ASSERT_TRUE(broadcaster_.WaitForSubscribers(1, absl::Seconds(30)));
  Spike();
  runner_->Start();
  limiar::v1::Decision d;
  ASSERT_TRUE(stream->Read(&d));  // the first tick's decision, pushed to the watcher
  EXPECT_EQ(d.target(), "storefront");
  EXPECT_EQ(d.desired_replicas(), 4);
  EXPECT_TRUE(d.actuated());
  watch_ctx->TryCancel();

  limiar::v1::StatusRequest sreq;
  limiar::v1::StatusResponse status;
  ASSERT_TRUE(stub_->Status(Authed().get(), sreq, &status).ok());
  ASSERT_EQ(status.targets_size(), 1);
  EXPECT_EQ(status.targets(0).last_decision().desired_replicas(), 4);
  EXPECT_FALSE(status.targets(0).last_decision().reason().empty());

  limiar::v1::ExplainResponse after;
  ASSERT_TRUE(stub_->Explain(Authed().get(), ereq, &after).ok());
  ASSERT_GE(after.steps_size(), 4);
  EXPECT_NE(after.steps(0).find("observed 2 replicas (2 ready)"), std::string::npos);
  EXPECT_EQ(after.steps(after.steps_size() - 1), "actuated 2 -> 4");

  sreq.set_target("nope");
  EXPECT_EQ(stub_->Status(Authed().get(), sreq, &status).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminServiceTest, SetModeSwitchesAndReportsThePrevious) {
  limiar::v1::SetModeRequest req;
  req.set_target("storefront");
  req.set_mode(limiar::v1::MODE_DRY_RUN);
  limiar::v1::SetModeResponse out;
  ASSERT_TRUE(stub_->SetMode(Authed().get(), req, &out).ok());
  EXPECT_EQ(out.previous(), limiar::v1::MODE_ENFORCE);
  Spike();
  auto sub = broadcaster_.Subscribe("storefront");
  runner_->Start();
  std::optional<Decision> d = sub->Next(absl::Seconds(30));
  runner_->Stop();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->desired_replicas, 4);  // dry-run decides...
  EXPECT_FALSE(d->actuated);          // ...but does not actuate
  EXPECT_TRUE(actuator_.calls.empty());

  req.set_mode(limiar::v1::MODE_UNSPECIFIED);
  EXPECT_EQ(stub_->SetMode(Authed().get(), req, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.set_target("nope");
  req.set_mode(limiar::v1::MODE_PAUSED);
  EXPECT_EQ(stub_->SetMode(Authed().get(), req, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminServiceTest, ReloadRefusesABadBlueprintWithItsErrors) {
  limiar::v1::ReloadRequest req;
  limiar::v1::ReloadResponse out;
  const grpc::Status bad = stub_->Reload(Authed().get(), req, &out);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("the running one is kept"), std::string::npos);
  EXPECT_NE(bad.error_message().find("recursos[1].nome"), std::string::npos);
  blueprint_valid_ = true;
  ASSERT_TRUE(stub_->Reload(Authed().get(), req, &out).ok());
  EXPECT_EQ(out.targets(0), "storefront");
  EXPECT_EQ(reloads_, 2);
}

// The configured path is what older clients send; anything else is never read, and the
// refusal quotes it cut and escaped.
TEST_F(AdminServiceTest, ReloadReadsOnlyTheConfiguredFile) {
  limiar::v1::ReloadRequest req;
  limiar::v1::ReloadResponse out;
  blueprint_valid_ = true;
  req.set_blueprint_path("/etc/limiar/blueprint.json");
  EXPECT_TRUE(stub_->Reload(Authed().get(), req, &out).ok());
  req.set_blueprint_path("/dev/zero\n" + std::string(10'000, 'x'));
  const grpc::Status refused = stub_->Reload(Authed().get(), req, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("reloads only the blueprint it was started with, "
                                         "/etc/limiar/blueprint.json"),
            std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("--blueprint"), std::string::npos);
  EXPECT_EQ(refused.error_message().find("\n"), std::string::npos);
  EXPECT_LT(refused.error_message().size(), 600u);
  EXPECT_EQ(reloads_, 1);
}

// The algorithm's proposal is what the metrics asked; outside the bounds the step says so,
// so that "proposed 1" never reads as a count the policy could set.
TEST(ExplainStepsTest, AProposalOutsideTheBoundsSaysSo) {
  policy::TargetPolicy t;
  t.target = "storefront";
  t.min_replicas = 3;
  t.max_replicas = 8;
  Decision d;
  d.current_replicas = 5;
  d.ready_replicas = 5;
  d.desired_replicas = 5;
  d.recommendation.proposed_replicas = 1;
  d.recommendation.reason = "ScaleDownStabilized";
  std::vector<std::string> steps = ExplainSteps(d, t);
  ASSERT_GE(steps.size(), 2u);
  EXPECT_EQ(steps[1], "hpa proposed 1, clamped to replicas_min 3");
  d.recommendation.proposed_replicas = 12;
  steps = ExplainSteps(d, t);
  EXPECT_EQ(steps[1], "hpa proposed 12, clamped to replicas_max 8");
}

// Each decision of a target with a forecasting policy says what the forecast asked for and
// what became of it; in forecast-only mode, that it was not acted on.
TEST(ExplainStepsTest, TheForecastIsAStepOfItsOwn) {
  policy::TargetPolicy t;
  t.min_replicas = 2;
  t.max_replicas = 40;
  Decision d;
  d.current_replicas = 3;
  d.ready_replicas = 3;
  d.desired_replicas = 3;
  d.recommendation.proposed_replicas = 3;
  policy::ForecastNote f;
  f.mode = policy::ForecastMode::kForecastOnly;
  f.ready = true;
  f.forecaster = "auto: holt_winters_add";
  f.metric = policy::MetricType::kRequests;
  f.load = 1900;
  f.horizon = absl::Seconds(120);
  f.floor = 30;
  f.error_ratio = 0.082;
  d.recommendation.forecast = f;
  std::vector<std::string> steps = ExplainSteps(d, t);
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[2],
            "forecast: 1,900 requests/s within 120s (auto: holt_winters_add); would set floor 30 "
            "(forecast only: not acted on); last hour's forecast error 8.2 %");
  f.mode = policy::ForecastMode::kActive;
  f.applied = true;
  d.recommendation.forecast = f;
  steps = ExplainSteps(d, t);
  EXPECT_EQ(steps[2],
            "forecast: 1,900 requests/s within 120s (auto: holt_winters_add); floor 30, set the "
            "count; last hour's forecast error 8.2 %");
  f.ready = false;
  f.why_not = "holt_winters_add needs two periods of history (2880 steps); it has 600";
  d.recommendation.forecast = f;
  steps = ExplainSteps(d, t);
  EXPECT_EQ(steps[2],
            "forecast: not yet (holt_winters_add needs two periods of history (2880 steps); it "
            "has 600)");
}

}  // namespace
}  // namespace limiar::controller
